using System.Diagnostics;
using System.Globalization;
using System.Text;
using Marketplace.Grains.Catalog;
using Marketplace.Grains.Storage;
using Marketplace.Testing;
using Marketplace.Web.Search;
using Npgsql;

namespace Marketplace.Benchmarks;

/// <summary>
/// Search latency over HTTP against a real web host and silo process. The catalog (100,000 products by default, in 200
/// stores) is generated as grain-state rows, so the same triggers that maintain the read model in production build it.
/// Query mix: 70% one- or two-word keyword queries from the catalog's vocabulary, 20% keyword plus filters, 10% word
/// prefixes as typed; facets are always computed. 32 concurrent clients without think time.
/// </summary>
public static class SearchBenchmark
{
    private static readonly string[] Nouns =
    [
        "café", "zapatos", "zapatillas", "mochila", "chaqueta", "camisa", "taza", "tetera", "lámpara", "silla", "mesa", "cojín",
        "manta", "bufanda", "guantes", "sombrero", "cartera", "cinturón", "reloj", "anillo", "collar", "aros", "vela", "jabón",
        "miel", "mermelada", "aceite", "vino", "cerveza", "queso", "chocolate", "galletas", "libro", "cuaderno", "lápiz",
        "coffee", "shoes", "sneakers", "backpack", "jacket", "shirt", "mug", "teapot", "lamp", "chair", "table", "cushion",
        "blanket", "scarf", "gloves", "hat", "wallet", "belt", "watch", "ring", "necklace", "earrings", "candle", "soap",
        "honey", "jam", "olive", "wine", "beer", "cheese", "cookies", "notebook", "pencil", "poncho", "alfombra", "cesta",
    ];

    private static readonly string[] Qualities =
    [
        "artesanal", "orgánico", "rústico", "clásico", "moderno", "vintage", "natural", "premium", "pequeño", "grande",
        "handmade", "organic", "rustic", "classic", "modern", "natural", "premium", "small", "large", "colorful",
        "cuero", "lana", "algodón", "madera", "cerámica", "vidrio", "plata", "cobre", "bambú", "lino",
        "leather", "wool", "cotton", "wooden", "ceramic", "glass", "silver", "copper", "bamboo", "linen",
        "andino", "patagónico", "chilote", "mapuche", "atacameño", "azul", "rojo", "verde", "negro", "blanco",
    ];

    private static readonly string[] Categories =
    [
        "coffee", "shoes", "bags", "clothing", "kitchen", "home", "furniture", "accessories", "jewelry", "beauty", "food",
        "drinks", "books", "stationery", "crafts", "outdoor", "toys", "garden", "pets", "art",
    ];

