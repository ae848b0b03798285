using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Marketplace.Testing;

namespace Marketplace.System.Tests;

/// <summary>
/// Shoppers buying without pause through the HTTP API while a crash test breaks things: each adds to its cart, checks
/// out (asking again with the same key through failures), opens the payment, then pays on the sandbox's page (3 in 4),
/// declines, or walks away. With <see cref="LoadStore"/> some enter the store's coupon (limited in uses) before checking
/// out, and the store ships some paid orders whose buyers then return a unit, which the store approves. Afterwards
/// <see cref="AssertSettledAsync"/>, <see cref="AssertUnitsConservedAsync"/> and <see cref="AssertLedgerHoldsAsync"/>
/// check DESIGN §4.1–2 and the ledger from the database.
/// </summary>
internal sealed class CheckoutLoad
{
    private readonly CancellationTokenSource stop = new();
    private readonly List<Task> shoppers;
    private readonly ConcurrentQueue<(string OrderId, string Token)> paidOrders = new();

    private CheckoutLoad(Uri baseAddress, IReadOnlyList<string> tokens, IReadOnlyList<string> products, LoadStore? store)
    {
        shoppers = [.. tokens.Select((token, shopper) => Task.Run(() => ShopAsync(baseAddress, token, shopper, products, store)))];
        if (store is not null)
        {
            shoppers.Add(Task.Run(() => ReturnsAsync(baseAddress, store)));
        }
    }

    /// <summary>The store behind the load: its id, its owner's token, and the code of a coupon it offers.</summary>
    public sealed record LoadStore(string SellerId, string SellerToken, string CouponCode);

    /// <summary>Every checkout answered 201, by its Idempotency-Key: the shopper's token and the answer's body.</summary>
    public ConcurrentDictionary<string, (string Token, string Body)> Checkouts { get; } = new();

    /// <summary>How often each thing happened ("placed", "paid", "checkout 503", "request failed", …).</summary>
    public ConcurrentDictionary<string, int> Counts { get; } = new();

    /// <summary>
    /// Per shopper ("crash-{n}"), how many checkouts its cart decided (answered or refused as a whole: both are
    /// remembered), and per answered key at which of those it came: a cart remembers its last 50.
    /// </summary>
    public ConcurrentDictionary<string, int> Decided { get; } = new();

    public string Summary => string.Join(", ", Counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"));

    public static CheckoutLoad Start(Uri baseAddress, IReadOnlyList<string> tokens, IReadOnlyList<string> products, LoadStore? store = null) =>
        new(baseAddress, tokens, products, store);

    /// <summary>
    /// The settings of an installation of <c>up</c> that takes this load: the fast sandbox, unpaid orders that expire
    /// after <paramref name="paymentTimeout"/>, no rate limits, and sellers who open their store through the API
    /// without reading their verification email.
    /// </summary>
    public static Dictionary<string, string> UpSettings(TimeSpan paymentTimeout) => new(MarketplaceCluster.FastSandbox)
    {
        ["Orders__PaymentTimeout"] = paymentTimeout.ToString(),
        ["Orders__ConfirmationTimeout"] = paymentTimeout.ToString(),
        ["Orders__RetryDelay"] = "00:00:01",
        ["MARKETPLACE_RATE_LIMITS"] = "off",
        ["Auth__SellersMustVerifyEmail"] = "false",
    };

    /// <summary>Waits while <paramref name="condition"/> holds, at most <paramref name="timeout"/>.</summary>
    public static async Task WhileAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (condition() && deadline.Elapsed < timeout)
        {
            await Task.Delay(100);
        }
    }

    public int Count(string what) => Counts.GetValueOrDefault(what);

    /// <summary>The ids of the orders of every answered checkout.</summary>
    public HashSet<string> OrderIds() => Checkouts.Values
        .SelectMany(c => JsonDocument.Parse(c.Body).RootElement.GetProperty("orders").EnumerateArray().Select(o => o.GetProperty("orderId").GetString()!))
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>Tells the shoppers to stop and waits until each finished its round.</summary>
    public async Task StopAsync()
    {
        await stop.CancelAsync();
        await Task.WhenAll(shoppers);
        stop.Dispose();
    }

