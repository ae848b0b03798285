using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Marketplace.Testing;

namespace Marketplace.Benchmarks;

/// <summary>
/// Complete purchases per second through the real HTTP API: each simulated shopper adds a product to the cart, checks
/// out (Idempotency-Key), opens the payment, pays on the sandbox's hosted page, and waits until the provider's signed
/// webhook made the order Paid. One process holds the silo, the web host (on a real port) and the shoppers; the sandbox
/// is its own process; PostgreSQL runs with fsync on. Prints completed checkouts/s, p50/p99 per step, the storage writes
/// per purchase (from row versions), CPU per process, and the §4 invariants checked from the database at the end.
/// </summary>
public static class CheckoutBenchmark
{
    private static readonly string[] Steps = ["cart add", "checkout", "pay", "sandbox page", "webhook → paid", "whole purchase"];

    public static async Task RunAsync(BenchmarkOptions options)
    {
        var shoppers = options.Clients > 0 ? options.Clients : 64;
        var stores = options.Products ?? 20;
        await using var cluster = new MarketplaceCluster();
        await cluster.StartAsync("bench_checkout");
        var port = ProcessHost.FreePort();
        await using var web = new WebHostFactory(cluster, new Dictionary<string, string>
        {
            ["Payments:WebhookSecret"] = TestSecrets.SandboxPaymentsWebhookSecret,
            ["Shipping:WebhookSecret"] = TestSecrets.SandboxShippingWebhookSecret,
            ["Marketplace:PublicUrl"] = $"http://127.0.0.1:{port}",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "None",
        });
        web.UseKestrel(port);
        web.StartServer();
        await web.WaitReadyAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024 }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        Console.WriteLine($"checkout benchmark: silo + web host + shoppers in one process, sandbox in another, {Environment.ProcessorCount} cores, " +
                          $"{shoppers} concurrent shoppers, {stores} stores, {options.Seconds} s, PostgreSQL with fsync on");
        var products = new List<string>();
        for (var i = 0; i < stores; i++)
        {
            products.Add(await CreateProductAsync(http, i));
        }

        var tokens = new List<string>();
        foreach (var chunk in Enumerable.Range(0, shoppers).Chunk(8))
        {
            tokens.AddRange(await Task.WhenAll(chunk.Select(async _ => (await http.RegisterAsync()).AccessToken)));
        }

