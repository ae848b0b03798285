using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Marketplace.Testing;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Marketplace.Benchmarks;

/// <summary>
/// Complete purchases per second through the real HTTP API: each simulated shopper adds a product to the cart, checks
/// out (Idempotency-Key), opens the payment, pays on the sandbox's hosted page, and waits until the live hub tells it
/// that the provider's signed webhook made the order Paid. The silos, the web host, the sandbox and this load generator
/// are separate processes, so each one's CPU is seen; PostgreSQL runs with fsync on. Prints completed checkouts/s,
/// p50/p99 per step and, per purchase over the timed run, database transactions, WAL bytes, grain storage figures
/// from the silos' /metrics, CPU per process and the statements PostgreSQL ran most; then the §4 invariants.
/// </summary>
public static class CheckoutBenchmark
{
    private static readonly string[] Steps = ["cart add", "checkout", "pay", "sandbox page", "webhook → paid", "whole purchase"];

    /// <summary>How long a shopper waits for the live event of its paid order before the purchase counts as failed.</summary>
    private static readonly TimeSpan PaidTimeout = TimeSpan.FromSeconds(30);

    private const string StorageMetrics = "marketplace_storage_";

    private const int TopStatements = 12;

    public static async Task RunAsync(BenchmarkOptions options)
    {
        var shoppers = options.Clients > 0 ? options.Clients : 64;
        var stores = options.Products ?? 20;
        var siloCount = Math.Max(1, options.Silos);
        await using var database = await TestDatabase.CreateAsync("bench_checkout");
        var data = Environment.GetEnvironmentVariable("MARKETPLACE_BENCH_DATA") is { Length: > 0 } folder
            ? folder
            : Path.Combine(TestEnvironment.RepositoryRoot, ".bench-data");
        await using var cluster = await ProcessCluster.StartAsync("checkout", database.ConnectionString, logFolder: Path.Combine(data, "logs"));
        var silos = Enumerable.Range(1, siloCount).Select(i => cluster.StartSilo($"silo-{i}")).ToList();
        // ProcessHost starts web hosts without rate limits and logging at Warning, so neither throttling nor log lines
        // are part of what is measured.
        var web = cluster.StartWebHost("web-1");
        var processes = new List<ProcessHost>([.. silos, web, cluster.Sandbox]);
        var connections = new List<PaidEvents>();
        try
        {
            await ProcessCluster.WaitReadyAsync([.. silos, web]);
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024 }) { BaseAddress = web.BaseAddress };
            Console.WriteLine($"checkout benchmark: {siloCount} silo process(es), a web host process, the sandbox process and this load generator, " +
                              $"{Environment.ProcessorCount} cores, {shoppers} concurrent shoppers (a hub connection each), {stores} stores, " +
                              $"{options.Seconds} s, PostgreSQL with fsync on{(options.Coupon ? ", every purchase with a store coupon (10 % off, entered after adding)" : "")}");
            var products = new List<(string ProductId, string SellerId)>();
            for (var i = 0; i < stores; i++)
            {
                products.Add(await CreateProductAsync(http, i, options.Coupon));
            }

            var tokens = new List<string>();
            foreach (var chunk in Enumerable.Range(0, shoppers).Chunk(8))
            {
                tokens.AddRange(await Task.WhenAll(chunk.Select(async _ => (await http.RegisterAsync()).AccessToken)));
            }

            foreach (var chunk in tokens.Chunk(8))
            {
                connections.AddRange(await Task.WhenAll(chunk.Select(token => PaidEvents.ConnectAsync(web.BaseAddress, token))));
            }

            await PostgresStatistics.EnableStatementsAsync(database);
            var postgres = await PostgresStatistics.ServerProcessIdAsync(database);

            await ShopAsync(http, products, tokens, connections, options.Coupon, seconds: 3);

