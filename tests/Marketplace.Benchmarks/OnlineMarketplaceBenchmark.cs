using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Marketplace.Testing;

namespace Marketplace.Benchmarks;

/// <summary>
/// The Online Marketplace benchmark's workload (SIGMOD 2025) against the /om module over real HTTP, as its driver runs
/// it: ingestion of sellers, customers, products and stock in one shuffled queue; then a closed loop of
/// <c>--clients</c> transactions in flight with the driver's default mix (customer session ~31 %, dashboard 5 %, price
/// update 3 %, product update 2 %, delivery ~59 %), sequential transaction ids, checkouts retried up to three times.
/// Prints completed transactions, throughput and latency per type, aborts, how many answers took longer than our own
/// 250 ms latency goal, what it cost in CPU, and the invariants afterwards. As in the driver's data, about one customer
/// in eighteen pays with a card number of 20 digits. Silo, web host and load share one
/// process; the sandbox is its own; PostgreSQL runs with fsync on.
/// </summary>
public static class OnlineMarketplaceBenchmark
{
    private const int ProductsPerSeller = 10;
    private const int StockPerProduct = 10_000;
    /// <summary>Our latency goal for one transaction (the driver itself waits up to 100 s, HttpClient's default).</summary>
    private const double LatencyGoalMs = 250;

    private static readonly string[] Types = ["customer session", "dashboard", "price update", "product update", "delivery"];

    /// <summary>The driver's default transactionDistribution: cumulative thresholds over 0..100.</summary>
    private static readonly int[] Thresholds = [30, 35, 38, 40, 100];

