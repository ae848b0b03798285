using System.Globalization;
using System.Text.RegularExpressions;
using Marketplace.Testing;
using MimeKit;

namespace Marketplace.Web.Tests;

/// <summary>The web host sending through a real SMTP server (smtp4dev), sellers held to confirming their address.</summary>
public sealed partial class EmailFixture : WebHostFixture
{
    public const string PublicUrl = "http://shop.test";

    private MailServer? mail;

    public MailServer Mail => mail ?? throw new InvalidOperationException("Not started.");

    protected override async Task<WebHostFactory> StartHostAsync()
    {
        mail = await MailServer.StartAsync();
        await StartAsync("email");
        var factory = new WebHostFactory(this, new Dictionary<string, string>
        {
            ["Email:Smtp:Host"] = mail.SmtpHost,
            ["Email:Smtp:Port"] = mail.SmtpPort.ToString(CultureInfo.InvariantCulture),
            ["Email:Smtp:Security"] = "None",
            ["Email:PollInterval"] = "00:00:00.200",
            ["Email:FromAddress"] = "no-reply@shop.test",
            ["Marketplace:PublicUrl"] = PublicUrl,
            ["Auth:SellersMustVerifyEmail"] = "true",
        });
        _ = factory.Server;
        return factory;
    }

    protected override async ValueTask DisposeOthersAsync()
    {
        if (mail is not null)
        {
            await mail.DisposeAsync();
        }
    }

    /// <summary>The one email of this subject (a substring) to the address, as delivered.</summary>
    public async Task<MimeMessage> ReceiveAsync(string to, string subject)
    {
        var received = await Mail.Inbox.WaitForAsync(
            m => m.To.Contains(to, StringComparer.OrdinalIgnoreCase) && m.Subject.Contains(subject, StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        return await Mail.Inbox.LoadAsync(received);
    }

    /// <summary>Every delivered email to the address.</summary>
    public async Task<IReadOnlyList<ReceivedMail>> MailToAsync(string to) =>
        [.. (await Mail.Inbox.MessagesAsync()).Where(m => m.To.Contains(to, StringComparer.OrdinalIgnoreCase))];

    /// <summary>The token of the link to <paramref name="path"/> in the email's text part (and the same in its HTML part).</summary>
    public static string TokenOf(MimeMessage message, string path)
    {
        var pattern = new Regex(Regex.Escape(PublicUrl + path) + @"\?token=([A-Za-z0-9_-]+)");
        var text = pattern.Match(message.TextBody ?? "");
        Assert.True(text.Success, $"No link to {path} in:\n{message.TextBody}");
        Assert.Contains(text.Value, message.HtmlBody ?? "", StringComparison.Ordinal);
        return text.Groups[1].Value;
    }
}

[CollectionDefinition(Name)]
public sealed class EmailCollection : ICollectionFixture<EmailFixture>
{
    public const string Name = "email";
}
