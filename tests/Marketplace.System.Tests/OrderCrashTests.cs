using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Grains.Common;
using Marketplace.Grains.Payments;
using Marketplace.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.System.Tests;

/// <summary>
/// DESIGN §4.1–3 across crashes: three silo processes, a web host and the sandbox under continuous checkout and payment
/// load; one silo is killed with SIGKILL (and a new one started) and PostgreSQL is restarted with
/// <c>pg_ctl -m immediate</c>. After the load stops and the orders settle, the database, the API and the sandbox must
/// agree: units conserved, every answered checkout finished, no payment kept twice, no refund above its capture, and a
/// replayed checkout answering the same orders without any new effect.
/// </summary>
public sealed class OrderCrashTests(ITestOutputHelper output)
{
    private const int Shoppers = 12;
    private const int Products = 4;
    private const int StockPerProduct = 500;
    /// <summary>Checkouts a cart remembers (<c>CartGrain.CheckoutMemory</c>).</summary>
    private const int CartGrainMemory = 50;
    private static readonly TimeSpan PaymentTimeout = TimeSpan.FromSeconds(15);
    /// <summary>Few enough that shoppers race for the coupon's last uses during the crash.</summary>
    private const int CouponUses = 25;

    [Fact]
    public async Task Killing_a_silo_and_restarting_postgres_under_checkout_load_keeps_every_invariant()
    {
        await using var database = await TestDatabase.CreateAsync("ordercrash");
        await using var cluster = await ProcessCluster.StartAsync("ordercrash", database.ConnectionString,
            new Dictionary<string, string>(MarketplaceCluster.FastSandbox)
            {
                // Webhooks delivered twice and out of order now and then, as real providers do.
                ["Sandbox__DuplicateRate"] = "0.2",
                ["Sandbox__ReorderRate"] = "0.2",
            },
            new Dictionary<string, string>
            {
                ["Orders__PaymentTimeout"] = PaymentTimeout.ToString(),
                ["Orders__ConfirmationTimeout"] = PaymentTimeout.ToString(),
                ["Orders__RetryDelay"] = "00:00:01",
            });
        var silos = Enumerable.Range(1, 3).Select(i => cluster.StartSilo($"silo-{i}")).ToList();
        var web = cluster.StartWebHost("web-1");
        await ProcessCluster.WaitReadyAsync([.. silos, web]);
        await RunAsync(database, cluster, silos, web);
    }

