using System.Net;
using Marketplace.Contracts.Cart;
using Marketplace.Contracts.Catalog;
using Marketplace.Contracts.Common;
using Marketplace.Contracts.Inventory;
using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Promotions;
using Marketplace.Testing;

namespace Marketplace.Grains.Tests;

/// <summary>
/// A cluster of three silos whose orders time out within seconds (confirmation and payment), with the real sandbox as
/// payment provider and carrier; grains land on any silo, so calls cross silos. Each step of a test finishes far inside
/// the timeouts; the timeout tests wait them out.
/// </summary>
public sealed class SagaClusterFixture : MarketplaceCluster, IAsyncLifetime
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public ValueTask InitializeAsync() => new(StartAsync("saga", siloCount: 3));

    protected override IEnumerable<KeyValuePair<string, string?>> SiloSettings =>
    [
        new("Orders:ConfirmationTimeout", Timeout.ToString()),
        new("Orders:PaymentTimeout", Timeout.ToString()),
        new("Orders:RetryDelay", "00:00:01"),
        new("Orders:NoticeFlushDelay", "00:00:05"),
    ];
}

[CollectionDefinition(Name)]
public sealed class SagaCollection : ICollectionFixture<SagaClusterFixture>
{
    public const string Name = "order saga";
}

[Collection(SagaCollection.Name)]
public sealed class OrderSagaTests(SagaClusterFixture cluster)
{
    private static readonly PostalAddress Address = new("Ana Pérez", "Av. Providencia 1234", "Santiago", "RM", "CL", "7500000", null);
    private static readonly Caller Provider = new("provider:test", CallerRoles.Provider, null);

    private IGrainFactory Grains => cluster.Client;

    [Fact]
    public async Task Two_stores_in_one_checkout_one_quoting_first_are_followed_to_delivered()
    {
        var quoting = await StoreAsync("Café Ana", requiresConfirmation: true);
        var direct = await StoreAsync("Té Sur", requiresConfirmation: false);
        var (cart, buyer) = Shopper();
        await cart.AddItem(quoting.ProductId, "CAFE-250", 2);
        await cart.AddItem(direct.ProductId, "CAFE-1K", 1);

        var result = await cart.Checkout(Request("k1"));

        Assert.Empty(result.Refused);
        Assert.Equal(0, (await cart.Get()).Items);
        var quote = result.Orders.Single(o => o.SellerId == quoting.SellerId);
        var order = result.Orders.Single(o => o.SellerId == direct.SellerId);
        Assert.Equal((OrderStatus.AwaitingSellerConfirmation, 2 * 8990L), (quote.Status, quote.Total));
        Assert.Equal((OrderStatus.AwaitingPayment, 29990L), (order.Status, order.Total));
        Assert.Equal(new StockLevel(20, 2, 0, 0), await LevelAsync(quoting.ProductId, "CAFE-250"));

        // The quoting store accepts with a shipping cost; the buyer may not accept for it.
        Assert.Equal(DomainErrorKind.Forbidden, (await Assert.ThrowsAsync<DomainException>(() => OrderOf(quote.OrderId).Accept(null))).Kind);
        Samples.ActAs(quoting.Owner);
        var accepted = await OrderOf(quote.OrderId).Accept(1500);
        Assert.Equal((OrderStatus.AwaitingPayment, 2 * 8990L + 1500), (accepted.Status, accepted.Total));

        foreach (var (orderId, store) in new[] { (quote.OrderId, quoting), (order.OrderId, direct) })
        {
            Samples.ActAs(buyer);
            var paid = await PayAsync(orderId);
            Assert.Equal(OrderStatus.Paid, paid.Status);
            Assert.Equal("succeeded", paid.Payment!.Status);

            Samples.ActAs(store.Owner);
            var shipped = await OrderOf(orderId).Ship("http://127.0.0.1:9/unused");
            Assert.Equal(OrderStatus.Shipped, shipped.Status);
            Assert.False(string.IsNullOrEmpty(shipped.Shipment!.TrackingNumber));
            Assert.Equal(shipped.Shipment, (await OrderOf(orderId).Ship("http://127.0.0.1:9/unused")).Shipment);

            Samples.ActAs(Provider);
            await OrderOf(orderId).ApplyShipmentEvent(new ShipmentEvent("evt_d_" + orderId, ShipmentEventKind.Delivered, shipped.Shipment.ShipmentId));
            // Out of order: "in transit" after "delivered" changes nothing.
            await OrderOf(orderId).ApplyShipmentEvent(new ShipmentEvent("evt_t_" + orderId, ShipmentEventKind.InTransit, shipped.Shipment.ShipmentId));
            Samples.ActAs(buyer);
            var delivered = await OrderOf(orderId).Get();
            Assert.Equal(OrderStatus.Delivered, delivered.Status);
            Assert.Equal("delivered", delivered.Shipment!.Status);
        }

        Samples.ActAs(buyer);
        Assert.Equal(
            [OrderStatus.Placed, OrderStatus.AwaitingSellerConfirmation, OrderStatus.AwaitingPayment, OrderStatus.Paid, OrderStatus.Shipped, OrderStatus.Delivered],
            (await OrderOf(quote.OrderId).Get()).Timeline.Select(t => t.Status).Distinct());
        Assert.Equal(new StockLevel(18, 0, 2, 0), await LevelAsync(quoting.ProductId, "CAFE-250"));
        Assert.Equal(new StockLevel(4, 0, 1, 0), await LevelAsync(direct.ProductId, "CAFE-1K"));
    }

