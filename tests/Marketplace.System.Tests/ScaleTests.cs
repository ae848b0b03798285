using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Testing;

namespace Marketplace.System.Tests;

/// <summary>
/// Scaling the silo cluster in and out under continuous traffic, as an operator does on Kubernetes: a third silo joins
/// (new activations land on it, no request fails), one silo leaves on SIGTERM (no request fails, its grains come back
/// elsewhere), one is killed with SIGKILL (requests may fail only until the cluster declares it dead, then recover).
/// Afterwards every answered checkout's order exists and settles, and no stock unit appeared or vanished (DESIGN §4).
/// Prints requests sent and failed per step and the recovery time.
/// </summary>
public sealed class ScaleTests(ITestOutputHelper output)
{
    private const int Shoppers = 8;
    private const int Products = 6;
    private const int StockPerProduct = 100_000;
    private static readonly TimeSpan PaymentTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Silos_join_leave_and_die_under_traffic_without_losing_requests_or_data()
    {
        await using var database = await TestDatabase.CreateAsync("scale");
        await using var cluster = await ProcessCluster.StartAsync("scale", database.ConnectionString,
            siloSettings: new Dictionary<string, string> { ["Orders__PaymentTimeout"] = PaymentTimeout.ToString() });
        var silos = new List<ProcessHost> { cluster.StartSilo("silo-1"), cluster.StartSilo("silo-2") };
        var web = cluster.StartWebHost("web-1", new Dictionary<string, string>
        {
            ["MARKETPLACE_ADMIN_EMAIL"] = TestSecrets.AdminEmail,
            ["MARKETPLACE_ADMIN_PASSWORD"] = TestSecrets.AdminPassword,
            ["Auth__RequireTwoFactorForAdmins"] = "false",
        });
        await ProcessCluster.WaitReadyAsync([.. silos, web]);
        await RunAsync(database, cluster, silos, web);
    }

