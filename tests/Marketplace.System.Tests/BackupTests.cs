using System.Diagnostics;
using System.Globalization;
using Marketplace.Testing;

namespace Marketplace.System.Tests;

/// <summary>
/// <c>./marketplace backup</c> and <c>restore</c>, run as an operator runs them against an installation that shoppers
/// are buying from: a point-in-time restore to a moment between two known sets of orders holds exactly the first, and
/// the restored installation starts, settles what was in flight at that moment and keeps the invariants of DESIGN.md §4.
/// </summary>
public sealed class BackupTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan PaymentTimeout = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task A_restore_to_a_moment_under_load_holds_exactly_the_orders_committed_before_it_and_runs_on()
    {
        var clock = Stopwatch.StartNew();
        var settings = CheckoutLoad.UpSettings(PaymentTimeout);
        await using var up = MarketplaceUp.Start("backup", ["--no-demo"], environment: settings);
        await up.WaitRunningAsync(StartTimeout);
        await using var database = TestDatabase.Attach(up.ConnectionString);
        using var http = new HttpClient { BaseAddress = up.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var (products, tokens) = await ProcessCluster.OpenShopAsync(http, products: 4, stock: 500, shoppers: 6);

        // The base backup is taken while shoppers buy.
        // Four shoppers buy before the moment, two others after it (a shopper's checkout keys repeat from one load to
        // the next, and a repeated key answers the same order).
        var load = CheckoutLoad.Start(up.BaseAddress, tokens.Take(4).ToList(), products);
        await CheckoutLoad.WhileAsync(() => load.Count("paid") < 10, TimeSpan.FromSeconds(60));
        var backup = await up.RunCommandAsync(CommandTimeout, "backup");
        output.WriteLine(backup.Output);
        Assert.True(backup.ExitCode == 0, backup.Output);
        var placedAtBackup = load.Count("placed");
        await CheckoutLoad.WhileAsync(() => load.Count("placed") < placedAtBackup + 20, TimeSpan.FromSeconds(60));
        await load.StopAsync();
        var before = load.OrderIds();
        output.WriteLine($"load: {load.Summary}; {before.Count} orders answered, {placedAtBackup} of them before the backup");

        // The moment: after every order answered so far is listed (the listing commits with the order's first write,
        // which may follow the answer by a moment); then more orders, and their WAL is archived.
        var listed = Stopwatch.StartNew();
        while (await database.ScalarAsync<long>("SELECT count(*) FROM order_listings WHERE order_id = ANY(@ids)", ("ids", before.ToArray())) < before.Count)
        {
            Assert.True(listed.Elapsed < TimeSpan.FromSeconds(30), "the answered orders were not all listed within 30 s");
            await Task.Delay(100);
        }

        var moment = await database.ScalarAsync<DateTime>("SELECT clock_timestamp()");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var later = CheckoutLoad.Start(up.BaseAddress, tokens.Skip(4).ToList(), products);
        await CheckoutLoad.WhileAsync(() => later.Count("placed") < 3, TimeSpan.FromSeconds(30));
        await later.StopAsync();
        var after = later.OrderIds();
        Assert.NotEmpty(after);
        var segment = await database.ScalarAsync<string>("SELECT pg_walfile_name(pg_switch_wal())");
        var archived = Stopwatch.StartNew();
        while (string.CompareOrdinal(await database.ScalarAsync<string>("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver"), segment) < 0)
        {
            Assert.True(archived.Elapsed < TimeSpan.FromSeconds(60), $"segment {segment} was not archived within a minute");
            await Task.Delay(200);
        }

        await up.StopAsync();
        var target = moment.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00";
        var folder = MarketplaceUp.NewDataFolder("restored");
        var restoring = Stopwatch.StartNew();
        var restore = await up.RunCommandAsync(CommandTimeout, "restore", "--to", target, "--into", folder);
        output.WriteLine(restore.Output);
        Assert.True(restore.ExitCode == 0, restore.Output);
        output.WriteLine($"restored to {target} in {restoring.Elapsed.TotalSeconds:F1} s");

        await using var restored = MarketplaceUp.Start("restored", ["--no-demo"], environment: settings, dataFolder: folder);
        await restored.WaitRunningAsync(StartTimeout);
        await using var restoredDatabase = TestDatabase.Attach(restored.ConnectionString);
        var orders = (await restoredDatabase.ScalarAsync<string[]>("SELECT coalesce(array_agg(order_id), '{}') FROM order_listings"))!.ToHashSet(StringComparer.Ordinal);
        Assert.Empty(before.Except(orders));
        Assert.Empty(after.Intersect(orders));
        Assert.Equal(before.Count, orders.Count);

        // The restored installation finishes what was under way at the moment, and the invariants hold.
        await CheckoutLoad.AssertSettledAsync(restoredDatabase, before, PaymentTimeout);
        await CheckoutLoad.AssertUnitsConservedAsync(restoredDatabase);
        await CheckoutLoad.AssertLedgerHoldsAsync(restoredDatabase);
        output.WriteLine($"whole test: {clock.Elapsed.TotalSeconds:F1} s");
    }

}