    /// <summary>
    /// §4.2: every answered order reaches a status nothing moves on from by itself (unpaid ones expire after
    /// <paramref name="paymentTimeout"/>, or at the latest when the order sweeper's reminder comes a minute later).
    /// </summary>
    public static async Task AssertSettledAsync(TestDatabase database, IReadOnlyCollection<string> orderIds, TimeSpan paymentTimeout)
    {
        var unsettled = orderIds.Count;
        var deadline = DateTime.UtcNow + paymentTimeout + TimeSpan.FromSeconds(150);
        while (unsettled > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            unsettled = orderIds.Count - (int)await database.ScalarAsync<long>(
                "SELECT count(*) FROM order_listings WHERE order_id = ANY(@ids) AND status = ANY(@settled)",
                ("ids", orderIds.ToArray()), ("settled", ProcessCluster.Settled));
        }

        Assert.True(unsettled == 0, $"{unsettled} of {orderIds.Count} answered orders did not settle: " + await database.ScalarAsync<string>(
            "SELECT string_agg(order_id || ' ' || status, ', ') FROM order_listings WHERE order_id = ANY(@ids) AND NOT status = ANY(@settled)",
            ("ids", orderIds.ToArray()), ("settled", ProcessCluster.Settled)));
    }

    /// <summary>
    /// §4.1: units conserved; every sold unit belongs to a paid order and was not returned since (a return takes units
    /// out of sold: back on hand, or written off as an adjustment); nothing held for a finished order (once the releases
    /// under way are done).
    /// </summary>
    public static async Task AssertUnitsConservedAsync(TestDatabase database)
    {
        Assert.Equal(0L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM inventory_skus WHERE on_hand + sold <> initial_stock + adjustments OR on_hand < reserved"));
        Assert.Equal(0L, await database.ScalarAsync<long>("""
            SELECT count(*) FROM inventory_skus s
            WHERE s.sold <> (SELECT coalesce(sum(quantity), 0) FROM inventory_reservations r WHERE r.sku_id = s.sku_id AND r.status = 'committed')
                           - (SELECT coalesce(sum(returned), 0) FROM inventory_adjustments a WHERE a.sku_id = s.sku_id)
            """));
        var committedWithoutPayment = await database.ScalarAsync<string>("""
            SELECT string_agg(r.order_id || ' (' || coalesce(o.status, 'no listing') || ', placed ' || coalesce(to_char(o.placed_at, 'HH24:MI:SS.MS'), '?')
                              || ', updated ' || coalesce(to_char(o.updated_at, 'HH24:MI:SS.MS'), '?') || ')', ', ')
            FROM inventory_reservations r LEFT JOIN order_listings o USING (order_id)
            WHERE r.status = 'committed' AND o.paid_at IS NULL
            """);
        Assert.Null(committedWithoutPayment);
        var paidWithoutUnits = await database.ScalarAsync<string>("""
            SELECT string_agg(o.order_id, ', ') FROM order_listings o JOIN order_listing_lines l USING (order_id)
            LEFT JOIN inventory_reservations r ON r.order_id = o.order_id AND r.sku_id = l.product_id || '/' || l.sku AND r.status = 'committed'
            WHERE o.paid_at IS NOT NULL AND o.status <> 'refunded' AND (r.quantity IS NULL OR r.quantity <> l.quantity)
            """);
        Assert.Null(paidWithoutUnits);

        await AssertReleasedAsync(database, within: TimeSpan.FromSeconds(90));
    }

    /// <summary>
    /// The ledger's invariants, read from the database as the admin's check reads them: every captured unit allocated
    /// once, refunds reversing allocations, no store account below zero.
    /// </summary>
    public static async Task AssertLedgerHoldsAsync(TestDatabase database)
    {
        var check = await new Marketplace.Web.Finance.LedgerQueries(database.DataSource).CheckAsync();
        Assert.True(check.Ok, "ledger: " + string.Join("; ", check.Violations.Select(v => $"{v.Rule} {v.OrderId ?? v.SellerId}: {v.Detail}")));
        Assert.True(check.Checked > 0, "the ledger check found no paid order to check");
    }

    /// <summary>
    /// No unit is held for a finished order, once the releases under way are done (waiting at most
    /// <paramref name="within"/>): a finished order gives its units back as an effect after its status is stored, and
    /// one whose release was cut off by a crash finishes it on its retry or from its reminder. Answers how long it took.
    /// </summary>
    public static async Task<TimeSpan> AssertReleasedAsync(TestDatabase database, TimeSpan within)
    {
        const string HeldForFinished = """
            SELECT string_agg(r.order_id || ' ' || o.status, ', ') FROM inventory_reservations r JOIN order_listings o USING (order_id)
            WHERE r.status = 'held' AND o.status = ANY(@settled)
            """;
        var released = Stopwatch.StartNew();
        var held = await database.ScalarAsync<string>(HeldForFinished, ("settled", ProcessCluster.Settled));
        while (held is not null && released.Elapsed < within)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            held = await database.ScalarAsync<string>(HeldForFinished, ("settled", ProcessCluster.Settled));
        }

        Assert.True(held is null, "units still held for finished orders: " + held);
        return released.Elapsed;
    }