    private async Task RunAsync(TestDatabase database, ProcessCluster cluster, List<ProcessHost> silos, ProcessHost web)
    {
        using var http = new HttpClient { BaseAddress = web.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var (products, tokens) = await ProcessCluster.OpenShopAsync(http, Products, StockPerProduct, Shoppers);

        var admin = await http.LoginAsync(TestSecrets.AdminEmail, TestSecrets.AdminPassword);
        var traffic = new Traffic();
        using var stop = new CancellationTokenSource();
        var load = tokens.Select((token, n) => Task.Run(() => ShopAsync(web.BaseAddress, token, n, products, traffic, stop.Token))).ToList();

        traffic.Step = "2 silos";
        await Task.Delay(TimeSpan.FromSeconds(6));

        // Scale out: a third silo joins and takes new activations.
        traffic.Step = "3rd silo joins";
        var third = cluster.StartSilo("silo-3");
        silos.Add(third);
        await ProcessCluster.WaitReadyAsync(third);
        await Task.Delay(TimeSpan.FromSeconds(8));
        var members = await ClusterAsync(http, admin);
        var joined = members.Single(s => s.Name == "silo-3");
        output.WriteLine($"after the join: {string.Join(", ", members.Select(s => $"{s.Name} {s.Status} {s.Activations} activations"))}");
        Assert.Equal("active", joined.Status);
        Assert.True(joined.Activations > 0, "the new silo received no activations");

        // Scale in: SIGTERM, the way Kubernetes stops a pod. The silo leaves cleanly; its grains reactivate elsewhere.
        traffic.Step = "silo-1 stops (SIGTERM)";
        var leaving = Stopwatch.StartNew();
        await silos[0].StopAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"silo-1 exited {leaving.Elapsed.TotalSeconds:F1} s after SIGTERM");
        await Task.Delay(TimeSpan.FromSeconds(8));
        Assert.DoesNotContain(await ClusterAsync(http, admin), s => s.Name == "silo-1");

        // A crash: SIGKILL. Calls to its grains fail until the others declare it dead, then the grains come back.
        traffic.Step = "silo-2 killed (SIGKILL)";
        var killedAt = DateTimeOffset.UtcNow;
        await silos[1].KillAsync();
        await Task.Delay(TimeSpan.FromSeconds(20));
        traffic.Step = "after recovery";
        await Task.Delay(TimeSpan.FromSeconds(6));
        await stop.CancelAsync();
        await Task.WhenAll(load);

        // A request the killed silo was handling when it died gets no answer: the web host's Orleans response timeout
        // (10 s) ends it. Requests sent afterwards fail only until the silo is declared dead.
        var (ended, sent) = traffic.LastFailure("silo-2 killed (SIGKILL)", "after recovery");
        var recovery = ended is { } end ? end - killedAt : TimeSpan.Zero;
        var window = sent is { } start ? start - killedAt : TimeSpan.Zero;
        foreach (var line in traffic.Report())
        {
            output.WriteLine(line);
        }

        output.WriteLine($"after SIGKILL: the last failed request was sent {window.TotalSeconds:F1} s and ended {recovery.TotalSeconds:F1} s after the kill " +
                         "(recovery time; 0 = none failed)");
        Assert.True(traffic.Sent("2 silos") > 50, "too little traffic to say anything");
        Assert.Equal(0, traffic.Failed("2 silos"));
        Assert.True(traffic.Failed("3rd silo joins") == 0, traffic.Failures("3rd silo joins"));
        Assert.True(traffic.Failed("silo-1 stops (SIGTERM)") == 0, traffic.Failures("silo-1 stops (SIGTERM)"));
        Assert.True(window <= TimeSpan.FromSeconds(10), $"requests sent {window.TotalSeconds:F1} s after the kill still failed: " + traffic.Failures("silo-2 killed (SIGKILL)"));
        // In-flight requests end at the 10 s response timeout, which Orleans checks about once a second.
        Assert.True(recovery <= TimeSpan.FromSeconds(13), $"requests failed until {recovery.TotalSeconds:F1} s after the kill: " + traffic.Failures("silo-2 killed (SIGKILL)"));
        Assert.True(traffic.Failed("after recovery") == 0, traffic.Failures("after recovery"));
        Assert.True(traffic.Sent("after recovery") > 20, "traffic did not resume after the kill");

        // The silo's own figures: served in Prometheus text with the business counters.
        using var scraper = new HttpClient();
        var metrics = await scraper.GetStringAsync(new Uri(third.BaseAddress, "/metrics"));
        Assert.Matches(@"(?m)^marketplace_checkouts_total\{[^}]*outcome=""placed""[^}]*\} [1-9]", metrics);
        Assert.Matches(@"(?m)^orleans_[a-z_]+", metrics);

        await AssertNothingLostAsync(database, http, traffic);
    }