    private async Task RunAsync(TestDatabase database, ProcessCluster cluster, List<ProcessHost> silos, ProcessHost web)
    {
        using var http = new HttpClient { BaseAddress = web.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var shop = await ProcessCluster.OpenStoreAsync(http, Products, StockPerProduct, Shoppers);
        var (products, tokens) = (shop.Products, shop.Tokens);
        var coupon = await http.SendAsync(shop.SellerToken, HttpMethod.Post, "/api/seller/coupons",
            new { code = "CRASH10", kind = "percent", value = 10, maxUses = CouponUses });
        Assert.Equal(HttpStatusCode.Created, coupon.Status);
        var store = new CheckoutLoad.LoadStore(shop.SellerId, shop.SellerToken, "CRASH10");

        var load = CheckoutLoad.Start(web.BaseAddress, tokens, products, store);
        await Task.Delay(TimeSpan.FromSeconds(8));
        var victim = silos[1];
        await victim.KillAsync();
        output.WriteLine($"killed {victim.Name} (SIGKILL) after {load.Count("placed")} placed checkouts");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var replacement = cluster.StartSilo("silo-4");
        silos.Add(replacement);
        await ProcessCluster.WaitReadyAsync(replacement);
        await Task.Delay(TimeSpan.FromSeconds(6));
        await TestEnvironment.RestartPostgresImmediatelyAsync();
        database.DataSource.Clear(); // this test's own pooled connections died with the server
        output.WriteLine($"restarted PostgreSQL (-m immediate) after {load.Count("placed")} placed checkouts");
        await Task.Delay(TimeSpan.FromSeconds(12));
        await load.StopAsync();
        output.WriteLine("load: " + load.Summary);

        var orderIds = load.OrderIds();
        Assert.True(orderIds.Count > 20, $"only {orderIds.Count} orders were placed");
        Assert.True(load.Count("paid") > 10, $"only {load.Count("paid")} payments completed");

        // Settle: unpaid orders expire (payment timeout, then the reminder at the latest a minute later).
        await CheckoutLoad.AssertSettledAsync(database, orderIds, PaymentTimeout);

        // §4.2 through the API as well: each buyer sees its orders finished.
        var byApi = 0;
        foreach (var (_, (token, body)) in load.Checkouts)
        {
            foreach (var order in JsonDocument.Parse(body).RootElement.GetProperty("orders").EnumerateArray())
            {
                var view = await http.SendAsync(token, HttpMethod.Get, $"/api/orders/{order.GetProperty("orderId").GetString()}");
                Assert.Equal(HttpStatusCode.OK, view.Status);
                Assert.Contains(view.Json.GetProperty("status").GetString(), ProcessCluster.Settled);
                byApi++;
            }
        }

        // Returns approved during the load are received and refunded once the carrier brings them back.
        await CheckoutLoad.AssertReturnsSettledAsync(database);
        await CheckoutLoad.AssertUnitsConservedAsync(database);
        await CheckoutLoad.AssertLedgerHoldsAsync(database);
        await CheckoutLoad.AssertCouponCountedAsync(database, http, store, CouponUses);
        Assert.True(load.Count("coupon entered") > 0, load.Summary);

        // §4.3 from the orders' own state and from the provider: one kept payment per order, refunds within captures.
        var payments = await PaymentsAsync(database);
        using var providers = new ServiceCollection().AddSandboxPayments(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Payments:BaseUrl"] = cluster.Sandbox.BaseAddress.ToString(),
            ["Payments:ApiKey"] = TestSecrets.SandboxPaymentsApiKey,
        }).Build()).BuildServiceProvider();
        var gateway = providers.GetRequiredService<IPaymentGateway>();
        var kept = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (orderId, paymentId, status, paidAt) in payments)
        {
            var atProvider = await gateway.GetPaymentAsync(paymentId);
            Assert.NotNull(atProvider);
            Assert.Equal(orderId, atProvider.OrderId);
            Assert.InRange(atProvider.RefundedAmount, 0, atProvider.Amount);
            if (atProvider.Status == PaymentStatus.Succeeded && atProvider.RefundedAmount < atProvider.Amount)
            {
                kept[orderId] = kept.GetValueOrDefault(orderId) + 1;
                // Money the provider kept belongs to an order that was paid, never to an expired or cancelled one.
                Assert.True(paidAt, $"order {orderId} ({status}) keeps payment {paymentId}");
            }
        }

        Assert.All(kept, k => Assert.Equal(1, k.Value));
        Assert.Equal(0L, await database.ScalarAsync<long>("""
            SELECT count(*) FROM grain_states s, jsonb_array_elements(s.payload::jsonb -> 'Payments') p
            WHERE s.grain_type = 'order' AND ((p ->> 'RefundedAmount')::bigint > (p ->> 'Amount')::bigint OR (p ->> 'RefundDue')::bigint > 0)
            """));

        // §4.3: a checkout replayed with its key answers the same orders and changes nothing.
        var before = await FingerprintAsync(database);
        var replayed = 0;
        // The latest few of each shopper that its cart still remembers (its last 50 decided checkouts, which covers any
        // client's retries; when stock runs out, refused checkouts are remembered too and push answered ones out).
        var latest = load.Checkouts
            .GroupBy(c => c.Key[..c.Key.LastIndexOf('-')])
            .SelectMany(g => g
                .Where(c => load.Decided[g.Key] - load.Decided[c.Key] < CartGrainMemory)
                .OrderByDescending(c => int.Parse(c.Key[(c.Key.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture)).Take(3));
        foreach (var (key, (token, body)) in latest)
        {
            var replay = await http.SendAsync(token, HttpMethod.Post, "/api/cart/checkout", new { shippingAddress = ProcessCluster.Address }, key);
            Assert.True(replay.Status == HttpStatusCode.Created, $"replay of {key}: {(int)replay.Status} {replay.Json}; first answer {body}");
            Assert.Equal(OrderIdsOf(body), OrderIdsOf(replay.Json.GetRawText()));
            replayed++;
        }

        Assert.Equal(before, await FingerprintAsync(database));
        output.WriteLine($"checked: {orderIds.Count} answered orders settled ({byApi} read through the API), {payments.Count} payments at the " +
                         $"provider ({kept.Count} kept, one per paid order), {replayed} checkouts replayed without effect; " +
                         await database.ScalarAsync<string>("""
                             SELECT string_agg(status || ' ' || n, ', ' ORDER BY status) FROM (SELECT status, count(*) n FROM order_listings GROUP BY status) s
                             """) + "; units sold " + await database.ScalarAsync<long>("SELECT sum(sold)::bigint FROM inventory_skus"));
    }

    private static string OrderIdsOf(string body) => string.Join(",", JsonDocument.Parse(body).RootElement.GetProperty("orders").EnumerateArray()
        .Select(o => o.GetProperty("orderId").GetString()).Order(StringComparer.Ordinal));

    private static async Task<List<(string OrderId, string PaymentId, string Status, bool Paid)>> PaymentsAsync(TestDatabase database)
    {
        var rows = new List<(string, string, string, bool)>();
        await using var command = database.DataSource.CreateCommand("""
            SELECT o.order_id, p ->> 'PaymentId', o.status, o.paid_at IS NOT NULL
            FROM grain_states s JOIN order_listings o ON o.order_id = s.grain_key,
                 jsonb_array_elements(s.payload::jsonb -> 'Payments') p
            WHERE s.grain_type = 'order'
            """);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3)));
        }

        return rows;
    }

    /// <summary>Orders, their statuses and the units of every SKU, as one string to compare before and after.</summary>
    private static async Task<string?> FingerprintAsync(TestDatabase database) => await database.ScalarAsync<string>("""
        SELECT (SELECT count(*) FROM order_listings) || '|' ||
               (SELECT string_agg(order_id || status, ',' ORDER BY order_id) FROM order_listings) || '|' ||
               (SELECT string_agg(sku_id || ':' || on_hand || '/' || reserved || '/' || sold, ',' ORDER BY sku_id) FROM inventory_skus)
        """);
}
