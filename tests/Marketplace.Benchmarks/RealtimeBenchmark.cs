using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Contracts.Realtime;
using Marketplace.Testing;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Marketplace.Benchmarks;

/// <summary>
/// Live stock at scale: thousands of SignalR WebSocket connections, split over two web host processes, each watching one
/// of the products while a seller changes stock at a fixed rate through the HTTP API (half of the changes on five hot
/// products). Prints delivery latency (the
/// change's time at the inventory grain → the event at the client), events per second, what was delivered of what was
/// expected, grain-side pushes per change (from the feed grains' own counters) and CPU per process — first with
/// coalescing off, then, after restarting the silo with it, with the default 100 ms window.
/// </summary>
public static class RealtimeBenchmark
{
    private const int WebHosts = 2;
    private const int HotProducts = 5;

    public static async Task RunAsync(BenchmarkOptions options)
    {
        var connectionCount = options.Clients > 0 ? options.Clients : 5_000;
        var productCount = options.Products ?? 100;
        var rate = options.Rate ?? 200;
        await using var cluster = new WindowedCluster { Window = TimeSpan.Zero };
        await cluster.StartAsync("bench_realtime");
        var hosts = Enumerable.Range(1, WebHosts).Select(i => ProcessHost.StartWebHost($"web-{i}", cluster.Database.ConnectionString,
            MarketplaceCluster.ClusterId, new Dictionary<string, string>
            {
                ["Orleans__ServiceId"] = MarketplaceCluster.ServiceId,
                ["Logging__LogLevel__Default"] = "Warning",
            })).ToList();
        var connections = new List<HubConnection>();
        try
        {
            foreach (var host in hosts)
            {
                await host.WaitReadyAsync(TimeSpan.FromSeconds(120));
            }

            Console.WriteLine($"realtime benchmark: silo + clients in one process, {WebHosts} web host processes, {Environment.ProcessorCount} cores, " +
                              $"{connectionCount} WebSocket connections watching {productCount} products, {rate} stock changes/s, {options.Seconds} s per run");
            var http = hosts.Select(h => new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = h.BaseAddress }).ToList();
            var seller = await http[0].RegisterAsync("seller", "Live stock store");
            var products = new List<string>();
            for (var i = 0; i < productCount; i++)
            {
                var (_, product) = await http[0].SendAsync(seller.AccessToken, HttpMethod.Post, $"/api/sellers/{seller.SellerId}/products", new
                {
                    title = $"Live product {i}", description = "Benchmark", category = "coffee", currency = "CLP", price = 1000, status = "published",
                    variants = new object[] { new { sku = "S", options = new { size = "1" }, stock = 1_000_000 } },
                });
                products.Add(product.GetProperty("productId").GetString()!);
            }

            var probe = new Probe();
            var opened = Stopwatch.StartNew();
            foreach (var batch in Enumerable.Range(0, connectionCount).Chunk(100))
            {
                // Every product has watchers on every web host.
                connections.AddRange(await Task.WhenAll(batch.Select(i =>
                    ConnectAsync(hosts[i / productCount % WebHosts], http[i / productCount % WebHosts], products[i % productCount], probe))));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"opened {connections.Count} connections in {opened.Elapsed.TotalSeconds:F1} s; this process holds {Environment.WorkingSet / 1024 / 1024} MB"));
            var watchers = (double)connectionCount / productCount;

            await RunPhaseAsync("coalescing off", cluster, hosts, http, seller.AccessToken, products, rate, options.Seconds, watchers, probe,
                warmUpSeconds: Math.Max(10, options.Seconds));

