using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Testing;

namespace Marketplace.System.Tests;

/// <summary>
/// The web host sending an announcement dies half-way: a second one finishes it. Every recipient gets it, a copy sent
/// twice (sent by the first host, not yet recorded) is the same message, and the count of sent emails is exact.
/// </summary>
public sealed class AnnouncementCrashTests(ITestOutputHelper output)
{
    private const int Recipients = 500;

    [Fact]
    public async Task Killing_the_sending_web_host_half_way_leaves_every_recipient_one_message_and_an_exact_count()
    {
        await using var database = await TestDatabase.CreateAsync("announcecrash");
        await using var mail = await MailServer.StartAsync();
        await using var cluster = await ProcessCluster.StartAsync("announcecrash", database.ConnectionString);
        var settings = new Dictionary<string, string>
        {
            ["Email__Smtp__Host"] = mail.SmtpHost,
            ["Email__Smtp__Port"] = mail.SmtpPort.ToString(global::System.Globalization.CultureInfo.InvariantCulture),
            ["Email__Smtp__Security"] = "None",
            ["Email__FromAddress"] = "no-reply@crash.test",
            // Slow enough to be killed half-way; a short lease so the second host takes over the first one's batch soon.
            ["Email__MaxPerSecond"] = "60",
            ["Email__BatchSize"] = "25",
            ["Email__Lease"] = "00:00:03",
            ["Email__PollInterval"] = "00:00:00.250",
            ["MARKETPLACE_ADMIN_EMAIL"] = TestSecrets.AdminEmail,
            ["MARKETPLACE_ADMIN_PASSWORD"] = TestSecrets.AdminPassword,
            ["Auth__RequireTwoFactorForAdmins"] = "false",
        };
        var silo = cluster.StartSilo("silo-1");
        var first = cluster.StartWebHost("web-1", settings);
        await ProcessCluster.WaitReadyAsync(silo, first);
        await AddShoppersAsync(database);

        using var http = new HttpClient { BaseAddress = first.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.UseToken(await http.LoginAsync(TestSecrets.AdminEmail, TestSecrets.AdminPassword));
        using var created = await http.PostAsJsonAsync("/api/admin/announcements", new
        {
            segment = "shoppers",
            subject = new { en = "Holiday opening hours", es = "Horario de fiestas" },
            body = new { en = "We ship until 23 December.", es = "Despachamos hasta el 23 de diciembre." },
        });
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var id = (await created.ReadJsonAsync()).GetProperty("announcementId").GetString()!;

        // Kill the only sender while the queue is partly sent.
        await mail.Inbox.WaitForCountAsync(IsOurs, Recipients / 5, TimeSpan.FromSeconds(60));
        await first.KillAsync();
        var sentBefore = (await mail.Inbox.MessagesAsync()).Count(IsOurs);
        output.WriteLine($"killed the sending web host after {sentBefore} of {Recipients} messages arrived");
        Assert.True(sentBefore < Recipients, "the sender finished before it was killed; nothing was tested");

        var second = cluster.StartWebHost("web-2", settings);
        await ProcessCluster.WaitReadyAsync(second);
        using var admin = new HttpClient { BaseAddress = second.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        admin.UseToken(await admin.LoginAsync(TestSecrets.AdminEmail, TestSecrets.AdminPassword));
        var progress = await admin.WaitUntilSentAsync(id, TimeSpan.FromSeconds(90));

        var received = (await mail.Inbox.MessagesAsync()).Where(IsOurs).ToList();
        var perRecipient = received.GroupBy(m => m.To.Single().ToLowerInvariant()).ToList();
        Assert.Equal(Recipients, perRecipient.Count);
        var duplicates = perRecipient.Where(g => g.Count() > 1).ToList();
        foreach (var copies in duplicates)
        {
            var ids = new HashSet<string>();
            foreach (var copy in copies)
            {
                ids.Add((await mail.Inbox.LoadAsync(copy)).MessageId ?? "");
            }

            Assert.Single(ids);
        }

        // The admin (an account without a store) is a shopper too: one more recipient than the accounts made here.
        Assert.Equal(Recipients + 1, progress.GetProperty("recipients").GetInt32());
        Assert.Equal(Recipients + 1, progress.GetProperty("sent").GetInt64());
        Assert.Equal(0, progress.GetProperty("dead").GetInt64());
        output.WriteLine($"{received.Count} messages for {Recipients} recipients ({duplicates.Count} sent twice, each with one Message-ID); " +
                         $"the announcement counts {progress.GetProperty("sent").GetInt64()} sent");
    }

    private static bool IsOurs(ReceivedMail mail) =>
        mail.Subject == "Holiday opening hours" && mail.To.Count == 1 && mail.To[0].EndsWith("@crash.test", StringComparison.OrdinalIgnoreCase);

    /// <summary>Accounts without a store, inserted as rows (their sign-up is not what is tested here).</summary>
    private static async Task AddShoppersAsync(TestDatabase database)
    {
        await database.ScalarAsync<long>($"""
            WITH added AS (
                INSERT INTO users (id, display_name, created_at, user_name, normalized_user_name, email, normalized_email, email_confirmed,
                                   phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
                SELECT 'usr_crash' || lpad(n::text, 4, '0'), 'Shopper ' || n, now(), 'shopper' || n || '@crash.test', upper('shopper' || n || '@crash.test'),
                       'shopper' || n || '@crash.test', upper('shopper' || n || '@crash.test'), true, false, false, true, 0
                FROM generate_series(1, {Recipients}) n
                RETURNING 1)
            SELECT count(*) FROM added
            """);
    }
}