    [Fact]
    public async Task A_rejected_quotation_releases_its_stock_and_refuses_further_transitions()
    {
        var store = await StoreAsync("Café Ana", requiresConfirmation: true);
        var (cart, buyer) = Shopper();
        await cart.AddItem(store.ProductId, "CAFE-250", 3);
        var orderId = (await cart.Checkout(Request("k1"))).Orders.Single().OrderId;

        Samples.ActAs(store.Owner);
        Assert.Equal(DomainErrorKind.Validation, (await Assert.ThrowsAsync<DomainException>(() => OrderOf(orderId).Reject(" "))).Kind);
        var rejected = await OrderOf(orderId).Reject("Out of season");

        Assert.Equal(OrderStatus.Rejected, rejected.Status);
        Assert.Equal("Out of season", rejected.Timeline[^1].Note);
        Assert.Equal(new StockLevel(20, 0, 0, 0), await LevelAsync(store.ProductId, "CAFE-250"));
        Assert.Equal("illegal-transition", (await Assert.ThrowsAsync<DomainException>(() => OrderOf(orderId).Accept(null))).Code);
        Samples.ActAs(buyer);
        Assert.Equal(DomainErrorKind.Conflict, (await Assert.ThrowsAsync<DomainException>(() => OrderOf(orderId).Pay("http://x/", "http://x/"))).Kind);
        Assert.Equal(DomainErrorKind.Conflict, (await Assert.ThrowsAsync<DomainException>(() => OrderOf(orderId).Cancel(null))).Kind);
        Samples.ActAs(new Caller(GrainKeys.NewUserId(), CallerRoles.Shopper, null));
        Assert.Equal(DomainErrorKind.Forbidden, (await Assert.ThrowsAsync<DomainException>(() => OrderOf(orderId).Get())).Kind);
    }

