using System.Text.Json.Nodes;
using MailKit.Net.Smtp;
using MailKit.Security;
using Marketplace.Email;
using Marketplace.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Marketplace.Email.Tests;

/// <summary>The sender against a real SMTP server (smtp4dev) and a real database.</summary>
public sealed class MailSenderTests : IAsyncLifetime
{
    private readonly ManualClock clock = new(DateTimeOffset.UtcNow);
    private TestDatabase? database;
    private MailServer? mail;

    private MailQueue Queue => new(database!.DataSource, clock);

    public async ValueTask InitializeAsync()
    {
        database = await TestDatabase.CreateAsync("mailsender");
        mail = await MailServer.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (mail is not null)
        {
            await mail.DisposeAsync();
        }

        if (database is not null)
        {
            await database.DisposeAsync();
        }
    }

    [Fact]
    public async Task Queued_emails_are_sent_once_each_and_recorded_as_sent()
    {
        var queue = Queue;
        var emails = Enumerable.Range(1, 20).Select(i => Email($"r{i}@example.com", $"batch:{i}")).ToList();
        await queue.EnqueueAsync(emails);

        await RunSenderUntilAsync(mail!.SmtpPort, queue, async () => (await queue.CountAsync()).Sent == 20);

        var received = await mail.Inbox.WaitForCountAsync(_ => true, 20, TimeSpan.FromSeconds(20));
        Assert.Equal(20, received.Count);
        var ids = new List<string>();
        foreach (var message in received)
        {
            ids.Add((await mail.Inbox.LoadAsync(message)).MessageId ?? "");
        }

        Assert.Equal(emails.Select(e => e.Key + "@shop.test").Order(), ids.Order());
    }

    [Fact]
    public async Task An_email_whose_relay_is_unreachable_stays_queued_for_a_later_attempt_and_the_request_that_queued_it_never_waits()
    {
        var queue = Queue;
        var email = Email("ana@example.com", "unreachable:1");
        await queue.EnqueueAsync([email]);

        await RunSenderUntilAsync(ProcessHost.FreePort(), queue, async () =>
            await database!.ScalarAsync<int>("SELECT attempts FROM email_outbox WHERE email_key = @k AND last_error IS NOT NULL", ("k", email.Key)) == 1);

        var row = Assert.Single(await queue.ListAsync("queued", 10));
        Assert.True(row.NextAttemptAt > clock.GetUtcNow(), "the next attempt waits");
        Assert.NotNull(row.LastError);
    }

    [Fact]
    public async Task A_sender_that_dies_after_sending_leaves_its_emails_to_another_which_sends_the_same_messages_and_counts_each_once()
    {
        var queue = Queue;
        var emails = Enumerable.Range(1, 5).Select(i => Email($"c{i}@example.com", $"crash:{i}")).ToList();
        await queue.EnqueueAsync(emails);

        // The first sender takes the batch and hands it to the relay, then dies before recording it.
        var taken = await queue.TakeAsync(10, TimeSpan.FromMinutes(2));
        using (var smtp = new SmtpClient())
        {
            await smtp.ConnectAsync(mail!.SmtpHost, mail.SmtpPort, SecureSocketOptions.None);
            foreach (var email in taken)
            {
                await smtp.SendAsync(await Composer().ComposeAsync(email));
            }

            await smtp.DisconnectAsync(true);
        }

        await mail.Inbox.WaitForCountAsync(_ => true, 5, TimeSpan.FromSeconds(20));
        clock.Advance(TimeSpan.FromMinutes(3));
        await RunSenderUntilAsync(mail.SmtpPort, queue, async () => (await queue.CountAsync()).Sent == 5);

        var received = await mail.Inbox.WaitForCountAsync(_ => true, 10, TimeSpan.FromSeconds(20));
        var byId = new Dictionary<string, int>();
        foreach (var message in received)
        {
            var id = (await mail.Inbox.LoadAsync(message)).MessageId ?? "";
            byId[id] = byId.GetValueOrDefault(id) + 1;
        }

        Assert.Equal(5, byId.Count);
        Assert.All(byId.Values, copies => Assert.Equal(2, copies));
        Assert.Equal(new EmailCounts(0, 5, 0, 0), await queue.CountAsync());
    }

    private async Task RunSenderUntilAsync(int smtpPort, MailQueue queue, Func<Task<bool>> done)
    {
        var options = Options.Create(Settings(smtpPort));
        var sender = new MailSender(queue, Composer(), options, clock, NullLogger<MailSender>.Instance);
        await sender.StartAsync(CancellationToken.None);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!await done())
            {
                Assert.True(DateTime.UtcNow < deadline, "The sender did not finish in time.");
                await Task.Delay(100);
            }
        }
        finally
        {
            await sender.StopAsync(CancellationToken.None);
        }
    }

    private static EmailOptions Settings(int smtpPort = 25) => new()
    {
        Smtp = new SmtpOptions { Host = "127.0.0.1", Port = smtpPort, Security = SmtpSecurity.None, Timeout = TimeSpan.FromSeconds(5) },
        FromAddress = "no-reply@shop.test",
        PollInterval = TimeSpan.FromMilliseconds(100),
        MaxPerSecond = 0,
    };

    private static MessageComposer Composer() =>
        new(EmailTemplates.Load(EmailTemplates.BuiltInFolder), Options.Create(Settings()), new Links());

    private static OutgoingEmail Email(string to, string source) =>
        new(to, "Ana", null, "en", EmailKind.VerifyEmail, source,
            new JsonObject { ["link"] = "https://shop.example/account/verify-email?token=x", ["email"] = to, ["valid_hours"] = 48 });

    private sealed class Links : IEmailLinks
    {
        public Uri PublicUrl { get; } = new("https://shop.example/");

        public Uri Unsubscribe(OutgoingEmail email) => new("https://shop.example/unsubscribe");
    }
}
