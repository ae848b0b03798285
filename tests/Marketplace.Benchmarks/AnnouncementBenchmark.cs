using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Testing;

namespace Marketplace.Benchmarks;

/// <summary>
/// An announcement to many people: accounts without a store inserted as rows (10,000 unless --clients says otherwise),
/// a silo in this process, one web host process sending to a local smtp4dev over SMTP at --rate emails a second (the
/// web host's Email:MaxPerSecond, default 1,000). Prints the time from the admin's request until every email is
/// queued and until every one is sent, emails per second, and the CPU of the web host, the mail server and PostgreSQL
/// per 1,000 emails.
/// </summary>
public static class AnnouncementBenchmark
{
    public static async Task RunAsync(BenchmarkOptions options)
    {
        var recipients = options.Clients > 0 ? options.Clients : 10_000;
        var rate = options.Rate ?? 1_000;
        await using var mail = await MailServer.StartAsync();
        await using var cluster = new MarketplaceCluster();
        await cluster.StartAsync("bench_announce");
        var web = ProcessHost.StartWebHost("web-1", cluster.Database.ConnectionString, MarketplaceCluster.ClusterId, new Dictionary<string, string>
        {
            ["Orleans__ServiceId"] = MarketplaceCluster.ServiceId,
            ["Logging__LogLevel__Default"] = "Warning",
            ["Email__Smtp__Host"] = mail.SmtpHost,
            ["Email__Smtp__Port"] = mail.SmtpPort.ToString(CultureInfo.InvariantCulture),
            ["Email__Smtp__Security"] = "None",
            ["Email__MaxPerSecond"] = rate.ToString(CultureInfo.InvariantCulture),
            ["Email__BatchSize"] = "200",
            ["MARKETPLACE_ADMIN_EMAIL"] = TestSecrets.AdminEmail,
            ["MARKETPLACE_ADMIN_PASSWORD"] = TestSecrets.AdminPassword,
            ["Auth__RequireTwoFactorForAdmins"] = "false",
        });
        await using var webHost = web;
        await web.WaitReadyAsync(TimeSpan.FromSeconds(120));
        var inserted = await cluster.Database.ScalarAsync<long>($"""
            WITH added AS (
                INSERT INTO users (id, display_name, created_at, email, normalized_email, email_confirmed,
                                   phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count, culture)
                SELECT 'usr_bench' || lpad(n::text, 6, '0'), 'Shopper ' || n, now(), 'shopper' || n || '@bench.test', upper('shopper' || n || '@bench.test'),
                       true, false, false, true, 0, CASE WHEN n % 3 = 0 THEN 'es' ELSE 'en' END
                FROM generate_series(1, {recipients}) n
                RETURNING 1)
            SELECT count(*) FROM added
            """);
        Console.WriteLine($"announcement benchmark: {inserted:N0} accounts without a store (+ the admin), 1 web host process sending at most {rate:N0}/s, " +
                          $"{Environment.ProcessorCount} cores");

        using var http = new HttpClient { BaseAddress = web.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.UseToken(await http.LoginAsync(TestSecrets.AdminEmail, TestSecrets.AdminPassword));
        var cpuBefore = (Web: CpuTime.Of(web.Id), Mail: CpuTime.Tree(mail.ProcessId), Postgres: CpuTime.Postgres());
        var clock = Stopwatch.StartNew();
        using var created = await http.PostAsJsonAsync("/api/admin/announcements", new
        {
            segment = "shoppers",
            subject = new { en = "Holiday opening hours", es = "Horario de fiestas" },
            body = new { en = "We ship until 23 December. Thank you for shopping with us this year.", es = "Despachamos hasta el 23 de diciembre. Gracias por comprar con nosotros este año." },
        });
        created.EnsureSuccessStatusCode();
        var answered = clock.Elapsed;
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("announcementId").GetString()!;
        TimeSpan? queued = null;
        JsonElement view;
        while (true)
        {
            view = await http.GetFromJsonAsync<JsonElement>($"/api/admin/announcements/{id}");
            if (queued is null && view.GetProperty("status").GetString() == "queued")
            {
                queued = clock.Elapsed;
            }

            if (queued is not null && view.GetProperty("queued").GetInt64() == 0)
            {
                break;
            }

            if (clock.Elapsed > TimeSpan.FromMinutes(30))
            {
                throw new TimeoutException($"Not sent within 30 minutes: {view}");
            }

            await Task.Delay(250);
        }

        var sent = clock.Elapsed;
        var cpu = (Web: CpuTime.Of(web.Id) - cpuBefore.Web, Mail: CpuTime.Tree(mail.ProcessId) - cpuBefore.Mail, Postgres: CpuTime.Postgres() - cpuBefore.Postgres);
        var count = view.GetProperty("sent").GetInt64();
        var perThousand = 1000.0 / Math.Max(1, count);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            request answered in {answered.TotalMilliseconds:F0} ms
            all {view.GetProperty("recipients").GetInt32():N0} emails queued after {queued!.Value.TotalSeconds:F1} s
            all {count:N0} sent after {sent.TotalSeconds:F1} s: {count / sent.TotalSeconds:F0} emails/s ({view.GetProperty("dead").GetInt64()} failed)
            CPU s per 1,000 emails: web host {cpu.Web * perThousand:F2}, mail server {cpu.Mail * perThousand:F2}, PostgreSQL {cpu.Postgres * perThousand:F2}
            """));
    }
}
