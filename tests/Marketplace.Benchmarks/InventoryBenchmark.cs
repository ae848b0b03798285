using System.Diagnostics;
using System.Globalization;
using Marketplace.Contracts.Common;
using Marketplace.Contracts.Inventory;
using Marketplace.Testing;

namespace Marketplace.Benchmarks;

/// <summary>
/// Durable reservations per second on one hot SKU and spread over 1,000 SKUs. Each simulated buyer reserves one unit,
/// waits for the answer (given only once stored), then commits (4 in 5) or releases it, like a checkout that is paid or
/// abandoned. Storage writes are counted from the database (every stored batch bumps its SKU row's version once), so the
/// grouping is measured, not assumed.
/// </summary>
public static class InventoryBenchmark
{
    public static async Task RunAsync(BenchmarkOptions options)
    {
        var clients = options.Clients > 0 ? options.Clients : 256;
        await using var cluster = new MarketplaceCluster();
        await cluster.StartAsync("bench_inventory");
        Console.WriteLine($"inventory benchmark: 1 silo + client in one process, {Environment.ProcessorCount} cores, " +
                          $"{clients} concurrent buyers, {options.Seconds} s per scenario, PostgreSQL with fsync on");

        var seller = GrainKeys.NewSellerId();
        CallerContext.Set(new Caller("usr_benchmark", CallerRoles.Seller, seller));
        var hot = await CreateSkusAsync(cluster, seller, 1);
        var spread = await CreateSkusAsync(cluster, seller, 1000);

        await RunScenarioAsync(cluster, "warm-up", hot, clients, seconds: 3, print: false);
        await RunScenarioAsync(cluster, "one hot SKU", hot, clients, options.Seconds, print: true);
        await RunScenarioAsync(cluster, "1,000 SKUs", spread, clients, options.Seconds, print: true);

        var broken = await cluster.Database.ScalarAsync<long>("""
            SELECT count(*) FROM inventory_skus s
            WHERE s.on_hand + s.sold <> s.initial_stock + s.adjustments
               OR s.reserved <> coalesce((SELECT sum(quantity) FROM inventory_reservations r
                                          WHERE r.sku_id = s.sku_id AND r.status = 'held'), 0)
               OR s.on_hand < s.reserved
            """);
        Console.WriteLine(broken == 0
            ? "invariants: every SKU conserves its units and never has fewer on hand than reserved"
            : $"invariants: {broken} SKU(s) BROKEN");
    }

    private static async Task<IReadOnlyList<IInventoryGrain>> CreateSkusAsync(MarketplaceCluster cluster, string seller, int count)
    {
        var product = GrainKeys.NewProductId();
        var skus = Enumerable.Range(0, count)
            .Select(i => cluster.Client.GetGrain<IInventoryGrain>(GrainKeys.Sku(product, "S" + i.ToString(CultureInfo.InvariantCulture))))
            .ToList();
        foreach (var chunk in skus.Chunk(50))
        {
            await Task.WhenAll(chunk.Select(s => s.Initialize(seller, 1_000_000)));
        }

        return skus;
    }

    private static async Task RunScenarioAsync(
        MarketplaceCluster cluster, string name, IReadOnlyList<IInventoryGrain> skus, int clients, int seconds, bool print)
    {
        var writesBefore = await StoredBatchesAsync(cluster);
        var commitsBefore = await CommitsAsync(cluster);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var stop = DateTime.UtcNow.AddSeconds(seconds);
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var latencies = new Latencies();
            var random = new Random(c);
            var n = 0;
            var failures = 0;
            while (DateTime.UtcNow < stop)
            {
                var sku = skus[random.Next(skus.Count)];
                var order = $"ord-{name.GetHashCode(StringComparison.Ordinal):x}-{c}-{n++}";
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    var held = await sku.Reserve(order, 1, DateTimeOffset.UtcNow.AddMinutes(15));
                    latencies.Add(Stopwatch.GetTimestamp() - t0);
                    if (held.Status == ReservationStatus.Held)
                    {
                        await (n % 5 == 0 ? sku.Release(order) : sku.Commit(order));
                    }
                }
                catch (Exception)
                {
                    failures++;
                }
            }

            return (latencies, failures);
        })).ToList();
        var results = await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        var writes = await StoredBatchesAsync(cluster) - writesBefore;
        var commits = await CommitsAsync(cluster) - commitsBefore;

        var all = new Latencies();
        foreach (var (latencies, _) in results)
        {
            all.AddRange(latencies);
        }

        if (!print)
        {
            return;
        }

        var reservations = all.Count;
        // Every reservation is followed by a commit or release: two durable operations per buyer turn.
        var operations = reservations * 2;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-12}: {reservations / elapsed,8:F0} durable reservations/s ({operations / elapsed:F0} operations/s incl. " +
            $"commit/release), reserve p50 {all.Percentile(50):F1} ms, p99 {all.Percentile(99):F1} ms; " +
            $"{writes} SKU writes = {operations / (double)Math.Max(1, writes):F1} operations per write, {commits} database transactions in all (reads included); " +
            $"client+silo CPU {cpu / elapsed * 100:F0}% of one core; failures {results.Sum(r => r.failures)}"));
    }

    /// <summary>
    /// Transactions committed in the benchmark's database so far (PostgreSQL's statistics, which every backend reports
    /// within a second; includes the few made by cluster membership and this query).
    /// </summary>
    private static async Task<long> CommitsAsync(MarketplaceCluster cluster)
    {
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        return await cluster.Database.ScalarAsync<long>("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");
    }

    /// <summary>Stored batches so far: each one bumps its SKU row's version by exactly one, in the same transaction.</summary>
    private static async Task<long> StoredBatchesAsync(MarketplaceCluster cluster) =>
        (long)await cluster.Database.ScalarAsync<decimal>("SELECT coalesce(sum(version), 0) FROM inventory_skus");
}