    [Fact]
    public async Task A_checkout_replayed_with_its_key_answers_the_same_orders_and_a_reused_key_is_refused()
    {
        var store = await StoreAsync("Café Ana", requiresConfirmation: false);
        var (cart, _) = Shopper();
        await cart.AddItem(store.ProductId, "CAFE-250", 2);
        var first = await cart.Checkout(Request("same-key"));

        await cart.AddItem(store.ProductId, "CAFE-250", 1);
        var replay = await cart.Checkout(Request("same-key"));

        Assert.Equal(first.Orders.Select(o => o.OrderId), replay.Orders.Select(o => o.OrderId));
        Assert.Equal(new StockLevel(20, 2, 0, 0), await LevelAsync(store.ProductId, "CAFE-250"));
        Assert.Equal(1, (await cart.Get()).Items);
        var reused = await Assert.ThrowsAsync<DomainException>(() => cart.Checkout(Request("same-key") with { Fingerprint = "another body" }));
        Assert.Equal(DomainErrorKind.IdempotencyMismatch, reused.Kind);
    }

    [Fact]
    public async Task A_short_store_holds_nothing_and_a_risen_price_is_refused_once_then_accepted()
    {
        var plenty = await StoreAsync("Café Ana", requiresConfirmation: false);
        var scarce = await StoreAsync("Té Sur", requiresConfirmation: false);
        var (cart, buyer) = Shopper();
        await cart.AddItem(plenty.ProductId, "CAFE-250", 2);
        await cart.AddItem(scarce.ProductId, "CAFE-250", 1);
        await cart.AddItem(scarce.ProductId, "CAFE-1K", 6);

        var result = await cart.Checkout(Request("k1"));

        Assert.Equal(plenty.SellerId, result.Orders.Single().SellerId);
        var refusal = result.Refused.Single();
        Assert.Equal(("out-of-stock", scarce.SellerId), (refusal.Code, refusal.SellerId));
        Assert.Equal(new ShortLine(scarce.ProductId, "CAFE-1K", 6, 5), refusal.Short.Single());
        Assert.Equal(new StockLevel(20, 0, 0, 0), await LevelAsync(scarce.ProductId, "CAFE-250"));
        Assert.Equal(7, (await cart.Get()).Items);

        await cart.SetQuantity(scarce.ProductId, "CAFE-1K", 5);
        Samples.ActAs(scarce.Owner);
        await Grains.GetGrain<IProductGrain>(scarce.ProductId).Update(Samples.Product() with { Price = 9990 }, null);
        Samples.ActAs(buyer);
        var risen = await cart.Checkout(Request("k2"));
        Assert.Empty(risen.Orders);
        Assert.Equal("price-changed", risen.Refused.Single().Code);
        Assert.Equal(new PriceChange(scarce.ProductId, "CAFE-250", 8990, 9990), risen.Refused.Single().PriceChanges.Single());
        Assert.False((await cart.Get()).Sellers.Single().Lines.Single(l => l.Sku == "CAFE-250").PriceChanged);

        var second = await cart.Checkout(Request("k3"));
        Assert.Equal(9990 + 5 * 29990L, second.Orders.Single().Total);
        Assert.Equal(0, (await cart.Get()).Items);
    }

    [Fact]
    public async Task Unanswered_and_unpaid_orders_expire_and_release_their_stock()
    {
        var quoting = await StoreAsync("Café Ana", requiresConfirmation: true);
        var direct = await StoreAsync("Té Sur", requiresConfirmation: false);
        var (cart, buyer) = Shopper();
        await cart.AddItem(quoting.ProductId, "CAFE-250", 4);
        await cart.AddItem(direct.ProductId, "CAFE-250", 3);
        var orders = (await cart.Checkout(Request("k1"))).Orders;

        await Eventually(async () =>
        {
            Samples.ActAs(buyer);
            var views = await Task.WhenAll(orders.Select(o => OrderOf(o.OrderId).Get()));
            return views.All(v => v.Status == OrderStatus.Expired);
        });

        Assert.Equal(new StockLevel(20, 0, 0, 0), await LevelAsync(quoting.ProductId, "CAFE-250"));
        Assert.Equal(new StockLevel(20, 0, 0, 0), await LevelAsync(direct.ProductId, "CAFE-250"));
        var expired = await OrderOf(orders[0].OrderId).Get();
        Assert.Null(expired.DecideBy);
        Assert.NotNull(expired.Timeline[^1].Note);
        // Nothing left for the sweeper: the release is stored as done, the expiry notices too (once the flush delay
        // passed, as nothing else writes these orders), and no order keeps a reminder of its own.
        await Eventually(async () => await cluster.Database.ScalarAsync<long>(
            "SELECT count(*) FROM order_listings WHERE order_id = ANY(@ids) AND needs_attention", ("ids", orders.Select(o => o.OrderId).ToArray())) == 0);
        Assert.Equal(0L, await cluster.Database.ScalarAsync<long>("SELECT count(*) FROM orleans_reminders WHERE reminder_name = 'order-saga'"));
    }