        await RunAsync(http, products, tokens, seconds: 3, print: false, cluster);
        await RunAsync(http, products, tokens, options.Seconds, print: true, cluster);
        await OrderInvariants.CheckAsync(cluster.Database);
    }

    private static async Task RunAsync(HttpClient http, List<string> products, List<string> tokens, int seconds, bool print, MarketplaceCluster cluster)
    {
        var writesBefore = await WritesAsync(cluster);
        var cpuBefore = CpuSeconds();
        var stop = DateTime.UtcNow.AddSeconds(seconds);
        var started = Stopwatch.GetTimestamp();
        var results = await Task.WhenAll(tokens.Select((token, c) => Task.Run(async () =>
        {
            var steps = Steps.Select(_ => new Latencies()).ToArray();
            var failures = new Dictionary<string, int>();
            var random = new Random(c);
            using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
            var n = 0;
            while (DateTime.UtcNow < stop)
            {
                var key = $"bench-{c}-{n++}-{Guid.NewGuid():N}";
                var t0 = Stopwatch.GetTimestamp();
                var step = 0;
                try
                {
                    await Send(http, token, HttpMethod.Post, "/api/cart/items",
                        new { productId = products[random.Next(products.Count)], sku = "S", quantity = 1 + random.Next(2) });
                    var t1 = Lap(steps, step++, t0);
                    var checkout = await Send(http, token, HttpMethod.Post, "/api/cart/checkout",
                        new { shippingAddress = new { name = "Bench", line1 = "Calle 1", city = "Santiago", country = "CL" } }, key);
                    var orderId = checkout.GetProperty("orders")[0].GetProperty("orderId").GetString()!;
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
                    while ((await Send(http, token, HttpMethod.Get, $"/api/orders/{orderId}", null)).GetProperty("status").GetString() != "paid")
                    {
                        await Task.Delay(5);
                    }

                    Lap(steps, step++, t4);
                    Lap(steps, step, t0);
                }
                catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException)
                {
                    var name = Steps[step];
                    failures[name] = failures.GetValueOrDefault(name) + 1;
                }
            }

            return (steps, failures);
        })));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpuAfter = CpuSeconds();
        var writes = await WritesAsync(cluster);
        if (!print)
        {
            return;
        }

        var merged = Steps.Select((_, i) =>
        {
            var all = new Latencies();
            foreach (var (steps, _) in results)
            {
                all.AddRange(steps[i]);
            }

            return all;
        }).ToList();
        var completed = merged[^1].Count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"completed purchases: {completed} in {elapsed:F1} s = {completed / elapsed:F1} checkouts/s (each: cart add, checkout, pay, sandbox page, webhook)"));
        for (var i = 0; i < Steps.Length; i++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {Steps[i],-15} p50 {merged[i].Percentile(50),7:F1} ms   p99 {merged[i].Percentile(99),7:F1} ms"));
        }

        var failed = results.SelectMany(r => r.failures).GroupBy(f => f.Key).Select(g => $"{g.Key} {g.Sum(f => f.Value)}").ToList();
        Console.WriteLine("failures: " + (failed.Count == 0 ? "none" : string.Join(", ", failed)));
        var perPurchase = completed == 0 ? 0 : 1.0 / completed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"storage writes per purchase: order {(writes.Order - writesBefore.Order) * perPurchase:F1}, cart {(writes.Cart - writesBefore.Cart) * perPurchase:F1}, " +
            $"inventory {(writes.Inventory - writesBefore.Inventory) * perPurchase:F1}, reminders {(writes.Reminders - writesBefore.Reminders) * perPurchase:F1}; " +
            $"database transactions per purchase {(writes.Transactions - writesBefore.Transactions) * perPurchase:F1}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CPU over the run (share of one core): this process {(cpuAfter.Self - cpuBefore.Self) / elapsed * 100:F0}%, " +
            $"sandbox {(cpuAfter.Sandbox - cpuBefore.Sandbox) / elapsed * 100:F0}%, PostgreSQL {(cpuAfter.Postgres - cpuBefore.Postgres) / elapsed * 100:F0}%"));
    }

    private static long Lap(Latencies[] steps, int step, long since)
    {
        var now = Stopwatch.GetTimestamp();
        steps[step].Add(now - since);
        return now;
    }

    /// <summary>One request as the token's holder; anything but success fails the purchase.</summary>
    private static async Task<JsonElement> Send(HttpClient http, string token, HttpMethod method, string path, object? body, string? key = null)
    {
        var (status, json) = await http.SendAsync(token, method, path, body, key);
        return (int)status is >= 200 and < 300 ? json : throw new InvalidOperationException($"{method} {path}: {(int)status} {json}");
    }

    /// <summary>A store that takes orders without quoting, with one product of one SKU with ample stock.</summary>
    private static async Task<string> CreateProductAsync(HttpClient http, int i)
    {
        var seller = await http.RegisterAsync("seller", $"Bench store {i}");
        var (token, sellerId) = (seller.AccessToken, seller.SellerId!);
        await Send(http, token, HttpMethod.Put, $"/api/sellers/{sellerId}", new { name = $"Bench store {i}", requiresConfirmation = false });
        var product = await Send(http, token, HttpMethod.Post, $"/api/sellers/{sellerId}/products", new
        {
            title = "Bench coffee", description = "Benchmark", category = "coffee", currency = "CLP", price = 1000, status = "published",
            variants = new object[] { new { sku = "S", options = new { size = "1" }, stock = 1_000_000 } },
        });
        return product.GetProperty("productId").GetString()!;
    }

    private sealed record Writes(long Order, long Cart, long Inventory, long Reminders, long Transactions);

    /// <summary>Durable writes so far: every grain-state write bumps its row's version; reminders and transactions from statistics.</summary>
    private static async Task<Writes> WritesAsync(MarketplaceCluster cluster)
    {
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // PostgreSQL's statistics lag by up to a second
        return new Writes(
            await cluster.Database.ScalarAsync<long>("SELECT coalesce(sum(version), 0)::bigint FROM orleans_storage WHERE grain_type = 'order'"),
            await cluster.Database.ScalarAsync<long>("SELECT coalesce(sum(version), 0)::bigint FROM orleans_storage WHERE grain_type = 'cart'"),
            await cluster.Database.ScalarAsync<long>("SELECT coalesce(sum(version), 0)::bigint FROM inventory_skus"),
            await cluster.Database.ScalarAsync<long>(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::bigint FROM pg_stat_user_tables WHERE relname = 'orleans_reminders'"),
            await cluster.Database.ScalarAsync<long>("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"));
    }

    /// <summary>CPU seconds used so far by this process, the sandbox process and every PostgreSQL process (from /proc).</summary>
    private static (double Self, double Sandbox, double Postgres) CpuSeconds() => (CpuTime.Self, CpuTime.Sandbox(), CpuTime.Postgres());
}
