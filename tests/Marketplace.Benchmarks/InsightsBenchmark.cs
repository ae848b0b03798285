using System.Diagnostics;
using Marketplace.Contracts.Insights;
using Marketplace.Grains.Insights;
using Marketplace.Testing;
using Marketplace.Web.Insights;
using Marketplace.Web.Search;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Marketplace.Benchmarks;

/// <summary>
/// The warehouse at size: order history generated in SQL (400,000 orders, about a million order lines, with their steps,
/// commission entries and ~2.4 million page events by default), loaded by the ETL into a fresh warehouse file; then the
/// reports' latency (the engine's, in this process: the grain call and HTTP add a millisecond or two), the recommendation
/// model's build and publish, the serving latency of recommendations (in-memory model, this host's search index, one
/// query for the visitor's history), and the offline evaluation on the full generated purchase history.
/// </summary>
public static class InsightsBenchmark
{
    public static async Task RunAsync(BenchmarkOptions options)
    {
        var orders = options.Products ?? 400_000;
        var samples = options.Clients > 0 ? options.Clients : 200;
        await using var database = await TestDatabase.CreateAsync("bench_insights");
        var workload = new InsightsWorkload("b", orders, Stores: 200, Buyers: orders / 4, ProductsPerStore: 50, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-365), Days: 364);
        var clock = Stopwatch.StartNew();
        await workload.WriteAsync(database.DataSource);
        var lines = await database.ScalarAsync<long>("SELECT count(*) FROM order_listing_lines");
        var events = await database.ScalarAsync<long>("SELECT (SELECT count(*) FROM order_events) + (SELECT count(*) FROM analytics_events)");
        Console.WriteLine($"insights benchmark: generated {orders:N0} orders, {lines:N0} order lines, {events:N0} events in {clock.Elapsed.TotalSeconds:F0} s");

        var folder = Path.Combine(Path.GetTempPath(), "bench-warehouse-" + Guid.NewGuid().ToString("N"));
        using var warehouse = new Warehouse(Path.Combine(folder, "warehouse.duckdb"));
        var (cpu, postgres) = (CpuTime.Self, CpuTime.Postgres());
        clock.Restart();
        var run = await new WarehouseEtl(database.DataSource, warehouse, new InsightsOptions(), TimeProvider.System).RunAsync(rebuild: true);
        var seconds = clock.Elapsed.TotalSeconds;
        var rows = run.OrderEvents + run.PageEvents + lines + run.Orders;
        Console.WriteLine($"  ETL (from scratch, with the recommendation model): {seconds:F1} s, {rows / seconds:N0} rows/s " +
                          $"({run.OrderEvents:N0} order steps, {run.PageEvents:N0} page events, {run.Orders:N0} orders, {lines:N0} lines); " +
                          $"CPU: this process {CpuTime.Self - cpu:F1} s, PostgreSQL {CpuTime.Postgres() - postgres:F1} s; " +
                          $"file {new FileInfo(warehouse.File).Length / 1048576.0:F0} MB");
        clock.Restart();
        var again = await new WarehouseEtl(database.DataSource, warehouse, new InsightsOptions(), TimeProvider.System).RunAsync(rebuild: false);
        Console.WriteLine($"  ETL with nothing new: {clock.Elapsed.TotalMilliseconds:F0} ms ({again.OrderEvents + again.PageEvents} rows)");

        ReportLatencies(warehouse, workload, samples);
        await RecommendationLatenciesAsync(database, workload, samples);