    [Fact]
    public async Task A_coupon_used_by_an_order_that_expires_unpaid_gives_its_use_back_and_a_paid_one_keeps_it()
    {
        var store = await StoreAsync("Café Ana", requiresConfirmation: false);
        Samples.ActAs(store.Owner);
        var coupons = Grains.GetGrain<IStoreCouponsGrain>(store.SellerId);
        var terms = await coupons.Create(new CouponDraft("once", CouponKind.Percent, 1_000, 0, null, null, 1, null, [], [], false, null));
        var (firstCart, first) = Shopper();
        await firstCart.AddItem(store.ProductId, "CAFE-250", 1);
        Assert.Equal(899, (await firstCart.ApplyCoupon(store.SellerId, "ONCE")).Sellers.Single().Discount!.Amount);
        var unpaid = (await firstCart.Checkout(Request("c1"))).Orders.Single();
        Assert.Equal(8_990 - 899, unpaid.Total);
        Assert.Equal(new CouponUsage(0, 1), await Grains.GetGrain<ICouponGrain>(terms.CouponId).Usage());

        // While the first order holds the only use, a second shopper cannot enter the coupon.
        var (secondCart, second) = Shopper();
        await secondCart.AddItem(store.ProductId, "CAFE-250", 1);
        var refused = await Assert.ThrowsAsync<DomainException>(() => secondCart.ApplyCoupon(store.SellerId, "once"));
        Assert.Equal("coupon-unavailable", refused.Code);

        // The first order expires unpaid: the use is back, and the second shopper buys with it and keeps it.
        Samples.ActAs(first);
        await Eventually(async () => (await OrderOf(unpaid.OrderId).Get()).Status == OrderStatus.Expired);
        await Eventually(async () => await Grains.GetGrain<ICouponGrain>(terms.CouponId).Usage() == new CouponUsage(0, 0));
        Samples.ActAs(second);
        await secondCart.ApplyCoupon(store.SellerId, "once");
        var paid = await PayAsync((await secondCart.Checkout(Request("c2"))).Orders.Single().OrderId);
        Assert.Equal((OrderStatus.Paid, 899L), (paid.Status, paid.Discount));
        Assert.Equal(new CouponUsage(1, 0), await Grains.GetGrain<ICouponGrain>(terms.CouponId).Usage());
        Samples.ActAs(store.Owner);
        Assert.True((await coupons.List()).Single().UsedUp);
    }

    [Fact]
    public async Task A_payment_that_succeeds_after_the_order_expired_is_refunded_not_sold()
    {
        var store = await StoreAsync("Café Ana", requiresConfirmation: false);
        var (cart, buyer) = Shopper();
        await cart.AddItem(store.ProductId, "CAFE-250", 2);
        var orderId = (await cart.Checkout(Request("k1"))).Orders.Single().OrderId;
        var start = await OrderOf(orderId).Pay("http://127.0.0.1:9/return", "http://127.0.0.1:9/unused");
        await Eventually(async () =>
        {
            Samples.ActAs(buyer);
            return (await OrderOf(orderId).Get()).Status == OrderStatus.Expired;
        });

        await CompleteAtSandboxAsync(start.RedirectUrl, "succeeded");
        Samples.ActAs(Provider);
        await OrderOf(orderId).ApplyPaymentEvent(new PaymentEvent("evt_late", PaymentEventKind.Succeeded, start.PaymentId, 2 * 8990, "CLP", null));

        Samples.ActAs(buyer);
        var order = await OrderOf(orderId).Get();
        Assert.Equal(OrderStatus.Expired, order.Status);
        Assert.Equal(2 * 8990L, order.RefundedAmount);
        Assert.Contains(order.Timeline, t => t.Note?.Contains("refunded", StringComparison.Ordinal) == true);
        Assert.Equal(new StockLevel(20, 0, 0, 0), await LevelAsync(store.ProductId, "CAFE-250"));
    }

