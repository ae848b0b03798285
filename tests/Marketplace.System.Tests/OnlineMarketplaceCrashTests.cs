using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.Testing;

namespace Marketplace.System.Tests;

/// <summary>
/// The Online Marketplace module across a silo crash: two silo processes and a web host with the module on, benchmark
/// customer sessions and delivery steps running while one silo is killed with SIGKILL and another started. A client
/// retries a checkout with the same transaction id until it is answered, as the benchmark's driver does. Afterwards:
/// every answered checkout answers the same orders again and changes nothing, each of its orders was paid once and is
/// shipped or delivered, units are conserved, and the dashboards list exactly the shipped orders.
/// </summary>
public sealed class OnlineMarketplaceCrashTests(ITestOutputHelper output)
{
    private const int Sellers = 10;
    private const int ProductsPerSeller = 5;
    private const int Customers = 10;
    private const int Stock = 1_000;

    [Fact]
    public async Task Killing_a_silo_under_benchmark_sessions_loses_no_checkout_and_buys_nothing_twice()
    {
        await using var database = await TestDatabase.CreateAsync("omcrash");
        var module = new Dictionary<string, string> { ["OnlineMarketplace__Enabled"] = "true" };
        await using var cluster = await ProcessCluster.StartAsync("omcrash", database.ConnectionString, MarketplaceCluster.BenchmarkSandbox, module);
        var silos = new List<ProcessHost> { cluster.StartSilo("silo-1"), cluster.StartSilo("silo-2") };
        var web = cluster.StartWebHost("web-1", module);
        await ProcessCluster.WaitReadyAsync([.. silos, web]);
        using var http = new HttpClient { BaseAddress = new Uri(web.BaseAddress, "/om/"), Timeout = TimeSpan.FromSeconds(30) };
        await IngestAsync(http);

        var answered = new ConcurrentDictionary<string, (int Customer, string Body, string[] Orders)>();
        var retries = 0;
        using var stop = new CancellationTokenSource();
        var sessions = Enumerable.Range(1, Customers).Select(customer => Task.Run(async () =>
        {
            var random = new Random(customer);
            for (var session = 0; !stop.IsCancellationRequested; session++)
            {
                var instanceId = $"{customer}-{session}";
                for (var item = 0; item < 3; item++)
                {
                    var (seller, product) = (random.Next(1, Sellers + 1), random.Next(1, ProductsPerSeller + 1));
                    await UntilAnsweredAsync(() => SendAsync(http, HttpMethod.Patch, $"cart/{customer}/add", JsonSerializer.Serialize(new
                    {
                        SellerId = seller, ProductId = product, ProductName = "p", UnitPrice = 10m, FreightValue = 1m,
                        Quantity = random.Next(1, 4), Voucher = 0m, Version = "0",
                    })), () => Interlocked.Increment(ref retries));
                }

                var body = CheckoutBody(customer, instanceId);
                var answer = await UntilAnsweredAsync(() => SendAsync(http, HttpMethod.Post, $"cart/{customer}/checkout", body),
                    () => Interlocked.Increment(ref retries));
                answered[instanceId] = (customer, body, OrderIds(answer));
            }
        })).ToList();
        var deliveries = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var _ = await SendAsync(http, HttpMethod.Patch, $"shipment/{Guid.NewGuid():N}", null);
                await Task.Delay(100);
            }
        });

        await Task.Delay(TimeSpan.FromSeconds(6));
        await silos[0].KillAsync();
        output.WriteLine($"killed silo-1 (SIGKILL) after {answered.Count} answered checkouts");
        silos.Add(cluster.StartSilo("silo-3"));
        await ProcessCluster.WaitReadyAsync(silos[^1]);
        await Task.Delay(TimeSpan.FromSeconds(8));
        await stop.CancelAsync();
        await Task.WhenAll([.. sessions, deliveries]);
        output.WriteLine($"{answered.Count} checkouts answered, {retries} requests asked again");
        Assert.True(answered.Count > 20, $"only {answered.Count} checkouts were answered");

        // Replays answer the same orders and change nothing.
        var before = await EffectsAsync(database);
        foreach (var (instanceId, (customer, body, orders)) in answered)
        {
            using var replay = await SendAsync(http, HttpMethod.Post, $"cart/{customer}/checkout", body);
            Assert.True(replay.IsSuccessStatusCode, $"replay of {instanceId}: {(int)replay.StatusCode}");
            Assert.Equal(orders.Order(), OrderIds(await replay.Content.ReadAsStringAsync()).Order());
        }

        Assert.Equal(before, await EffectsAsync(database));

        // Every order of an answered checkout was paid (once) and shipped or delivered.
        var orderIds = answered.Values.SelectMany(a => a.Orders).ToArray();
        Assert.NotEmpty(orderIds);
        Assert.Equal(0L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM order_listings WHERE order_id = ANY(@ids) AND status NOT IN ('shipped', 'delivered')", ("ids", orderIds)));
        Assert.Equal((long)orderIds.Length, await database.ScalarAsync<long>(
            "SELECT count(*) FROM order_listings WHERE order_id = ANY(@ids)", ("ids", orderIds)));
        Assert.Equal(0L, await database.ScalarAsync<long>("""
            SELECT count(*) FROM grain_states s
            WHERE s.grain_type = 'order' AND (SELECT count(*) FROM jsonb_array_elements(s.payload::jsonb -> 'Payments') p
                                              WHERE p ->> 'Status' = 'succeeded') > 1
            """));

        // Units conserved; every sold unit is in a paid order; nothing held once the load stopped.
        Assert.Equal(0L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM inventory_skus WHERE on_hand + sold <> initial_stock + adjustments OR on_hand < reserved"));
        Assert.Equal(0L, await database.ScalarAsync<long>("""
            SELECT (SELECT coalesce(sum(sold), 0) FROM inventory_skus)
                 - (SELECT coalesce(sum(l.quantity), 0) FROM order_listing_lines l JOIN order_listings o USING (order_id) WHERE o.paid_at IS NOT NULL)
            """));

        // The dashboards list exactly the shipped benchmark orders.
        var listed = 0;
        for (var seller = 1; seller <= Sellers; seller++)
        {
            var dashboard = await http.GetFromJsonAsync<JsonElement>($"seller/dashboard/{seller}");
            listed += dashboard.GetProperty("sellerView").GetProperty("count_orders").GetInt32();
        }

        Assert.Equal(await database.ScalarAsync<long>(
            "SELECT count(*) FROM om_orders o JOIN order_listings l USING (order_id) WHERE l.status = 'shipped'"), listed);
        output.WriteLine($"checked: {orderIds.Length} orders of answered checkouts, {listed} still on the dashboards; " +
                         await database.ScalarAsync<string>(
                             "SELECT string_agg(status || ' ' || n, ', ' ORDER BY status) FROM (SELECT status, count(*) n FROM order_listings GROUP BY status) s"));
    }

    /// <summary>What a checkout that ran again would add to: orders, card charges kept, units sold.</summary>
    private static async Task<string?> EffectsAsync(TestDatabase database) => await database.ScalarAsync<string>("""
        SELECT (SELECT count(*) FROM order_listings) || ' orders, '
            || (SELECT count(*) FROM grain_states s, jsonb_array_elements(s.payload::jsonb -> 'Payments') p
                WHERE s.grain_type = 'order' AND p ->> 'Status' = 'succeeded') || ' payments, '
            || (SELECT coalesce(sum(sold), 0) FROM inventory_skus) || ' units sold'
        """);

    private static async Task IngestAsync(HttpClient http)
    {
        var rows = new List<(string Path, string Body)>();
        for (var s = 1; s <= Sellers; s++)
        {
            rows.Add(("seller", JsonSerializer.Serialize(new { id = s, name = $"Loja {s}", city = "São Paulo", state = "SP" })));
            for (var p = 1; p <= ProductsPerSeller; p++)
            {
                rows.Add(("product", JsonSerializer.Serialize(new
                {
                    seller_id = s, product_id = p, name = $"Produto {s}-{p}", sku = "X", category = "toys", description = "d", price = 10.5m,
                    freight_value = 1.25m, version = "0", status = "approved",
                })));
                rows.Add(("stock", JsonSerializer.Serialize(new { seller_id = s, product_id = p, qty_available = Stock, qty_reserved = 0 })));
            }
        }

        for (var c = 1; c <= Customers; c++)
        {
            rows.Add(("customer", JsonSerializer.Serialize(new { id = c, first_name = "Ana", last_name = $"C{c}", card_number = "4111111111111111", card_type = "VISA" })));
        }

        foreach (var (path, body) in rows)
        {
            using var response = await SendAsync(http, HttpMethod.Post, path, body);
            Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode}");
        }
    }

    private static string CheckoutBody(int customer, string instanceId) => JsonSerializer.Serialize(new
    {
        CustomerId = customer, FirstName = "Ana", LastName = $"C{customer}", Street = "Rua 1", Complement = "", City = "São Paulo", State = "SP",
        ZipCode = "01000000", PaymentType = "CREDIT_CARD", CardNumber = "4111111111111111", CardHolderName = "ANA", CardExpiration = "1228",
        CardSecurityNumber = "123", CardBrand = "VISA", Installments = 1, instanceId,
    });

    /// <summary>Asks until a 2xx (a lost answer or a refusal while the cluster recovers is asked again), for at most a minute.</summary>
    private static async Task<string> UntilAnsweredAsync(Func<Task<HttpResponseMessage>> send, Action retried)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            try
            {
                using var response = await send();
                if (response.IsSuccessStatusCode)
                {
                    return await response.Content.ReadAsStringAsync();
                }

                Assert.True((int)response.StatusCode >= 500, $"refused with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // no answer: ask again
            }

            Assert.True(DateTime.UtcNow < deadline, "no answer within a minute");
            retried();
            await Task.Delay(200);
        }
    }

    private static string[] OrderIds(string answer) =>
        JsonDocument.Parse(answer).RootElement.GetProperty("orderIds").EnumerateArray().Select(o => o.GetString()!).ToArray();

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string? body) =>
        http.SendAsync(new HttpRequestMessage(method, path)
        {
            Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"),
        });
}