    private async Task ShopAsync(Uri baseAddress, string token, int shopper, IReadOnlyList<string> products, LoadStore? store)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(20) };
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(20) };
        var random = new Random(shopper);
        void Count(string what) => Counts.AddOrUpdate(what, 1, (_, n) => n + 1);
        for (var round = 0; round < 5_000 && !stop.IsCancellationRequested; round++)
        {
            try
            {
                var added = await http.SendAsync(token, HttpMethod.Post, "/api/cart/items",
                    new { productId = products[random.Next(products.Count)], sku = "A", quantity = 1 + random.Next(2) });
                if (added.Status != HttpStatusCode.OK)
                {
                    Count("add failed");
                    continue;
                }

                if (store is not null && random.Next(3) == 0)
                {
                    var entered = await http.SendAsync(token, HttpMethod.Post, "/api/cart/coupons", new { sellerId = store.SellerId, code = store.CouponCode });
                    Count(entered.Status == HttpStatusCode.OK ? "coupon entered" : $"coupon {(int)entered.Status}");
                }

                var key = $"crash-{shopper}-{round}";
                (HttpStatusCode Status, JsonElement Json) checkout = default;
                for (var attempt = 0; attempt < 10; attempt++)
                {
                    checkout = await TrySendAsync(http, token, HttpMethod.Post, "/api/cart/checkout", new { shippingAddress = ProcessCluster.Address }, key);
                    if ((int)checkout.Status < 500)
                    {
                        break;
                    }

                    Count("checkout retried");
                    await Task.Delay(500);
                }

                if (checkout.Status == HttpStatusCode.Created
                    || (checkout.Status == HttpStatusCode.Conflict && checkout.Json.TryGetProperty("refused", out _)))
                {
                    Decided[key] = Decided.AddOrUpdate($"crash-{shopper}", 1, (_, n) => n + 1);
                }

                if (checkout.Status != HttpStatusCode.Created)
                {
                    Count($"checkout {(int)checkout.Status}");
                    // Whatever stayed in the cart goes, so the next round starts clean.
                    var cart = await http.SendAsync(token, HttpMethod.Get, "/api/cart");
                    foreach (var line in cart.Json.GetProperty("sellers").EnumerateArray().SelectMany(s => s.GetProperty("lines").EnumerateArray()))
                    {
                        await http.SendAsync(token, HttpMethod.Delete,
                            $"/api/cart/items/{line.GetProperty("productId").GetString()}/{line.GetProperty("sku").GetString()}");
                    }

                    continue;
                }

                Checkouts[key] = (token, checkout.Json.GetRawText());
                Count("placed");
                var orderId = checkout.Json.GetProperty("orders")[0].GetProperty("orderId").GetString();
                var choice = random.Next(8);
                if (choice == 0)
                {
                    Count("abandoned");
                    continue;
                }

                var pay = await http.SendAsync(token, HttpMethod.Post, $"/api/orders/{orderId}/pay");
                if (pay.Status != HttpStatusCode.OK)
                {
                    Count($"pay {(int)pay.Status}");
                    continue;
                }

                using var page = await browser.PostAsync(pay.Json.GetProperty("redirectUrl").GetString(),
                    new FormUrlEncodedContent([new("outcome", choice == 1 ? "declined" : "succeeded")]), stop.Token);
                Count(choice == 1 ? "declined" : "paid");
                if (store is not null && choice == 2)
                {
                    paidOrders.Enqueue((orderId!, token));
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException)
            {
                Count("request failed");
            }
        }
    }

    /// <summary>
    /// The store ships paid orders as they come; when the carrier delivered one, its buyer returns a unit and the store
    /// approves (the carrier then brings it back, and the refund and the unit follow). One order at a time, each step
    /// bounded, until the load stops.
    /// </summary>
    private async Task ReturnsAsync(Uri baseAddress, LoadStore store)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(20) };
        void Count(string what) => Counts.AddOrUpdate(what, 1, (_, n) => n + 1);
        async Task<bool> UntilAsync(Func<Task<bool>> done)
        {
            for (var i = 0; i < 50 && !stop.IsCancellationRequested; i++)
            {
                if (await done())
                {
                    return true;
                }

                await Task.Delay(300);
            }

            return false;
        }

        while (!stop.IsCancellationRequested)
        {
            if (!paidOrders.TryDequeue(out var paid))
            {
                await Task.Delay(200);
                continue;
            }

            try
            {
                if (!await UntilAsync(async () => (await TrySendAsync(http, store.SellerToken, HttpMethod.Post, $"/api/orders/{paid.OrderId}/ship", null, null)).Status == HttpStatusCode.OK))
                {
                    Count("ship gave up");
                    continue;
                }

                Count("shipped");
                if (!await UntilAsync(async () => await TrySendAsync(http, paid.Token, HttpMethod.Get, $"/api/orders/{paid.OrderId}", null, null) is
                        { Status: HttpStatusCode.OK } order && order.Json.GetProperty("status").GetString() == "delivered"))
                {
                    continue;
                }

                var asked = await TrySendAsync(http, paid.Token, HttpMethod.Post, $"/api/orders/{paid.OrderId}/returns",
                    new { lines = new[] { new { sku = "A", quantity = 1 } }, reason = "Crash test return" }, null);
                if (asked.Status != HttpStatusCode.Created)
                {
                    Count($"return {(int)asked.Status}");
                    continue;
                }

                Count("return requested");
                if (await UntilAsync(async () => (await TrySendAsync(http, store.SellerToken, HttpMethod.Post,
                        $"/api/orders/{paid.OrderId}/returns/r1/approve", new { }, null)).Status == HttpStatusCode.OK))
                {
                    Count("return approved");
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException)
            {
                Count("return step failed");
            }
        }
    }

    /// <summary>
    /// Every approved return was brought back, refunded and its units taken back (the carrier delivers within seconds;
    /// the effects follow, retried until done).
    /// </summary>
    public static async Task AssertReturnsSettledAsync(TestDatabase database)
    {
        const string open = """
            SELECT count(*) FROM grain_states s, jsonb_array_elements(s.payload::jsonb -> 'Returns') r
            WHERE s.grain_type = 'order'
              AND (r ->> 'Status' = 'approved' OR (r ->> 'StockPending')::boolean
                   OR (r ->> 'Refund' IS NOT NULL AND NOT (r ->> 'RefundQueued')::boolean)
                   OR EXISTS (SELECT 1 FROM jsonb_array_elements(s.payload::jsonb -> 'Payments') p WHERE (p ->> 'RefundDue')::bigint > 0))
            """;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await database.ScalarAsync<long>(open) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "Returns are still open a minute after the load stopped.");
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>
    /// Coupons under the crash: the store's coupon was kept by exactly the paid orders that carry its discount, and its
    /// uses (kept and still held) never passed its limit.
    /// </summary>
    public static async Task AssertCouponCountedAsync(TestDatabase database, HttpClient http, LoadStore store, int maxUses)
    {
        var coupons = await http.SendAsync(store.SellerToken, HttpMethod.Get, "/api/seller/coupons");
        var coupon = coupons.Json.EnumerateArray().Single(c => c.GetProperty("code").GetString() == store.CouponCode);
        var paidWithDiscount = await database.ScalarAsync<long>(
            "SELECT count(*) FROM order_listings WHERE seller_id = @s AND discount > 0 AND paid_at IS NOT NULL", ("s", store.SellerId));
        Assert.Equal(paidWithDiscount, coupon.GetProperty("used").GetInt32());
        Assert.True(coupon.GetProperty("used").GetInt32() + coupon.GetProperty("held").GetInt32() <= maxUses, coupon.ToString());
    }

    private static async Task<(HttpStatusCode Status, JsonElement Json)> TrySendAsync(
        HttpClient http, string token, HttpMethod method, string path, object? body, string? key)
    {
        try
        {
            return await http.SendAsync(token, method, path, body, key);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (HttpStatusCode.ServiceUnavailable, default);
        }
    }
}