            // The window is a silo setting: restart the silo with it. Web hosts and connections stay; subscriptions come
            // back with the web hosts' next renewal.
            cluster.Window = TimeSpan.FromMilliseconds(100);
            await cluster.StopAllSilosAsync();
            await cluster.StartSiloAsync();
            await cluster.RestartClientAsync();
            var recovered = Stopwatch.StartNew();
            await WaitForSubscriptionsAsync(cluster, products);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"silo restarted with a 100 ms window; every feed had both web hosts back {recovered.Elapsed.TotalSeconds:F1} s after it was up"));
            await RunPhaseAsync("coalescing 100 ms", cluster, hosts, http, seller.AccessToken, products, rate, options.Seconds, watchers, probe,
                warmUpSeconds: 10);
        }
        catch
        {
            foreach (var host in hosts)
            {
                Console.Error.WriteLine($"--- {host.Name}\n{host.Tail(40)}");
            }

            throw;
        }
        finally
        {
            await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask()));
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    private static async Task RunPhaseAsync(string name, WindowedCluster cluster, List<ProcessHost> hosts, List<HttpClient> http, string token,
        List<string> products, int rate, int seconds, double watchers, Probe probe, int warmUpSeconds)
    {
        // A warm-up at the same rate (JIT, thread pools, connection pools and the heap of thousands of fresh
        // connections settle), then the measured run.
        await ChangeStockAsync(http, token, products, rate, warmUpSeconds);
        await Task.Delay(500);
        var feedsBefore = await FeedTotalsAsync(cluster, products);
        var cpuBefore = Cpu(hosts);
        probe.Start();
        var started = Stopwatch.GetTimestamp();
        var (accepted, failed) = await ChangeStockAsync(http, token, products, rate, seconds);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await Task.Delay(1_000); // what is still on its way
        var (received, latencies) = probe.Stop();
        var cpuAfter = Cpu(hosts);
        var feedsAfter = await FeedTotalsAsync(cluster, products);
        var published = feedsAfter.EventsIn - feedsBefore.EventsIn;
        var pushes = feedsAfter.Pushes - feedsBefore.Pushes;
        var dropped = feedsAfter.Dropped - feedsBefore.Dropped;
        Console.WriteLine($"--- {name}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stock changes accepted: {accepted} in {elapsed:F1} s = {accepted / elapsed:F0}/s (failed {failed})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"events received: {received} = {received / elapsed:F0}/s; {received / (accepted * watchers) * 100:F1}% of one event per change per watcher"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"latency change → client: p50 {latencies.Percentile(50):F1} ms, p99 {latencies.Percentile(99):F1} ms, max {latencies.Percentile(100):F1} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"feed grains: {published} changes in, {dropped} coalesced away, {pushes} pushes = {(published == 0 ? 0 : (double)pushes / published):F2} pushes per change ({hosts.Count} web hosts)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CPU (share of one core): silo + clients {(cpuAfter.Self - cpuBefore.Self) / elapsed * 100:F0}%, " +
            $"web hosts {(cpuAfter.Web - cpuBefore.Web) / elapsed * 100:F0}%, PostgreSQL {(cpuAfter.Postgres - cpuBefore.Postgres) / elapsed * 100:F1}%"));
    }

    /// <summary>Sets a product's stock every 1/rate seconds, round-robin over products and web hosts; answers accepted and failed.</summary>
    private static async Task<(int Accepted, int Failed)> ChangeStockAsync(List<HttpClient> http, string token, List<string> products, int rate, int seconds)
    {
        var accepted = 0;
        var failed = 0;
        var total = rate * seconds;
        var clock = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(64);
        var inFlight = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            await gate.WaitAsync();
            var n = i;
            inFlight.Add(Task.Run(async () =>
            {
                try
                {
                    var (status, _) = await http[n % http.Count].SendAsync(token, HttpMethod.Put, $"/api/products/{ProductFor(n, products)}/stock",
                        new { items = new[] { new { sku = "S", onHand = 500_000 + n } } });
                    Interlocked.Increment(ref (int)status is >= 200 and < 300 ? ref accepted : ref failed);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failed);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        await Task.WhenAll(inFlight);
        return (accepted, failed);
    }

    /// <summary>
    /// Which product the n-th change hits: like a sale, half of all changes go to five hot products (a fifth of the
    /// rate each), the other half spread over the rest — where the coalescing window has something to merge.
    /// </summary>
    private static string ProductFor(int n, List<string> products)
    {
        var hot = Math.Min(HotProducts, products.Count);
        return n % 2 == 0 || hot == products.Count ? products[n / 2 % hot] : products[hot + n / 2 % (products.Count - hot)];
    }

    private static async Task<HubConnection> ConnectAsync(ProcessHost host, HttpClient http, string productId, Probe probe)
    {
        var guest = await (await http.PostAsync("/api/auth/guest", null)).ReadJsonAsync();
        var token = guest.GetProperty("accessToken").GetString();
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(host.BaseAddress, "/hubs/market"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult(token);
            })
            .Build();
        connection.On<JsonElement>("StockChanged", probe.Record);
        await connection.StartAsync();
        await connection.InvokeAsync("WatchProduct", productId);
        return connection;
    }

    private static async Task WaitForSubscriptionsAsync(WindowedCluster cluster, List<string> products)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var stats = await Task.WhenAll(products.Select(p => cluster.Client.GetGrain<IFeedGrain>(FeedTopics.Product(p)).GetStatistics()));
            if (stats.All(s => s.Subscribers == WebHosts))
            {
                return;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("The web hosts did not subscribe again within 60 s.");
    }

    private static async Task<(long EventsIn, long Pushes, long Dropped)> FeedTotalsAsync(WindowedCluster cluster, List<string> products)
    {
        var stats = await Task.WhenAll(products.Select(p => cluster.Client.GetGrain<IFeedGrain>(FeedTopics.Product(p)).GetStatistics()));
        return (stats.Sum(s => s.EventsIn), stats.Sum(s => s.Pushes), stats.Sum(s => s.EventsDropped));
    }

    private static (double Self, double Web, double Postgres) Cpu(List<ProcessHost> hosts)
    {
        var ids = hosts.Select(h => h.Id).ToHashSet();
        return (CpuTime.Self, CpuTime.Of(p => ids.Contains(p.Id)), CpuTime.Postgres());
    }

    /// <summary>A test cluster whose silos take the coalescing window from <see cref="Window"/> when they start.</summary>
    private sealed class WindowedCluster : MarketplaceCluster
    {
        public TimeSpan Window { get; set; }

        protected override IEnumerable<KeyValuePair<string, string?>> SiloSettings =>
            [new("Realtime:CoalesceWindow", Window.ToString("c", CultureInfo.InvariantCulture))];
    }

    /// <summary>Counts stock events and their latency (event time → now) while a run is measured.</summary>
    private sealed class Probe
    {
        private readonly Lock gate = new();
        private Latencies latencies = new();
        private long received;
        private volatile bool measuring;

        public void Start()
        {
            lock (gate)
            {
                latencies = new Latencies();
                received = 0;
                measuring = true;
            }
        }

        public (long Received, Latencies Latencies) Stop()
        {
            lock (gate)
            {
                measuring = false;
                return (received, latencies);
            }
        }

        public void Record(JsonElement payload)
        {
            if (!measuring)
            {
                return;
            }

            var ticks = (long)((DateTimeOffset.UtcNow - payload.GetProperty("at").GetDateTimeOffset()).TotalSeconds * Stopwatch.Frequency);
            lock (gate)
            {
                received++;
                latencies.Add(ticks);
            }
        }
    }
}