    [Fact]
    public async Task Duplicate_declined_and_second_payments_never_capture_twice()
    {
        var store = await StoreAsync("Café Ana", requiresConfirmation: false);
        var (cart, buyer) = Shopper();
        await cart.AddItem(store.ProductId, "CAFE-250", 1);
        var orderId = (await cart.Checkout(Request("k1"))).Orders.Single().OrderId;

        // A declined card leaves the order open for another attempt, which opens a new session.
        var declined = await OrderOf(orderId).Pay("http://127.0.0.1:9/return", "http://127.0.0.1:9/unused");
        Assert.Equal(declined, await OrderOf(orderId).Pay("http://127.0.0.1:9/return", "http://127.0.0.1:9/unused"));
        await CompleteAtSandboxAsync(declined.RedirectUrl, "declined");
        Samples.ActAs(Provider);
        await OrderOf(orderId).ApplyPaymentEvent(new PaymentEvent("evt_1", PaymentEventKind.Failed, declined.PaymentId, 8990, "CLP", null));
        Samples.ActAs(buyer);
        Assert.Equal(OrderStatus.AwaitingPayment, (await OrderOf(orderId).Get()).Status);
        var second = await OrderOf(orderId).Pay("http://127.0.0.1:9/return", "http://127.0.0.1:9/unused");
        var third = await OrderOf(orderId).Pay("http://127.0.0.1:9/return", "http://127.0.0.1:9/unused");
        Assert.NotEqual(declined.PaymentId, second.PaymentId);
        Assert.Equal(second, third);

        await CompleteAtSandboxAsync(second.RedirectUrl, "succeeded");
        var succeeded = new PaymentEvent("evt_2", PaymentEventKind.Succeeded, second.PaymentId, 8990, "CLP", null);
        Samples.ActAs(Provider);
        await OrderOf(orderId).ApplyPaymentEvent(succeeded);
        await OrderOf(orderId).ApplyPaymentEvent(succeeded);
        await OrderOf(orderId).ApplyPaymentEvent(succeeded with { EventId = "evt_2_again" });
        // A late "failed" for the declined session changes nothing either.
        await OrderOf(orderId).ApplyPaymentEvent(new PaymentEvent("evt_1_late", PaymentEventKind.Failed, declined.PaymentId, 8990, "CLP", null));

        Samples.ActAs(buyer);
        var order = await OrderOf(orderId).Get();
        Assert.Equal((OrderStatus.Paid, second.PaymentId, 0L), (order.Status, order.Payment!.PaymentId, order.RefundedAmount));
        Assert.Single(order.Timeline, t => t.Status == OrderStatus.Paid);
        Assert.Equal(new StockLevel(19, 0, 1, 0), await LevelAsync(store.ProductId, "CAFE-250"));
        Assert.Equal(DomainErrorKind.Forbidden, (await Assert.ThrowsAsync<DomainException>(() => OrderOf(orderId).ApplyPaymentEvent(succeeded))).Kind);
    }