    public static async Task RunAsync(BenchmarkOptions options)
    {
        var products = options.Products ?? 100_000;
        var clients = options.Clients > 0 ? options.Clients : 32;
        await using var database = await TestDatabase.CreateAsync("bench_search");
        var generation = Stopwatch.StartNew();
        await GenerateCatalogAsync(database, products);
        Console.WriteLine($"search benchmark: generated {products:N0} products in 200 stores in {generation.Elapsed.TotalSeconds:F0} s " +
                          $"(read model: {await database.ScalarAsync<long>("SELECT count(*) FROM search_products"):N0} rows, " +
                          $"{await database.ScalarAsync<string>("SELECT pg_size_pretty(pg_total_relation_size('search_products'))")})");

        await MeasureIndexAsync(database);

        const string ClusterId = "bench-search";
        await using var silo = ProcessHost.StartSilo("silo-1", database.ConnectionString, ClusterId);
        await using var web = ProcessHost.StartWebHost("web-1", database.ConnectionString, ClusterId);
        await silo.WaitReadyAsync(TimeSpan.FromMinutes(2));
        var loading = Stopwatch.StartNew();
        await web.WaitReadyAsync(TimeSpan.FromMinutes(2));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"web host ready (search index loaded) {loading.Elapsed.TotalSeconds:F1} s after the silo; web host memory {ResidentMegabytes(web.Id):F0} MB resident"));

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients };
        using var http = new HttpClient(handler) { BaseAddress = web.BaseAddress };
        await RunAsync(http, clients, seconds: 5, print: false);
        await RunAsync(http, clients, options.Seconds, print: true);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"web host memory after the run {ResidentMegabytes(web.Id):F0} MB resident"));
    }

    private static async Task RunAsync(HttpClient http, int clients, int seconds, bool print)
    {
        var cpuBefore = MachineCpu.Read();
        var stop = DateTime.UtcNow.AddSeconds(seconds);
        var started = Stopwatch.GetTimestamp();
        var results = await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var random = new Random(1000 + c);
            var latencies = new Dictionary<string, Latencies> { ["keyword"] = new(), ["filtered"] = new(), ["prefix"] = new() };
            var errors = 0;
            var hits = 0L;
            while (DateTime.UtcNow < stop)
            {
                var (kind, query) = NextQuery(random);
                var t0 = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(ToUrl(query));
                var body = await response.Content.ReadAsStringAsync();
                latencies[kind].Add(Stopwatch.GetTimestamp() - t0);
                if (!response.IsSuccessStatusCode)
                {
                    errors++;
                }
                else if (!body.Contains("\"total\":0,", StringComparison.Ordinal))
                {
                    hits++;
                }
            }

            return (latencies, errors, hits);
        })));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpu = MachineCpu.Read().BusySince(cpuBefore);
        if (!print)
        {
            return;
        }

        var all = new Latencies();
        foreach (var r in results)
        {
            foreach (var l in r.latencies.Values)
            {
                all.AddRange(l);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"search over HTTP, {clients} clients, {seconds} s: {all.Count / elapsed:F0} queries/s, p50 {all.Percentile(50):F1} ms, " +
            $"p95 {all.Percentile(95):F1} ms, p99 {all.Percentile(99):F1} ms; queries with results {results.Sum(r => r.hits) * 100.0 / all.Count:F0}%, " +
            $"errors {results.Sum(r => r.errors)}; machine CPU busy {cpu:F0}% of {Environment.ProcessorCount} cores (web host, silo, PostgreSQL and this client together)"));
        foreach (var kind in new[] { "keyword", "filtered", "prefix" })
        {
            var merged = new Latencies();
            foreach (var r in results)
            {
                merged.AddRange(r.latencies[kind]);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {kind,-8}: {merged.Count * 100.0 / all.Count,3:F0}% of queries, p50 {merged.Percentile(50):F1} ms, p95 {merged.Percentile(95):F1} ms"));
        }
    }

    private static double ResidentMegabytes(int processId)
    {
        var line = File.ReadLines($"/proc/{processId}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static (string Kind, SearchQuery Query) NextQuery(Random random)
    {
        string Word() => random.Next(2) == 0 ? Nouns[random.Next(Nouns.Length)] : Qualities[random.Next(Qualities.Length)];
        string Category() => Categories[random.Next(Categories.Length)];
        SearchQuery Text(string text) => new(text, null, null, null, null, false, null, SearchSort.Relevance, 1, 20);
        var roll = random.Next(100);
        if (roll < 70)
        {
            return ("keyword", Text(random.Next(2) == 0 ? Word() : $"{Nouns[random.Next(Nouns.Length)]} {Qualities[random.Next(Qualities.Length)]}"));
        }

        if (roll < 90)
        {
            var query = Text(Word());
            return ("filtered", random.Next(4) switch
            {
                0 => query with { Category = Category() },
                1 => query with { Currency = "CLP", MinPrice = 5000, MaxPrice = 20_000 + random.Next(80_000) },
                2 => query with { InStockOnly = true, Sort = SearchSort.PriceAsc },
                _ => query with { InStockOnly = true, Category = Category() },
            });
        }

        var word = Word();
        return ("prefix", Text(word[..Math.Min(word.Length, 3 + random.Next(2))]));
    }

    private static string ToUrl(SearchQuery query)
    {
        var url = new StringBuilder("/api/search?q=").Append(Uri.EscapeDataString(query.Text ?? ""));
        if (query.Category is not null)
        {
            url.Append("&category=").Append(query.Category);
        }

        if (query.Currency is not null)
        {
            url.Append(CultureInfo.InvariantCulture, $"&currency={query.Currency}&minPrice={query.MinPrice}&maxPrice={query.MaxPrice}");
        }

        if (query.InStockOnly)
        {
            url.Append("&inStock=true");
        }

        if (query.Sort == SearchSort.PriceAsc)
        {
            url.Append("&sort=priceAsc");
        }

        return url.ToString();
    }

    /// <summary>The same query mix against an index loaded in this process, on one thread: what a query costs the index.</summary>
    private static async Task MeasureIndexAsync(TestDatabase database)
    {
        var index = new SearchIndex();
        var load = Stopwatch.StartNew();
        await SearchIndexFeed.ReadChangesAsync(database.DataSource, index, ChangeMark.Everything);
        var loaded = load.Elapsed;
        var random = new Random(7);
        var latencies = new Latencies();
        var run = Stopwatch.StartNew();
        while (run.Elapsed < TimeSpan.FromSeconds(5))
        {
            var query = NextQuery(random).Query;
            var t0 = Stopwatch.GetTimestamp();
            index.Search(query);
            latencies.Add(Stopwatch.GetTimestamp() - t0);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"index in this process: {index.Count:N0} products loaded in {loaded.TotalSeconds:F1} s; one thread, same query mix: " +
            $"{latencies.Count / run.Elapsed.TotalSeconds:F0} queries/s, p50 {latencies.Percentile(50):F2} ms, p99 {latencies.Percentile(99):F2} ms"));
    }

    /// <summary>Sellers and products as grain-state rows, plus their stock; the read models are then rebuilt from them in C#.</summary>
    private static async Task GenerateCatalogAsync(TestDatabase database, int products)
    {
        // One session, so setseed makes the catalog the same on every run.
        await using var connection = await database.DataSource.OpenConnectionAsync();
        string[] statements =
        [
            """
            SELECT setseed(0.42)
            """,
            """
            INSERT INTO grain_states (grain_type, grain_key, version, payload)
            SELECT 'seller', 'sel_bench' || lpad(s::text, 6, '0'), 1,
                   jsonb_build_object('Created', true, 'Name', 'Tienda ' || s, 'Status', 'active',
                                                 'Staff', '[]'::jsonb, 'Products', '[]'::jsonb,
                                                 'CreatedAt', now(), 'UpdatedAt', now())::json
            FROM generate_series(1, 200) s
            """,
            """
            INSERT INTO inventory_skus (sku_id, product_id, sku, seller_id, initial_stock, adjustments, on_hand, reserved, sold,
                                        version, created_at, updated_at)
            SELECT 'prd_bench' || lpad(p::text, 7, '0') || '/A', 'prd_bench' || lpad(p::text, 7, '0'), 'A',
                   'sel_bench' || lpad((p % 200 + 1)::text, 6, '0'), stock, 0, stock, 0, 0, 1, now(), now()
            FROM (SELECT p, CASE WHEN random() < 0.15 THEN 0 ELSE 1 + (random() * 50)::int END AS stock
                  FROM generate_series(1, $1) p) x
            """,
            """
            INSERT INTO grain_states (grain_type, grain_key, version, payload)
            SELECT 'product', 'prd_bench' || lpad(p::text, 7, '0'), 1,
                   jsonb_build_object(
                       'Created', true,
                       'SellerId', 'sel_bench' || lpad((p % 200 + 1)::text, 6, '0'),
                       'Title', initcap(n1) || ' ' || q1 || ' ' || q2,
                       'Description', 'Un ' || n2 || ' ' || q3 || ' hecho a mano, ideal con ' || n3 || '. A ' || q2 || ' ' || n1 || ' for everyday use.',
                       'Category', c,
                       'Currency', CASE WHEN p % 5 = 0 THEN 'USD' ELSE 'CLP' END,
                       'Price', CASE WHEN p % 5 = 0 THEN 500 + (random() * 20000)::int ELSE 990 + (random() * 150000)::int END,
                       'Status', 'published',
                       'Attributes', jsonb_build_object('material', q3),
                       'Variants', jsonb_build_array(jsonb_build_object('Sku', 'A', 'Options', jsonb_build_object('size', 'M'))),
                       'Images', '[]'::jsonb,
                       'CreatedAt', now() - make_interval(mins => p),
                       'UpdatedAt', now() - make_interval(mins => p))::json
            FROM (SELECT p,
                         ($2::text[])[1 + floor(random() * array_length($2, 1))::int] AS n1,
                         ($2::text[])[1 + floor(random() * array_length($2, 1))::int] AS n2,
                         ($2::text[])[1 + floor(random() * array_length($2, 1))::int] AS n3,
                         ($3::text[])[1 + floor(random() * array_length($3, 1))::int] AS q1,
                         ($3::text[])[1 + floor(random() * array_length($3, 1))::int] AS q2,
                         ($3::text[])[1 + floor(random() * array_length($3, 1))::int] AS q3,
                         ($4::text[])[1 + floor(random() * array_length($4, 1))::int] AS c
                  FROM generate_series(1, $1) p) g
            """,
        ];
        foreach (var sql in statements)
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
            if (sql.Contains("$1", StringComparison.Ordinal))
            {
                command.Parameters.Add(new() { Value = products });
            }

            if (sql.Contains("$2", StringComparison.Ordinal))
            {
                command.Parameters.Add(new() { Value = Nouns });
                command.Parameters.Add(new() { Value = Qualities });
                command.Parameters.Add(new() { Value = Categories });
            }

            await command.ExecuteNonQueryAsync();
        }

        var rebuilder = new ReadModelRebuilder(database.DataSource);
        await rebuilder.RebuildAsync(new StoreDirectoryReadModel());
        await rebuilder.RebuildAsync(new SearchReadModel());
        await using var analyze = new NpgsqlCommand("ANALYZE search_products; ANALYZE store_directory", connection);
        await analyze.ExecuteNonQueryAsync();
    }
}

/// <summary>Whole-machine CPU time from /proc/stat, to say what a run cost.</summary>
internal readonly record struct MachineCpu(long Busy, long Total)
{
    public static MachineCpu Read()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var idle = fields[3] + fields[4];
        var total = fields.Take(8).Sum();
        return new MachineCpu(total - idle, total);
    }

    public double BusySince(MachineCpu before) =>
        Total == before.Total ? 0 : (Busy - before.Busy) * 100.0 / (Total - before.Total);
}
