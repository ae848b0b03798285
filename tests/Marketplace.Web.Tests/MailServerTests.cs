using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Marketplace.Web.Tests;

/// <summary>One mail server for the tests of this class, each sending to addresses and subjects of its own.</summary>
public sealed class MailServerFixture : IAsyncLifetime
{
    private MailServer? server;

    public MailServer Server => server ?? throw new InvalidOperationException("Not started.");

    public async ValueTask InitializeAsync() => server = await MailServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}

/// <summary>
/// The tests' mail server keeps what it is sent over plain SMTP, and its inbox reads back the envelope, the headers and
/// both bodies as they were sent; it keeps more messages than smtp4dev keeps by default (100).
/// </summary>
public sealed class MailServerTests(MailServerFixture fixture) : IClassFixture<MailServerFixture>
{
    private static readonly TimeSpan Arrival = TimeSpan.FromSeconds(20);

    private MailInbox Inbox => fixture.Server.Inbox;

    [Fact]
    public async Task The_inbox_shows_recipients_headers_and_both_bodies_as_sent()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var confirmation = new MimeMessage
        {
            MessageId = $"order-{tag}@marketplace.test",
            Subject = $"Bestellung {tag} bestätigt",
        };
        confirmation.From.Add(new MailboxAddress("Marketplace", "orders@marketplace.test"));
        confirmation.To.Add(new MailboxAddress("Jürgen Käufer", $"buyer-{tag}@example.test"));
        confirmation.Headers.Add("List-Unsubscribe", $"<https://marketplace.test/unsubscribe/{tag}>");
        confirmation.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        confirmation.Headers.Add(HeaderId.ContentLanguage, "de");
        var text = $"Danke für Ihre Bestellung {tag}.\nWir melden uns, sobald sie unterwegs ist.";
        var html = $"<p>Danke für Ihre Bestellung <strong>{tag}</strong>.</p>";
        confirmation.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();

        var notice = new MimeMessage { Subject = $"Two recipients {tag}" };
        notice.From.Add(new MailboxAddress("Marketplace", "notices@marketplace.test"));
        notice.To.Add(new MailboxAddress("", $"seller-{tag}@example.test"));
        notice.To.Add(new MailboxAddress("", $"staff-{tag}@example.test"));
        notice.Body = new TextPart("plain") { Text = "A new order." };

        await SendAsync(confirmation, notice);

        var first = await Inbox.WaitForAsync(m => m.Subject == confirmation.Subject, Arrival);
        Assert.Equal("orders@marketplace.test", first.From);
        Assert.Equal([$"buyer-{tag}@example.test"], first.To);
        var second = await Inbox.WaitForAsync(m => m.Subject == notice.Subject, Arrival);
        Assert.Equal([$"seller-{tag}@example.test", $"staff-{tag}@example.test"], second.To.Order());
        Assert.True(first.ReceivedAt <= second.ReceivedAt && first.ReceivedAt > DateTimeOffset.UtcNow.AddMinutes(-5), $"{first.ReceivedAt} {second.ReceivedAt}");

        var received = await Inbox.LoadAsync(first);
        Assert.Equal(confirmation.MessageId, received.MessageId);
        Assert.Equal(confirmation.Subject, received.Subject);
        Assert.Equal($"<https://marketplace.test/unsubscribe/{tag}>", received.Header("List-Unsubscribe"));
        Assert.Equal("List-Unsubscribe=One-Click", received.Header("List-Unsubscribe-Post"));
        Assert.Equal("de", received.Header("Content-Language"));
        Assert.Equal("Jürgen Käufer", Assert.Single(received.To.Mailboxes).Name);
        Assert.IsType<MultipartAlternative>(received.Body);
        Assert.Equal(text, Normalize(received.TextBody));
        Assert.Equal(html, Normalize(received.HtmlBody));

        var both = await Inbox.LoadAsync(second);
        Assert.Equal([$"seller-{tag}@example.test", $"staff-{tag}@example.test"], both.To.Mailboxes.Select(m => m.Address));
        Assert.Null(both.HtmlBody);
        Assert.Equal("A new order.", Normalize(both.TextBody));
    }

    [Fact]
    public async Task More_messages_than_the_default_limit_of_a_hundred_are_all_kept()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var messages = Enumerable.Range(1, 150).Select(i =>
        {
            var message = new MimeMessage { Subject = $"Bulk {tag} {i}" };
            message.From.Add(new MailboxAddress("", "bulk@marketplace.test"));
            message.To.Add(new MailboxAddress("", $"reader-{i}@example.test"));
            message.Body = new TextPart("plain") { Text = $"Message {i}." };
            return message;
        }).ToArray();

        await SendAsync(messages);

        var kept = await Inbox.WaitForCountAsync(m => m.Subject.StartsWith($"Bulk {tag} ", StringComparison.Ordinal), 150, Arrival);
        Assert.Equal(messages.Select(m => m.Subject).Order(), kept.Select(m => m.Subject).Order());
        // The oldest is still readable in full, not only listed.
        var oldest = await Inbox.LoadAsync(kept.Single(m => m.Subject == $"Bulk {tag} 1"));
        Assert.Equal("Message 1.", Normalize(oldest.TextBody));
    }

    /// <summary>Sends over one plain SMTP connection, as the web host does.</summary>
    private async Task SendAsync(params MimeMessage[] messages)
    {
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync(fixture.Server.SmtpHost, fixture.Server.SmtpPort, SecureSocketOptions.None);
        foreach (var message in messages)
        {
            await smtp.SendAsync(message);
        }

        await smtp.DisconnectAsync(quit: true);
    }

    /// <summary>Bodies travel with CRLF line ends and may gain a final line end.</summary>
    private static string? Normalize(string? body) => body?.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n');
}
