using System.Diagnostics;
using System.Text.RegularExpressions;
using Marketplace.Testing;

namespace Marketplace.System.Tests;

/// <summary>
/// <c>./marketplace up --standby</c> as an operator runs it: two PostgreSQL servers replicating with synchronous commit;
/// the primary killed outright while shoppers buy, the standby promoted, the silos and web hosts carrying on against
/// it, the old primary rewound into the new standby, and a planned failover back with <c>./marketplace failover</c>.
/// No checkout answered 201 is lost, and DESIGN.md §4's invariants hold on the promoted database.
/// </summary>
public sealed partial class FailoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan PaymentTimeout = TimeSpan.FromSeconds(8);
    private const int Shoppers = 6;

    [Fact]
    public async Task Killing_the_primary_under_checkout_load_promotes_the_standby_and_loses_no_answered_order()
    {
        var clock = Stopwatch.StartNew();
        await using var up = MarketplaceUp.Start("failover", ["--no-demo", "--standby"], environment: CheckoutLoad.UpSettings(PaymentTimeout));
        await up.WaitRunningAsync(StartTimeout);
        Assert.Matches(SynchronousLine(), up.Output);
        await using (var primary = TestDatabase.Attach(up.ConnectionString))
        {
            Assert.Equal("streaming sync", await primary.ScalarAsync<string>(
                "SELECT state || ' ' || sync_state FROM pg_stat_replication WHERE application_name = 'marketplace_standby'"));
            Assert.Equal("remote_apply", await primary.ScalarAsync<string>("SHOW synchronous_commit"));
        }

        using var http = new HttpClient { BaseAddress = up.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var (products, tokens) = await ProcessCluster.OpenShopAsync(http, products: 4, stock: 500, shoppers: Shoppers);
        var load = CheckoutLoad.Start(up.BaseAddress, tokens, products);
        await CheckoutLoad.WhileAsync(() => load.Count("paid") < 10, TimeSpan.FromSeconds(60));
        await AssertMetricAsync(up, "marketplace_db_standbys", 1);

        // The primary and every process of it die at once, as when its machine goes away.
        var placedAtKill = load.Count("placed");
        var killed = Stopwatch.StartNew();
        KillWithItsProcesses(up.PostgresId);
        await up.WaitForOutputAsync(FailoverLine(), TimeSpan.FromSeconds(30));
        var promotedAfter = killed.Elapsed;
        // A shopper has at most one checkout under way at the kill; more answers than shoppers means one began after it.
        await CheckoutLoad.WhileAsync(() => load.Count("placed") <= placedAtKill + Shoppers, TimeSpan.FromSeconds(90));
        var answeringAfter = killed.Elapsed;
        output.WriteLine($"failover: promoted {promotedAfter.TotalSeconds:F1} s after the kill, checkouts answered again within {answeringAfter.TotalSeconds:F1} s");
        Assert.True(load.Count("placed") > placedAtKill + Shoppers, $"no checkout was answered within 90 s of the kill: {load.Summary}\n{up.Output}");
        Assert.Equal(2, up.PrimaryNode);

        // The old primary comes back as the standby of the new one, and commits wait for it again.
        await up.WaitForOutputAsync(RejoinedLine(), TimeSpan.FromSeconds(90));
        await CheckoutLoad.WhileAsync(() => SynchronousLine().Matches(up.Output).Count < 2, TimeSpan.FromSeconds(30));
        Assert.True(SynchronousLine().Matches(up.Output).Count >= 2, "commits do not wait for the new standby:\n" + up.Output);
        var placedAfterRejoin = load.Count("placed");
        await CheckoutLoad.WhileAsync(() => load.Count("placed") < placedAfterRejoin + 10, TimeSpan.FromSeconds(60));
        await load.StopAsync();
        var answered = load.OrderIds();
        output.WriteLine($"load: {load.Summary}; {answered.Count} orders answered");

        // Every answered order is on the new primary and settles; the invariants hold there.
        await using (var promoted = TestDatabase.Attach(up.ConnectionString))
        {
            Assert.False(await promoted.ScalarAsync<bool>("SELECT pg_is_in_recovery()"));
            await CheckoutLoad.AssertSettledAsync(promoted, answered, PaymentTimeout);
            await CheckoutLoad.AssertUnitsConservedAsync(promoted);
            await CheckoutLoad.AssertLedgerHoldsAsync(promoted);
            Assert.Equal("streaming sync", await promoted.ScalarAsync<string>(
                "SELECT state || ' ' || sync_state FROM pg_stat_replication WHERE application_name = 'marketplace_standby'"));
        }

        // A planned failover back: nothing lost, node 1 the primary again, and shoppers buy on.
        var back = await up.RunCommandAsync(TimeSpan.FromSeconds(150), "failover");
        output.WriteLine(back.Output);
        Assert.True(back.ExitCode == 0, back.Output + "\n" + up.Output);
        Assert.Equal(1, up.PrimaryNode);
        var again = CheckoutLoad.Start(up.BaseAddress, tokens.Take(2).ToList(), products);
        await CheckoutLoad.WhileAsync(() => again.Count("placed") < 3, TimeSpan.FromSeconds(60));
        await again.StopAsync();
        Assert.True(again.Count("placed") >= 3, $"after the planned failover: {again.Summary}");
        await using (var first = TestDatabase.Attach(up.ConnectionString))
        {
            Assert.Equal(0L, await first.ScalarAsync<long>("SELECT count(*) FROM unnest(@ids::text[]) id WHERE id NOT IN (SELECT order_id FROM order_listings)",
                ("ids", answered.ToArray())));
        }

        await AssertMetricAsync(up, "marketplace_db_standbys", 1);
        output.WriteLine($"whole test: {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>
    /// SIGKILL to a PostgreSQL server and to every process it started: each of those leads a session of its own, so a
    /// signal to the server's process group would reach the server alone and leave them to notice its death.
    /// </summary>
    private static void KillWithItsProcesses(int postmaster)
    {
        var children = Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && ParentOf(pid) == postmaster)
            .ToList();
        Assert.True(Signals.Send(postmaster, Signals.Kill), $"PostgreSQL (pid {postmaster}) could not be killed");
        Assert.NotEmpty(children);
        children.ForEach(child => Signals.Send(child, Signals.Kill));
    }

    /// <summary>A process's parent, from /proc/PID/stat ("pid (name) state ppid …"); null when it is gone.</summary>
    private static int? ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], global::System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Waits until the first silo's <c>/metrics</c> gives <paramref name="name"/> the value (sampled every 10 s).</summary>
    private static async Task AssertMetricAsync(MarketplaceUp up, string name, double value)
    {
        using var scraper = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var metrics = "";
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(45))
        {
            metrics = await scraper.GetStringAsync(new Uri($"http://127.0.0.1:{up.Port + 101}/metrics"));
            var line = Regex.Match(metrics, $@"^{Regex.Escape(name)}(?:\{{[^}}]*\}})? (\S+)", RegexOptions.Multiline);
            if (line.Success && double.Parse(line.Groups[1].Value, global::System.Globalization.CultureInfo.InvariantCulture) == value)
            {
                return;
            }

            await Task.Delay(1000);
        }

        Assert.Fail($"{name} was not {value} within 45 s:\n" + string.Join('\n', metrics.Split('\n').Where(l => l.StartsWith("marketplace_db", StringComparison.Ordinal))));
    }


    [GeneratedRegex(@"^\[marketplace\] the standby \(node \d\) streams: commits wait for it", RegexOptions.Multiline)]
    private static partial Regex SynchronousLine();

    [GeneratedRegex(@"^\[marketplace\] failover: node 2 .* is the primary", RegexOptions.Multiline)]
    private static partial Regex FailoverLine();

    [GeneratedRegex(@"^\[marketplace\] node 1 runs as the standby", RegexOptions.Multiline)]
    private static partial Regex RejoinedLine();
}