    /// <summary>§4.1 and §4.2: every answered checkout's order exists and settles; units are conserved.</summary>
    private async Task AssertNothingLostAsync(TestDatabase database, HttpClient http, Traffic traffic)
    {
        var orders = traffic.Orders.ToDictionary(o => o.OrderId, o => o.Token, StringComparer.Ordinal);
        Assert.True(orders.Count > 20, $"only {orders.Count} orders were placed");
        var unsettled = orders.Count;
        var deadline = DateTime.UtcNow + PaymentTimeout + TimeSpan.FromSeconds(150);
        while (unsettled > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            unsettled = orders.Count - (int)await database.ScalarAsync<long>(
                "SELECT count(*) FROM order_listings WHERE order_id = ANY(@ids) AND status = ANY(@settled)",
                ("ids", orders.Keys.ToArray()), ("settled", ProcessCluster.Settled));
        }

        Assert.True(unsettled == 0, $"{unsettled} of {orders.Count} answered orders did not settle");
        foreach (var (orderId, token) in orders.Take(50))
        {
            var view = await http.SendAsync(token, HttpMethod.Get, $"/api/orders/{orderId}");
            Assert.Equal(HttpStatusCode.OK, view.Status);
            Assert.Contains(view.Json.GetProperty("status").GetString(), ProcessCluster.Settled);
        }

        Assert.Equal(0L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM inventory_skus WHERE on_hand + sold <> initial_stock + adjustments OR on_hand < reserved"));

        var released = await CheckoutLoad.AssertReleasedAsync(database, within: TimeSpan.FromSeconds(150));
        output.WriteLine($"checked: {orders.Count} answered orders all settled, their units released " +
                         $"({released.TotalSeconds:F0} s after settling); units conserved on {Products} SKUs");
    }

    /// <summary>One shopper: look at a product, add it, and check out every third round, until told to stop.</summary>
    private static async Task ShopAsync(Uri baseAddress, string token, int shopper, List<string> products, Traffic traffic, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var random = new Random(shopper);
        for (var round = 0; round < 100_000 && !stop.IsCancellationRequested; round++)
        {
            var productId = products[random.Next(products.Count)];
            await traffic.SendAsync(http, token, HttpMethod.Get, $"/api/products/{productId}");
            await traffic.SendAsync(http, token, HttpMethod.Post, "/api/cart/items", new { productId, sku = "A", quantity = 1 });
            if (round % 3 == 2)
            {
                var checkout = await traffic.SendAsync(http, token, HttpMethod.Post, "/api/cart/checkout",
                    new { shippingAddress = ProcessCluster.Address }, $"scale-{shopper}-{round}");
                if (checkout is { Status: HttpStatusCode.Created } placed)
                {
                    foreach (var order in placed.Json.GetProperty("orders").EnumerateArray())
                    {
                        traffic.Orders.Add((order.GetProperty("orderId").GetString()!, token));
                    }
                }
            }
        }
    }

    private static async Task<List<(string Name, string Status, int Activations)>> ClusterAsync(HttpClient http, string adminToken)
    {
        var (status, json) = await http.SendAsync(adminToken, HttpMethod.Get, "/api/admin/cluster");
        Assert.Equal(HttpStatusCode.OK, status);
        return json.GetProperty("silos").EnumerateArray()
            .Select(s => (s.GetProperty("siloName").GetString()!, s.GetProperty("status").GetString()!, s.GetProperty("activations").GetInt32()))
            .ToList();
    }

    /// <summary>
    /// Every request of the load, by the step it was sent in. A failure is a 5xx or no answer; a 4xx is a refusal. A
    /// request whose answer was lost with a silo and that the web host asked again counts as slow, not failed.
    /// </summary>
    private sealed class Traffic
    {
        private readonly ConcurrentQueue<(string Step, DateTimeOffset Start, DateTimeOffset End, string? Failure, bool Refused)> requests = new();

        public volatile string Step = "";

        public ConcurrentBag<(string OrderId, string Token)> Orders { get; } = [];

        public async Task<(HttpStatusCode Status, JsonElement Json)?> SendAsync(
            HttpClient http, string token, HttpMethod method, string path, object? body = null, string? key = null)
        {
            var step = Step;
            var start = DateTimeOffset.UtcNow;
            try
            {
                var answer = await http.SendAsync(token, method, path, body, key);
                var failed = (int)answer.Status >= 500;
                requests.Enqueue((step, start, DateTimeOffset.UtcNow, failed ? $"{method} {path}: {(int)answer.Status} {answer.Json}" : null,
                    (int)answer.Status is >= 400 and < 500));
                return failed ? null : answer;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                requests.Enqueue((step, start, DateTimeOffset.UtcNow, $"{method} {path}: {e.GetType().Name} {e.Message}", false));
                return null;
            }
        }

        public int Sent(string step) => requests.Count(r => r.Step == step);

        public int Failed(string step) => requests.Count(r => r.Step == step && r.Failure is not null);

        public string Failures(string step) =>
            string.Join("\n", requests.Where(r => r.Step == step && r.Failure is not null).Take(10)
                .Select(r => $"sent {r.Start:HH:mm:ss.fff} ended {r.End:HH:mm:ss.fff} {r.Failure}"));

        /// <summary>When the last failed request ended, and when the last one that failed had been sent.</summary>
        public (DateTimeOffset? Ended, DateTimeOffset? Sent) LastFailure(params string[] steps)
        {
            var failed = requests.Where(r => steps.Contains(r.Step) && r.Failure is not null).ToList();
            return failed.Count == 0 ? (null, null) : (failed.Max(r => r.End), failed.Max(r => r.Start));
        }

        public IEnumerable<string> Report() => requests.GroupBy(r => r.Step).Select(g =>
            $"{g.Key}: {g.Count()} requests, {g.Count(r => r.Failure is not null)} failed, {g.Count(r => r.Refused)} refused (4xx), " +
            $"{g.Count() / Math.Max(0.001, (g.Max(r => r.End) - g.Min(r => r.End)).TotalSeconds):F0}/s, " +
            $"slowest {g.Max(r => r.End - r.Start).TotalSeconds:F1} s");
    }
}