    public static async Task RunAsync(BenchmarkOptions options)
    {
        var concurrency = options.Clients > 0 ? options.Clients : 16;
        var productCount = options.Products ?? 10_000;
        var sellers = (productCount + ProductsPerSeller - 1) / ProductsPerSeller;
        var customers = productCount;
        await using var cluster = new BenchmarkCluster();
        await cluster.StartAsync("bench_om");
        var port = ProcessHost.FreePort();
        await using var web = new WebHostFactory(cluster, new Dictionary<string, string>
        {
            ["OnlineMarketplace:Enabled"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "None",
        });
        web.UseKestrel(port);
        web.StartServer();
        await web.WaitReadyAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024 })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/om/"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        Console.WriteLine($"online marketplace benchmark: silo + web host + load in one process, sandbox in another, {Environment.ProcessorCount} cores, " +
                          $"{sellers} sellers x {ProductsPerSeller} products ({StockPerProduct} units each), {customers} customers, " +
                          $"{concurrency} transactions in flight, {options.Seconds} s, PostgreSQL with fsync on");

        var catalog = await IngestAsync(http, sellers, customers);
        var driver = new Driver(http, catalog, customers);
        await driver.RunAsync(concurrency, TimeSpan.FromSeconds(5), print: false);
        await driver.RunAsync(concurrency, TimeSpan.FromSeconds(options.Seconds), print: true);
        await OrderInvariants.CheckAsync(cluster.Database);
        Console.WriteLine("orders by status: " + string.Join(", ", await cluster.Database.ScalarAsync<string>(
            "SELECT coalesce(string_agg(status || ' ' || n, ', ' ORDER BY status), 'none') FROM (SELECT status, count(*) n FROM order_listings GROUP BY status) s")));
    }

    /// <summary>The driver's ingestion: every row of the four tables in one shuffled queue, twelve requests at a time.</summary>
    private static async Task<ProductCopy[]> IngestAsync(HttpClient http, int sellers, int customers)
    {
        var random = new Random(42);
        var catalog = new ProductCopy[sellers * ProductsPerSeller];
        var rows = new List<(string Path, string Body)>();
        for (var s = 1; s <= sellers; s++)
        {
            rows.Add(("seller", Json(new
            {
                id = s, name = $"Seller {s}", company_name = $"Company {s}", email = $"seller{s}@example.com", phone = "1155550000",
                mobile_phone = "11999990000", cpf = "12345678900", cnpj = "12345678000100", address = $"Street {s}", complement = "",
                city = "São Paulo", state = "SP", zip_code = "01310100", order_count = 0,
            })));
            for (var p = 1; p <= ProductsPerSeller; p++)
            {
                var copy = new ProductCopy(s, p, Math.Round((decimal)(random.NextDouble() * 99.99), 2), Math.Round((decimal)(random.NextDouble() * 9.99), 2));
                catalog[(s - 1) * ProductsPerSeller + p - 1] = copy;
                rows.Add(("product", copy.ToJson()));
                rows.Add(("stock", Json(new
                {
                    seller_id = s, product_id = p, qty_available = StockPerProduct, qty_reserved = 0, order_count = 0, ytd = random.Next(10),
                    data = "lorem ipsum", version = "0",
                })));
            }
        }

        for (var c = 1; c <= customers; c++)
        {
            rows.Add(("customer", Json(new
            {
                id = c, first_name = $"First{c}", last_name = $"Last{c}", address = $"Street {c}", complement = "", birth_date = "1990-01-01",
                zip_code = "01000000", city = "São Paulo", state = "SP", card_number = CardOf(c), card_security_number = "123",
                card_expiration = "1228", card_holder_name = $"First{c} Last{c}", card_type = "VISA", success_payment_count = 0,
                failed_payment_count = 0, delivery_count = 0, abandoned_cart_count = 0, data = "",
            })));
        }

        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows));
        var failed = 0;
        var started = Stopwatch.GetTimestamp();
        var cpu = CpuTime.Self;
        var pg = CpuTime.Postgres();
        await Parallel.ForEachAsync(rows, new ParallelOptions { MaxDegreeOfParallelism = 12 }, async (row, ct) =>
        {
            using var response = await http.PostAsync(row.Path, new StringContent(row.Body, Encoding.UTF8, "application/json"), ct);
            if (!response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref failed);
            }
        });
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ingestion: {rows.Count} rows in {elapsed:F1} s = {rows.Count / elapsed:F0} rows/s, {failed} failed; CPU: this process " +
            $"{(CpuTime.Self - cpu) / elapsed * 100:F0}%, PostgreSQL {(CpuTime.Postgres() - pg) / elapsed * 100:F0}% of one core"));
        return catalog;
    }

    private static string Json(object value) => JsonSerializer.Serialize(value);

    /// <summary>A customer's card: about one in eighteen has 20 digits, as the driver's data generator makes them.</summary>
    private static string CardOf(int customer) => customer % 18 == 0
        ? string.Create(CultureInfo.InvariantCulture, $"6570-6280-{customer % 10_000:D4}-0812-8461")
        : "4111111111111111";

    /// <summary>The driver's own copy of a product: price and version as it last sent them.</summary>
    private sealed class ProductCopy(int seller, int product, decimal price, decimal freight)
    {
        private int locked;

        public int Seller { get; } = seller;

        public int Product { get; } = product;

        public decimal Price { get; set; } = price;

        public decimal Freight { get; } = freight;

        public string Version { get; set; } = "0";

        /// <summary>The driver never has two updates of one product in flight.</summary>
        public bool TryLock() => Interlocked.CompareExchange(ref locked, 1, 0) == 0;

        public void Unlock() => Volatile.Write(ref locked, 0);

        public string ToJson() => Json(new
        {
            seller_id = Seller, product_id = Product, name = $"Product {Seller}-{Product}", sku = $"SKU{Seller:D6}{Product:D4}",
            category = "health_beauty", description = "A product of the benchmark.", price = Price, freight_value = Freight, version = Version,
            status = "approved",
        });
    }

    private sealed class Driver(HttpClient http, ProductCopy[] catalog, int customers)
    {
        private readonly ConcurrentQueue<int> idle = new(Enumerable.Range(1, customers));
        private long tid;

        public async Task RunAsync(int concurrency, TimeSpan duration, bool print)
        {
            var results = Types.Select(_ => new TypeResult()).ToArray();
            var cpu = CpuTime.Self;
            var pg = CpuTime.Postgres();
            var sandbox = CpuTime.Sandbox();
            var stop = DateTime.UtcNow + duration;
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
            {
                var random = new Random(worker * 7919 + (print ? 1 : 0));
                while (DateTime.UtcNow < stop)
                {
                    var x = random.Next(0, 101);
                    var type = Array.FindIndex(Thresholds, t => x <= t);
                    var id = Interlocked.Increment(ref tid).ToString(CultureInfo.InvariantCulture);
                    var outcome = type switch
                    {
                        0 => await CustomerSessionAsync(random, id),
                        1 => await TimedAsync(HttpMethod.Get, $"seller/dashboard/{random.Next(1, catalog.Length / ProductsPerSeller + 1)}", null),
                        2 => await UpdateAsync(random, id, priceOnly: true),
                        3 => await UpdateAsync(random, id, priceOnly: false),
                        _ => await TimedAsync(HttpMethod.Patch, $"shipment/{id}", null),
                    };
                    lock (results[type])
                    {
                        results[type].Add(outcome);
                    }
                }
            })));
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (!print)
            {
                return;
            }

            var (cpuUsed, pgUsed, sandboxUsed) = (CpuTime.Self - cpu, CpuTime.Postgres() - pg, CpuTime.Sandbox() - sandbox);
            var completed = results.Sum(r => r.Latencies.Count);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"completed transactions: {completed} in {elapsed:F1} s = {completed / elapsed:F0}/s; aborts {results.Sum(r => r.Aborts)}; " +
                $"answers over the {LatencyGoalMs:F0} ms goal {results.Sum(r => r.OverGoal)}"));
            Console.WriteLine("  type              completed      /s     p50 ms    p90 ms    p99 ms   aborts  over 250 ms   items dropped");
            for (var i = 0; i < Types.Length; i++)
            {
                var r = results[i];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {Types[i],-17} {r.Latencies.Count,9} {r.Latencies.Count / elapsed,7:F0} {r.Latencies.Percentile(50),10:F1} {r.Latencies.Percentile(90),9:F1} " +
                    $"{r.Latencies.Percentile(99),9:F1} {r.Aborts,8} {r.OverGoal,12} {(i == 0 ? r.Dropped.ToString(CultureInfo.InvariantCulture) : ""),15}"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"CPU over the run (share of one core): this process {cpuUsed / elapsed * 100:F0}%, sandbox {sandboxUsed / elapsed * 100:F0}%, " +
                $"PostgreSQL {pgUsed / elapsed * 100:F0}%; per completed transaction {(cpuUsed + pgUsed + sandboxUsed) / Math.Max(1, completed) * 1000:F2} ms of CPU"));
        }

        /// <summary>Adds 1-10 distinct products (untimed, as in the driver), then checks out, asking up to three times.</summary>
        private async Task<Outcome> CustomerSessionAsync(Random random, string id)
        {
            if (!idle.TryDequeue(out var customer))
            {
                throw new InvalidOperationException("more transactions in flight than customers");
            }

            try
            {
                var items = new HashSet<ProductCopy>();
                var wanted = random.Next(1, 11);
                while (items.Count < wanted)
                {
                    items.Add(catalog[random.Next(catalog.Length)]);
                }

                foreach (var item in items)
                {
                    using var _ = await SendAsync(HttpMethod.Patch, $"cart/{customer}/add", Json(new
                    {
                        SellerId = item.Seller, ProductId = item.Product, ProductName = $"Product {item.Seller}-{item.Product}", UnitPrice = item.Price,
                        FreightValue = item.Freight, Quantity = random.Next(1, 11), Voucher = random.Next(0, 101) <= 5 ? Math.Round(item.Price * 0.1m, 2) : 0m,
                        item.Version,
                    }));
                }

                var body = Json(new
                {
                    CustomerId = customer, FirstName = $"First{customer}", LastName = $"Last{customer}", Street = $"Street {customer}", Complement = "",
                    City = "São Paulo", State = "SP", ZipCode = "01000000", PaymentType = "CREDIT_CARD", CardNumber = CardOf(customer),
                    CardHolderName = $"First{customer}", CardExpiration = "1228", CardSecurityNumber = "123", CardBrand = "VISA", Installments = 1,
                    instanceId = id,
                });
                for (var attempt = 0; attempt < 3; attempt++)
                {
                    var started = Stopwatch.GetTimestamp();
                    using var response = await SendAsync(HttpMethod.Post, $"cart/{customer}/checkout", body);
                    var ticks = Stopwatch.GetTimestamp() - started;
                    if (response.IsSuccessStatusCode)
                    {
                        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                        return new Outcome(ticks, true, answer.RootElement.GetProperty("dropped").GetArrayLength());
                    }
                }

                return new Outcome(0, false, 0);
            }
            finally
            {
                idle.Enqueue(customer);
            }
        }

        /// <summary>A price or product update of a product no other update holds; the local copy follows either way.</summary>
        private async Task<Outcome> UpdateAsync(Random random, string id, bool priceOnly)
        {
            var seller = random.Next(catalog.Length / ProductsPerSeller);
            ProductCopy? product = null;
            for (var tries = 0; tries < ProductsPerSeller && product is null; tries++)
            {
                var candidate = catalog[seller * ProductsPerSeller + random.Next(ProductsPerSeller)];
                product = candidate.TryLock() ? candidate : null;
            }

            if (product is null)
            {
                return new Outcome(0, false, 0);
            }

            try
            {
                if (priceOnly)
                {
                    product.Price = Math.Round(product.Price * (1 + random.Next(1, 10) / 100m), 2);
                    return await TimedAsync(HttpMethod.Patch, "product", Json(new
                    {
                        sellerId = product.Seller, productId = product.Product, price = product.Price, version = product.Version, instanceId = id,
                    }));
                }

                product.Version = id;
                return await TimedAsync(HttpMethod.Put, "product", product.ToJson());
            }
            finally
            {
                product.Unlock();
            }
        }

        private async Task<Outcome> TimedAsync(HttpMethod method, string path, string? body)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await SendAsync(method, path, body);
            return new Outcome(Stopwatch.GetTimestamp() - started, response.IsSuccessStatusCode, 0);
        }

        private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body) =>
            http.SendAsync(new HttpRequestMessage(method, path)
            {
                Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"),
            });
    }

    private sealed record Outcome(long Ticks, bool Succeeded, int Dropped);

    private sealed class TypeResult
    {
        public Latencies Latencies { get; } = new();

        public int Aborts { get; private set; }

        public int OverGoal { get; private set; }

        public int Dropped { get; private set; }

        public void Add(Outcome outcome)
        {
            if (!outcome.Succeeded)
            {
                Aborts++;
                return;
            }

            Latencies.Add(outcome.Ticks);
            Dropped += outcome.Dropped;
            if (outcome.Ticks * 1000.0 / Stopwatch.Frequency > LatencyGoalMs)
            {
                OverGoal++;
            }
        }
    }

    /// <summary>Silos with the module on and a carrier that leaves delivery to the benchmark, as <c>up --om-compat</c>.</summary>
    private sealed class BenchmarkCluster : MarketplaceCluster
    {
        protected override IReadOnlyDictionary<string, string> SandboxSettings => BenchmarkSandbox;

        protected override IEnumerable<KeyValuePair<string, string?>> SiloSettings => [new("OnlineMarketplace:Enabled", "true")];
    }
}