        clock.Restart();
        var (model, popular) = RecommendationEvaluation.Run(new PurchaseHistory(), folder);
        Console.WriteLine($"  offline evaluation (1,500 customers, 400 products in 40 planted bundles, last purchase held out): {model}; {popular} " +
                          $"({model.Rate / Math.Max(popular.Rate, 1e-9):F1}x) in {clock.Elapsed.TotalSeconds:F1} s");
        Directory.Delete(folder, recursive: true);
    }

    private static void ReportLatencies(Warehouse warehouse, InsightsWorkload workload, int samples)
    {
        var reports = new WarehouseReports(warehouse);
        var random = new Random(7);
        var to = workload.From.AddDays(workload.Days);
        string Store() => workload.Store(1 + random.Next(workload.Stores));
        var kinds = new (string Name, Action Query)[]
        {
            ("sales by day, 30 days", () => reports.Sales(Store(), new ReportRange(to.AddDays(-29), to))),
            ("sales by week, a year", () => reports.Sales(Store(), new ReportRange(workload.From, to, ReportInterval.Week))),
            ("funnel, 90 days", () => reports.Funnel(Store(), to.AddDays(-89), to)),
            ("top products, a year", () => reports.TopProducts(Store(), workload.From, to, 10)),
            ("returning buyers, a year", () => reports.ReturningBuyers(Store(), workload.From, to)),
            ("GMV by month, a year (all stores)", () => reports.Gmv(new ReportRange(workload.From, to, ReportInterval.Month))),
            ("orders per store, 90 days", () => reports.Stores(to.AddDays(-89), to, 20)),
            ("searches with no results, 90 days", () => reports.SearchGaps(to.AddDays(-89), to, 20)),
        };
        Console.WriteLine($"  reports ({samples} each, one at a time): p50 / p95 / p99 ms");
        foreach (var (name, query) in kinds)
        {
            query();
            var latencies = new Latencies();
            for (var i = 0; i < samples; i++)
            {
                var started = Stopwatch.GetTimestamp();
                query();
                latencies.Add(Stopwatch.GetTimestamp() - started);
            }

            Console.WriteLine($"    {name,-36} {latencies.Percentile(50),7:F1} {latencies.Percentile(95),7:F1} {latencies.Percentile(99),7:F1}");
        }
    }

    private static async Task RecommendationLatenciesAsync(TestDatabase database, InsightsWorkload workload, int samples)
    {
        // The workload's products as the search read model would list them, so the index can judge what may be shown.
        await using (var command = database.DataSource.CreateCommand("""
            INSERT INTO store_directory (seller_id, name, status, product_count, created_at, updated_at, state_version)
            SELECT 'slr_b_' || s, 'Store ' || s, 'active', 50, now(), now(), 1 FROM generate_series(1, $1) s;
            """))
        {
            command.Parameters.Add(new() { Value = workload.Stores });
            await command.ExecuteNonQueryAsync();
        }

        await using (var command = database.DataSource.CreateCommand("""
            INSERT INTO search_products (product_id, seller_id, title, category, currency, price, in_stock, created_at, updated_at, state_version, document)
            SELECT 'prd_b_' || s || '_' || p, 'slr_b_' || s, 'Product ' || p || ' of store ' || s, 'category ' || (p % 12), 'CLP', 1000 + 37 * p, true,
                   now(), now(), 1, setweight(to_tsvector('simple', 'product ' || p || ' store ' || s), 'A')
            FROM generate_series(1, $1) s, generate_series(1, $2) p
            """))
        {
            command.Parameters.Add(new() { Value = workload.Stores });
            command.Parameters.Add(new() { Value = workload.ProductsPerStore });
            await command.ExecuteNonQueryAsync();
        }

        var search = new SearchIndexFeed(database.DataSource, Options.Create(new SearchOptions()), NullLogger<SearchIndexFeed>.Instance);
        await search.StartAsync(CancellationToken.None);
        await search.LoadedIndexAsync();
        var feed = new RecommendationFeed(database.DataSource, Options.Create(new RecommendationOptions()), NullLogger<RecommendationFeed>.Instance);
        await feed.RefreshAsync();
        var recommender = new Recommender(feed, search, database.DataSource);
        var random = new Random(11);
        string Product() => $"prd_b_{1 + random.Next(workload.Stores)}_{1 + random.Next(workload.ProductsPerStore)}";
        string Buyer() => $"usr_b_{1 + random.Next(workload.Buyers)}";
        var kinds = new (string Name, Func<Task<int>> Query)[]
        {
            ("bought together (anonymous)", async () => (await recommender.BoughtTogetherAsync(Product(), null, 8, default)).Count),
            ("bought together (a buyer)", async () => (await recommender.BoughtTogetherAsync(Product(), Buyer(), 8, default)).Count),
            ("similar (a buyer)", async () => (await recommender.SimilarAsync(Product(), Buyer(), 8, default)).Count),
            ("for you (a buyer)", async () => (await recommender.ForYouAsync(Buyer(), "es", 12, default)).Count),
        };
        Console.WriteLine($"  recommendations ({feed.Current.Products:N0} products with related ones; {samples * 5} each, one at a time): p50 / p95 / p99 ms, items");
        foreach (var (name, query) in kinds)
        {
            await query();
            var latencies = new Latencies();
            var items = 0L;
            for (var i = 0; i < samples * 5; i++)
            {
                var started = Stopwatch.GetTimestamp();
                items += await query();
                latencies.Add(Stopwatch.GetTimestamp() - started);
            }

            Console.WriteLine($"    {name,-36} {latencies.Percentile(50),7:F2} {latencies.Percentile(95),7:F2} {latencies.Percentile(99),7:F2}  {items / (double)(samples * 5):F1}");
        }

        await search.StopAsync(CancellationToken.None);
    }
}