            var before = await ReadCostsAsync(database, http, silos);
            await PostgresStatistics.ResetStatementsAsync(database);
            var cpuBefore = Cpu(processes, postgres);
            var run = await ShopAsync(http, products, tokens, connections, options.Coupon, options.Seconds);
            var cpuAfter = Cpu(processes, postgres);
            var after = await ReadCostsAsync(database, http, silos);
            var statements = await PostgresStatistics.TopStatementsAsync(database, TopStatements);

            Print(run, before, after, cpuBefore, cpuAfter, processes, statements);
            await OrderInvariants.CheckAsync(database);
        }
        catch
        {
            foreach (var process in processes)
            {
                Console.Error.WriteLine($"--- {process.Name}\n{process.Tail(40)}");
            }

            throw;
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>What the shoppers did in one run: per-step latencies, failures by step, and how long it took.</summary>
    private sealed record Run(List<Latencies> Steps, Dictionary<string, int> Failures, int PaidWithoutEvent, double Seconds)
    {
        public int Completed => Steps[^1].Count;
    }

    /// <summary>
    /// Every shopper buys, one purchase after another, until <paramref name="seconds"/> have passed; with
    /// <paramref name="coupon"/> each enters the store's coupon after adding (timed with the addition).
    /// </summary>
    private static async Task<Run> ShopAsync(
        HttpClient http, List<(string ProductId, string SellerId)> products, List<string> tokens, List<PaidEvents> connections, bool coupon, int seconds)
    {
        var stop = DateTime.UtcNow.AddSeconds(seconds);
        var started = Stopwatch.GetTimestamp();
        var results = await Task.WhenAll(tokens.Select((token, c) => Task.Run(async () =>
        {
            var steps = Steps.Select(_ => new Latencies()).ToArray();
            var failures = new Dictionary<string, int>();
            var paidWithoutEvent = 0;
            var random = new Random(c);
            var events = connections[c];
            using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
            var n = 0;
            while (DateTime.UtcNow < stop)
            {
                var key = $"bench-{c}-{n++}-{Guid.NewGuid():N}";
                var t0 = Stopwatch.GetTimestamp();
                var step = 0;
                string? orderId = null;
                try
                {
                    var (productId, sellerId) = products[random.Next(products.Count)];
                    await Send(http, token, HttpMethod.Post, "/api/cart/items", new { productId, sku = "S", quantity = 1 + random.Next(2) });
                    if (coupon)
                    {
                        await Send(http, token, HttpMethod.Post, "/api/cart/coupons", new { sellerId, code = CouponCode });
                    }

                    var t1 = Lap(steps, step++, t0);
                    var checkout = await Send(http, token, HttpMethod.Post, "/api/cart/checkout",
                        new { shippingAddress = new { name = "Bench", line1 = "Calle 1", city = "Santiago", country = "CL" } }, key);
                    orderId = checkout.GetProperty("orders")[0].GetProperty("orderId").GetString()!;
                    // Listening before paying: the event can then not arrive before anyone waits for it.
                    var paid = events.Expect(orderId);
                    var t2 = Lap(steps, step++, t1);
                    var pay = await Send(http, token, HttpMethod.Post, $"/api/orders/{orderId}/pay", null);
                    var t3 = Lap(steps, step++, t2);
                    using (var page = await browser.PostAsync(pay.GetProperty("redirectUrl").GetString(),
                               new FormUrlEncodedContent([new("outcome", "succeeded")])))
                    {
                        if ((int)page.StatusCode != 303)
                        {
                            throw new InvalidOperationException($"sandbox page {(int)page.StatusCode}");
                        }
                    }

                    var t4 = Lap(steps, step++, t3);
                    long arrived;
                    try
                    {
                        arrived = await paid.WaitAsync(PaidTimeout);
                    }
                    catch (TimeoutException)
                    {
                        // Tells a lost live event from an order that never got paid; either way the purchase failed.
                        var order = await Send(http, token, HttpMethod.Get, $"/api/orders/{orderId}", null);
                        if (order.GetProperty("status").GetString() == "paid")
                        {
                            paidWithoutEvent++;
                        }

                        throw;
                    }

                    steps[step++].Add(arrived - t4);
                    steps[step].Add(arrived - t0);
                }
                catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException or TimeoutException)
                {
                    var name = Steps[step];
                    failures[name] = failures.GetValueOrDefault(name) + 1;
                }
                finally
                {
                    if (orderId is not null)
                    {
                        events.Forget(orderId);
                    }
                }
            }

            return (steps, failures, paidWithoutEvent);
        })));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var merged = Steps.Select((_, i) =>
        {
            var all = new Latencies();
            foreach (var (steps, _, _) in results)
            {
                all.AddRange(steps[i]);
            }

            return all;
        }).ToList();
        var failed = results.SelectMany(r => r.failures).GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.Sum(f => f.Value));
        return new Run(merged, failed, results.Sum(r => r.paidWithoutEvent), elapsed);
    }

    private static long Lap(Latencies[] steps, int step, long since)
    {
        var now = Stopwatch.GetTimestamp();
        steps[step].Add(now - since);
        return now;
    }

    /// <summary>PostgreSQL's totals and the grain storage series of every silo's /metrics.</summary>
    private sealed record Costs(PostgresStatistics.Totals Database, PrometheusText Storage);

    private static async Task<Costs> ReadCostsAsync(TestDatabase database, HttpClient http, List<ProcessHost> silos)
    {
        var totals = await PostgresStatistics.ReadAsync(database);
        var storage = PrometheusText.Empty;
        foreach (var silo in silos)
        {
            storage = storage.Plus(PrometheusText.Parse(await http.GetStringAsync(new Uri(silo.BaseAddress, "/metrics")), StorageMetrics));
        }

        return new Costs(totals, storage);
    }

    /// <summary>CPU seconds so far of each process (in the order of <paramref name="processes"/>), this one, and the PostgreSQL server.</summary>
    private static (double[] Processes, double Self, double Postgres) Cpu(List<ProcessHost> processes, int postgres) =>
        (processes.Select(p => CpuTime.Of(p.Id)).ToArray(), CpuTime.Self, CpuTime.Tree(postgres));

    private static void Print(Run run, Costs before, Costs after, (double[] Processes, double Self, double Postgres) cpuBefore,
        (double[] Processes, double Self, double Postgres) cpuAfter, List<ProcessHost> processes, List<PostgresStatistics.Statement> statements)
    {
        var completed = run.Completed;
        var elapsed = run.Seconds;
        var per = completed == 0 ? 0 : 1.0 / completed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"completed purchases: {completed} in {elapsed:F1} s = {completed / elapsed:F1} checkouts/s (each: cart add, checkout, pay, sandbox page, webhook → paid seen on the hub)"));
        for (var i = 0; i < Steps.Length; i++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {Steps[i],-15} p50 {run.Steps[i].Percentile(50),7:F1} ms   p99 {run.Steps[i].Percentile(99),7:F1} ms"));
        }

        var failures = run.Failures.Select(f => $"{f.Key} {f.Value}").ToList();
        Console.WriteLine("failures: " + (failures.Count == 0 ? "none" : string.Join(", ", failures)) +
                          (run.PaidWithoutEvent > 0 ? $" ({run.PaidWithoutEvent} of them paid, but no live event arrived within {PaidTimeout.TotalSeconds:F0} s)" : ""));

        Console.WriteLine("per completed purchase, timed run only:");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  database transactions {(after.Database.Commits - before.Database.Commits) * per:F1} (xact_commit of the benchmark's database)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  WAL {(after.Database.WalBytes - before.Database.WalBytes) * per:F0} bytes (pg_stat_wal: the whole server)"));
        foreach (var line in StorageLines(before.Storage, after.Storage, per))
        {
            Console.WriteLine("  " + line);
        }

        var names = processes.Select(p => p.Name == "web-1" ? "web host" : p.Name).ToList();
        var used = processes.Select((_, i) => cpuAfter.Processes[i] - cpuBefore.Processes[i])
            .Append(cpuAfter.Self - cpuBefore.Self).Append(cpuAfter.Postgres - cpuBefore.Postgres).ToList();
        names.AddRange(["load generator", "PostgreSQL"]);
        Console.WriteLine("  CPU ms (share of one core over the run): " + string.Join(", ", names.Select((name, i) => string.Create(CultureInfo.InvariantCulture,
            $"{name} {used[i] * 1000 * per:F1} ({used[i] / elapsed * 100:F0}%)"))) +
            string.Create(CultureInfo.InvariantCulture, $"; total {used.Sum() * 1000 * per:F1} ({used.Sum() / elapsed * 100:F0}% of one core, {Environment.ProcessorCount} cores)"));

        Console.WriteLine($"top {statements.Count} statements by calls (pg_stat_statements, the benchmark's database, timed run):");
        PostgresStatistics.Print(statements, completed);
    }

    /// <summary>
    /// The grain storage series of the silos (<c>marketplace_storage_*</c>), per purchase: bytes and rows written, the
    /// rows per transaction of a batching writer and its commit latency, and any other counter as it is.
    /// </summary>
    private static List<string> StorageLines(PrometheusText before, PrometheusText after, double per)
    {
        if (after.Values.Count == 0)
        {
            return [$"grain storage ({StorageMetrics}* on the silos' /metrics): n/a (no storage metrics)"];
        }

        double Delta(string name) => after.Values[name] - before.Values.GetValueOrDefault(name);
        var lines = new List<string>();
        var histograms = after.Values.Keys
            .Where(n => n.EndsWith("_count", StringComparison.Ordinal) && after.Values.ContainsKey(n[..^"_count".Length] + "_sum"))
            .Select(n => n[..^"_count".Length])
            .ToHashSet(StringComparer.Ordinal);
        foreach (var name in after.Values.Keys.Order(StringComparer.Ordinal))
        {
            var family = name.EndsWith("_sum", StringComparison.Ordinal) || name.EndsWith("_count", StringComparison.Ordinal)
                ? name[..name.LastIndexOf('_')]
                : null;
            if (family is not null && histograms.Contains(family))
            {
                if (name.EndsWith("_count", StringComparison.Ordinal))
                {
                    lines.Add(Histogram(family, Delta(family + "_sum"), Delta(name), per));
                }

                continue;
            }

            bool Named(string start) => name.StartsWith(StorageMetrics + start, StringComparison.Ordinal);
            lines.Add(after.TypeOf(name) == "gauge"
                ? string.Create(CultureInfo.InvariantCulture, $"{name} {after.Values[name]:G6} at the end (gauge)")
                : Named("bytes")
                    ? string.Create(CultureInfo.InvariantCulture, $"grain state bytes written {Delta(name) * per:F0} ({name})")
                    : Named("rows") || Named("writes")
                        ? string.Create(CultureInfo.InvariantCulture, $"grain state rows written {Delta(name) * per:F2} ({name})")
                        : string.Create(CultureInfo.InvariantCulture, $"{name} {Delta(name) * per:F2}"));
        }

        return lines;
    }

    private static string Histogram(string family, double sum, double count, double per)
    {
        if (count == 0)
        {
            return $"{family}: nothing observed during the run";
        }

        var mean = sum / count;
        if (family.StartsWith(StorageMetrics + "batch_rows", StringComparison.Ordinal))
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"storage batches (transactions) {count * per:F2}, average batch {mean:F1} rows ({family})");
        }

        if (family.StartsWith(StorageMetrics + "commit_duration", StringComparison.Ordinal))
        {
            // The exporter names a histogram after its unit; a mean in milliseconds reads best next to the steps above.
            var ms = family.EndsWith("_seconds", StringComparison.Ordinal) ? mean * 1000 : mean;
            var unit = family.EndsWith("_seconds", StringComparison.Ordinal) || family.EndsWith("_milliseconds", StringComparison.Ordinal) ? "ms" : "(unit as named)";
            return string.Create(CultureInfo.InvariantCulture, $"storage commits {count * per:F2}, mean commit {ms:F2} {unit} ({family})");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{family}: {count * per:F2} observations, mean {mean:G4}");
    }

    /// <summary>One request as the token's holder; anything but success fails the purchase.</summary>
    private static async Task<JsonElement> Send(HttpClient http, string token, HttpMethod method, string path, object? body, string? key = null)
    {
        var (status, json) = await http.SendAsync(token, method, path, body, key);
        return (int)status is >= 200 and < 300 ? json : throw new InvalidOperationException($"{method} {path}: {(int)status} {json}");
    }

    private const string CouponCode = "BENCH10";

    /// <summary>
    /// A store that takes orders without quoting, with one product of one SKU with ample stock (and, when asked, a coupon
    /// with a usage limit, so its uses are counted).
    /// </summary>
    private static async Task<(string ProductId, string SellerId)> CreateProductAsync(HttpClient http, int i, bool coupon)
    {
        var seller = await http.RegisterAsync("seller", $"Bench store {i}");
        var (token, sellerId) = (seller.AccessToken, seller.SellerId!);
        await Send(http, token, HttpMethod.Put, $"/api/sellers/{sellerId}", new { name = $"Bench store {i}", requiresConfirmation = false });
        var product = await Send(http, token, HttpMethod.Post, $"/api/sellers/{sellerId}/products", new
        {
            title = "Bench coffee", description = "Benchmark", category = "coffee", currency = "CLP", price = 1000, status = "published",
            variants = new object[] { new { sku = "S", options = new { size = "1" }, stock = 1_000_000 } },
        });
        if (coupon)
        {
            await Send(http, token, HttpMethod.Post, "/api/seller/coupons", new { code = CouponCode, kind = "percent", value = 10, maxUses = 1_000_000 });
        }

        return (product.GetProperty("productId").GetString()!, sellerId);
    }

    /// <summary>
    /// One shopper's hub connection, opened before the run. The hub pushes the buyer's order events to it; an
    /// <c>OrderChanged</c> to paid completes whoever waits for that order, with the moment it arrived.
    /// </summary>
    private sealed class PaidEvents : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> waiting = new(StringComparer.Ordinal);
        private readonly HubConnection connection;

        private PaidEvents(Uri baseAddress, string token)
        {
            connection = new HubConnectionBuilder()
                .WithUrl(new Uri(baseAddress, "/hubs/market"), o =>
                {
                    o.Transports = HttpTransportType.WebSockets;
                    o.SkipNegotiation = true;
                    o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                })
                .Build();
            connection.On<JsonElement>("OrderChanged", OnOrderChanged);
        }

        public static async Task<PaidEvents> ConnectAsync(Uri baseAddress, string token)
        {
            var events = new PaidEvents(baseAddress, token);
            await events.connection.StartAsync();
            // Answered only after the hub subscribed the account to its own events, so none is missed from here on.
            await events.connection.InvokeAsync<IReadOnlyList<string>>("Subscriptions");
            return events;
        }

        /// <summary>Starts listening for the order's paid event; answers the Stopwatch timestamp of its arrival.</summary>
        public Task<long> Expect(string orderId) =>
            waiting.GetOrAdd(orderId, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public void Forget(string orderId) => waiting.TryRemove(orderId, out _);

        public async ValueTask DisposeAsync() => await connection.DisposeAsync();

        private void OnOrderChanged(JsonElement payload)
        {
            var arrived = Stopwatch.GetTimestamp();
            if (payload.GetProperty("status").GetString() == "paid"
                && waiting.TryRemove(payload.GetProperty("orderId").GetString()!, out var waiter))
            {
                waiter.TrySetResult(arrived);
            }
        }
    }
}