    [Fact]
    public async Task A_delivered_notice_is_stored_as_done_by_the_next_write_of_the_order_or_on_its_own_after_the_flush_delay()
    {
        var store = await StoreAsync("Café Ana", requiresConfirmation: false);
        var (cart, _) = Shopper();
        await cart.AddItem(store.ProductId, "CAFE-250", 1);
        var orderId = (await cart.Checkout(Request("k1"))).Orders.Single().OrderId;
        await PayAsync(orderId);

        // The store is told; no write is made just to say so: the stored state still lists the notice. (Notice 1, the
        // buyer's receipt, was delivered before the payment's write, which carried its removal.)
        await Eventually(async () => await cluster.Database.ScalarAsync<long>(
            "SELECT count(*) FROM notifications WHERE source_key = @key", ("key", $"{orderId}:notice:2:store")) == 1);
        var (paidVersion, paidNotices) = await StoredAsync(orderId);
        Assert.Equal([2], paidNotices);

        // The shipment's write carries the removal: one write, and only the shipment's own notice is left stored.
        Samples.ActAs(store.Owner);
        await OrderOf(orderId).Ship("http://127.0.0.1:9/unused");
        var (shippedVersion, shippedNotices) = await StoredAsync(orderId);
        Assert.Equal(paidVersion + 1, shippedVersion);
        Assert.Equal([3], shippedNotices);

        // Nothing else writes the order now: the removal of the delivered shipment notice is written on its own.
        await Eventually(async () => (await StoredAsync(orderId)).Notices.Length == 0);
        Assert.Equal(shippedVersion + 1, (await StoredAsync(orderId)).Version);
        Assert.False(await cluster.Database.ScalarAsync<bool>("SELECT needs_attention FROM order_listings WHERE order_id = @id", ("id", orderId)));
    }

