using System.Diagnostics;
using System.Globalization;
using Marketplace.Testing;

namespace Marketplace.Benchmarks;

/// <summary>
/// <c>./marketplace backup</c> and <c>restore</c> at size: an installation of <c>up</c> (no demo) is filled with
/// <c>--orders</c> orders generated in SQL (a million by default: their listings, lines, steps, commission entries and
/// page events as <see cref="InsightsWorkload"/> writes them, plus an order grain state of a realistic size each), then
/// backed up, and restored to a moment after the backup into a new data folder, which <c>up</c> then runs to count the
/// orders back. Prints the database's size and the time and size of each step.
/// </summary>
public static class BackupBenchmark
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(60);

    public static async Task RunAsync(BenchmarkOptions options)
    {
        var orders = options.Orders ?? 1_000_000;
        await using var up = MarketplaceUp.Start("bench-backup", ["--no-demo"]);
        await up.WaitRunningAsync(TimeSpan.FromMinutes(3));
        // Statements over a million rows take minutes.
        await using var database = TestDatabase.Attach(up.ConnectionString + ";Command Timeout=3600");

        var clock = Stopwatch.StartNew();
        await new InsightsWorkload("bk", orders, Stores: 200, Buyers: orders / 4, ProductsPerStore: 50,
            DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-365), Days: 364).WriteAsync(database.DataSource);
        await database.ScalarAsync<object>(OrderStates);
        await database.ScalarAsync<object>("CHECKPOINT");
        Console.WriteLine($"backup benchmark: generated {orders:N0} orders in {clock.Elapsed.TotalSeconds:F0} s; " +
                          $"database {await database.ScalarAsync<long>("SELECT pg_database_size(current_database())") / 1e6:N0} MB " +
                          $"({await database.ScalarAsync<long>("SELECT count(*) FROM order_listing_lines"):N0} order lines, " +
                          $"{await database.ScalarAsync<long>("SELECT (SELECT count(*) FROM order_events) + (SELECT count(*) FROM analytics_events)"):N0} events, " +
                          $"{await database.ScalarAsync<long>("SELECT count(*) FROM grain_states WHERE grain_type = 'order'"):N0} order states " +
                          $"averaging {await database.ScalarAsync<double>("SELECT avg(octet_length(payload::text))::float8 FROM grain_states WHERE grain_type = 'order'"):N0} bytes)");

        clock.Restart();
        var backup = await up.RunCommandAsync(CommandTimeout, "backup");
        Require(backup, "backup");
        Console.WriteLine($"  backup: {clock.Elapsed.TotalSeconds:F1} s; {Last(backup.Output)}");

        // A few more orders after the backup, then the moment to restore to, and its WAL archived.
        await new InsightsWorkload("after", 100, Stores: 5, Buyers: 20, ProductsPerStore: 5, DateOnly.FromDateTime(DateTime.UtcNow), Days: 1).WriteAsync(database.DataSource);
        var moment = await database.ScalarAsync<DateTime>("SELECT clock_timestamp()");
        var segment = await database.ScalarAsync<string>("SELECT pg_walfile_name(pg_switch_wal())");
        while (string.CompareOrdinal(await database.ScalarAsync<string>("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver"), segment) < 0)
        {
            await Task.Delay(200);
        }

        await up.StopAsync(TimeSpan.FromMinutes(5));
        var folder = MarketplaceUp.NewDataFolder("bench-restored");
        clock.Restart();
        var restore = await up.RunCommandAsync(CommandTimeout, "restore", "--to",
            moment.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00", "--into", folder);
        Require(restore, "restore");
        Console.WriteLine($"  restore to a moment after it: {clock.Elapsed.TotalSeconds:F1} s; {Last(restore.Output)}");

        await using var restored = MarketplaceUp.Start("bench-restored", ["--no-demo"], dataFolder: folder);
        await restored.WaitRunningAsync(TimeSpan.FromMinutes(5));
        await using var restoredDatabase = TestDatabase.Attach(restored.ConnectionString);
        Console.WriteLine($"  the restored installation runs and holds {await restoredDatabase.ScalarAsync<long>("SELECT count(*) FROM order_listings"):N0} orders " +
                          $"({orders + 100:N0} expected)");
    }

    /// <summary>An order grain state for every generated order, shaped and sized like the order grain's own.</summary>
    private const string OrderStates = """
        INSERT INTO grain_states (grain_type, grain_key, version, payload)
        SELECT 'order', o.order_id, o.state_version,
               json_build_object(
                   'OrderId', o.order_id, 'BuyerId', o.buyer_id, 'SellerId', o.seller_id, 'SellerName', o.seller_name,
                   'Status', o.status, 'Currency', o.currency, 'Total', o.total, 'Refunded', o.refunded,
                   'PlacedAt', o.placed_at, 'PaidAt', o.paid_at, 'DecideBy', o.decide_by,
                   'ShippingAddress', json_build_object('Name', 'Buyer ' || o.buyer_id, 'Line1', '1 Long Street', 'City', 'Santiago',
                                                        'PostalCode', '8320000', 'Country', 'CL'),
                   'Lines', (SELECT json_agg(json_build_object('ProductId', l.product_id, 'Sku', l.sku, 'Title', l.title,
                                                               'Quantity', l.quantity, 'UnitPrice', l.unit_price, 'Freight', l.freight))
                             FROM order_listing_lines l WHERE l.order_id = o.order_id),
                   'Payments', json_build_array(json_build_object('Attempt', 1, 'ProviderRef', 'pay_' || md5(o.order_id),
                                                                  'Amount', o.total, 'Status', 'captured', 'At', o.paid_at)),
                   'History', (SELECT json_agg(json_build_object('Kind', e.kind, 'At', e.at)) FROM order_events e WHERE e.order_id = o.order_id),
                   'Shipment', json_build_object('Carrier', 'sandbox', 'Tracking', 'trk_' || md5(o.order_id || 't')))
        FROM order_listings o
        """;

    private static void Require((int ExitCode, string Output) result, string what)
    {
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} failed:\n{result.Output}");
        }
    }

    /// <summary>The command's own summary: its last line.</summary>
    private static string Last(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1].Replace("[marketplace] ", "", StringComparison.Ordinal);
}