    private async Task<(int Version, int[] Notices)> StoredAsync(string orderId)
    {
        var row = await cluster.Database.ScalarAsync<string>(
            "SELECT version || ':' || coalesce((SELECT string_agg(n->>'Sequence', ',') FROM json_array_elements(payload->'Notices') n), '') " +
            "FROM grain_states WHERE grain_type = 'order' AND grain_key = @id", ("id", orderId));
        var parts = row!.Split(':');
        return (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture),
            parts[1].Length == 0 ? [] : [.. parts[1].Split(',').Select(n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture))]);
    }

    [Fact]
    public async Task A_store_cancelling_a_paid_order_refunds_it_in_full()
    {
        var store = await StoreAsync("Café Ana", requiresConfirmation: false);
        var (cart, buyer) = Shopper();
        await cart.AddItem(store.ProductId, "CAFE-250", 2);
        var orderId = (await cart.Checkout(Request("k1"))).Orders.Single().OrderId;
        await PayAsync(orderId);

        Samples.ActAs(buyer);
        Assert.Equal(DomainErrorKind.Conflict, (await Assert.ThrowsAsync<DomainException>(() => OrderOf(orderId).Cancel(null))).Kind);
        Samples.ActAs(store.Owner);
        var cancelled = await OrderOf(orderId).Cancel("Roaster broke down");

        Assert.Equal((OrderStatus.Refunded, 2 * 8990L), (cancelled.Status, cancelled.RefundedAmount));
        Assert.Equal(DomainErrorKind.Conflict, (await Assert.ThrowsAsync<DomainException>(() => OrderOf(orderId).Ship("http://127.0.0.1:9/"))).Kind);
    }

    [Fact]
    public async Task Concurrent_checkouts_for_scarce_stock_never_oversell_and_every_refusal_says_why()
    {
        const int stock = 10;
        var sellerId = Samples.NewStoreOwnedByCaller();
        await Grains.GetGrain<ISellerGrain>(sellerId).Create(Samples.Store() with { RequiresConfirmation = false }, "fp");
        var productId = GrainKeys.NewProductId();
        await Grains.GetGrain<ISellerGrain>(sellerId).CreateProduct(productId, Samples.Product(stock), "fp-" + productId);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            var (cart, buyer) = Shopper();
            var quantity = 1 + (i % 2);
            await cart.AddItem(productId, "CAFE-250", quantity);
            return (Quantity: quantity, Buyer: buyer, Result: await cart.Checkout(Request("k-" + i)));
        })));

        var placed = attempts.Where(a => a.Result.Orders.Count == 1).ToList();
        var refused = attempts.Where(a => a.Result.Orders.Count == 0).ToList();
        var level = await LevelAsync(productId, "CAFE-250");
        Assert.Equal(placed.Sum(a => a.Quantity), level.Reserved);
        Assert.InRange(level.Reserved, stock - 1, stock);
        Assert.Equal(stock, level.OnHand);
        Assert.NotEmpty(refused);
        Assert.All(refused, a =>
        {
            var refusal = Assert.Single(a.Result.Refused);
            Assert.Equal("out-of-stock", refusal.Code);
            var line = Assert.Single(refusal.Short);
            Assert.Equal(a.Quantity, line.Requested);
            Assert.True(line.Available < a.Quantity);
        });

        // Paying for every placed order sells exactly what was reserved.
        var paid = await Task.WhenAll(placed.Select(a => Task.Run(async () =>
        {
            Samples.ActAs(a.Buyer);
            return (await PayAsync(a.Result.Orders.Single().OrderId)).Status;
        })));
        Assert.All(paid, status => Assert.Equal(OrderStatus.Paid, status));

        Assert.Equal(new StockLevel(stock - level.Reserved, 0, level.Reserved, 0), await LevelAsync(productId, "CAFE-250"));
    }

    private IOrderGrain OrderOf(string orderId) => Grains.GetGrain<IOrderGrain>(orderId);

    /// <summary>Pays an order awaiting payment on the sandbox's page and applies the provider's event; answers the order.</summary>
    private async Task<OrderView> PayAsync(string orderId)
    {
        var buyer = CallerContext.Current;
        var start = await OrderOf(orderId).Pay("http://127.0.0.1:9/return", "http://127.0.0.1:9/unused");
        var total = (await OrderOf(orderId).Get()).Total;
        await CompleteAtSandboxAsync(start.RedirectUrl, "succeeded");
        Samples.ActAs(Provider);
        await OrderOf(orderId).ApplyPaymentEvent(new PaymentEvent("evt_" + start.PaymentId, PaymentEventKind.Succeeded, start.PaymentId, total, "CLP", null));
        Samples.ActAs(buyer);
        return await OrderOf(orderId).Get();
    }

    private static async Task CompleteAtSandboxAsync(string redirectUrl, string outcome)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var response = await browser.PostAsync(redirectUrl, new FormUrlEncodedContent([new("outcome", outcome)]));
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
    }

    private static CheckoutRequest Request(string key) => new(null, Address, "Ring twice", key, "fingerprint-" + key);

    private async Task<StockLevel> LevelAsync(string productId, string sku) =>
        await Grains.GetGrain<IInventoryGrain>(GrainKeys.Sku(productId, sku)).GetLevel() with { Version = 0 };

    private (ICartGrain Cart, Caller Buyer) Shopper()
    {
        var buyer = new Caller(GrainKeys.NewUserId(), CallerRoles.Shopper, null);
        Samples.ActAs(buyer);
        return (Grains.GetGrain<ICartGrain>(buyer.UserId), buyer);
    }

    private async Task<(string SellerId, string ProductId, Caller Owner)> StoreAsync(string name, bool requiresConfirmation)
    {
        var sellerId = Samples.NewStoreOwnedByCaller();
        var owner = CallerContext.Current!;
        await Grains.GetGrain<ISellerGrain>(sellerId).Create(Samples.Store(name) with { RequiresConfirmation = requiresConfirmation }, "fp");
        var productId = GrainKeys.NewProductId();
        await Grains.GetGrain<ISellerGrain>(sellerId).CreateProduct(productId, Samples.Product(), "fp-" + productId);
        return (sellerId, productId, owner);
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + SagaClusterFixture.Timeout + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold in time.");
            await Task.Delay(250);
        }
    }
}
