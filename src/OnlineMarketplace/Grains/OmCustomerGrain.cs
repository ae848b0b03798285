using System.Globalization;
using Marketplace.Contracts.Cart;
using Marketplace.Contracts.Orders;
using Marketplace.Grains.Common;
using Marketplace.OnlineMarketplace.Contracts;
using Microsoft.Extensions.Options;

namespace Marketplace.OnlineMarketplace.Grains;

/// <summary>Persisted state of a benchmark customer: its profile, the benchmark's view of its cart, its checkouts.</summary>
public sealed class OmCustomerState
{
    public OmCustomer? Profile { get; set; }

    /// <summary>The items as the benchmark added them (version, freight, voucher); the cart grain holds the lines.</summary>
    public List<OmCartItem> Items { get; set; } = [];

    /// <summary>The latest checkouts, most recent last: answered again on a retry, read back as history.</summary>
    public List<OmCheckoutOutcome> Checkouts { get; set; } = [];

    /// <summary>
    /// The benchmark run, counted by resets: a checkout's key names it, since the driver numbers its transactions
    /// from 1 again in every run.
    /// </summary>
    public int Run { get; set; }

    /// <summary>A checkout whose payment failed, kept until it is tried again and finishes (or another one starts).</summary>
    public OmUnfinishedCheckout? Unfinished { get; set; }
}

/// <summary>What tries of a checkout whose payment failed have done so far, and which attempt comes next.</summary>
public sealed class OmUnfinishedCheckout
{
    public string InstanceId { get; set; } = "";

    public int Attempt { get; set; }

    /// <summary>Orders earlier tries paid and shipped (other stores' orders, when one store's payment failed).</summary>
    public List<string> OrderIds { get; set; } = [];

    public List<OmCartItem> Bought { get; set; } = [];
}

/// <summary>
/// A benchmark customer over the marketplace's cart and order grains. The customer is a shopper (the caller every
/// cart and order call carries); its stores are acted for by the benchmark as their operator. A checkout is the
/// benchmark's whole transaction — reserve what can be had, pay by card, ship — carried out through the same grain
/// calls a shopper and a store make, each idempotent, so a retry with the same transaction id finishes a checkout that
/// failed half way and never buys twice.
/// </summary>
public sealed class OmCustomerGrain(
    [PersistentState("omCustomer", StorageNames.Marketplace)] IPersistentState<OmCustomerState> state,
    OmStore store,
    IOptions<OnlineMarketplaceOptions> options) : Grain, IOmCustomerGrain
{
    private int CustomerId => (int)this.GetPrimaryKeyLong();

    private Caller Shopper => OmKeys.CustomerCaller(CustomerId);

    private ICartGrain Cart => GrainFactory.GetGrain<ICartGrain>(OmKeys.CustomerUserId(CustomerId));

    public async Task Register(OmCustomer customer)
    {
        options.Value.Guard();
        if (state.State.Profile != customer)
        {
            state.State.Profile = customer;
            await state.WriteOrReloadAsync(this);
        }

        await store.RecordCustomerAsync(CustomerId);
    }

    public async Task AddItem(OmCartItem item)
    {
        options.Value.Guard();
        // The cart refuses a quantity out of bounds before anything is stored here.
        await OmCalls.As(Shopper, () => Cart.AddItem(OmKeys.ProductId(item.SellerId, item.ProductId), OmKeys.Sku, item.Quantity));
        state.State.Items.RemoveAll(i => i.SellerId == item.SellerId && i.ProductId == item.ProductId);
        state.State.Items.Add(item);
        await state.WriteOrReloadAsync(this);
    }

    public async Task<OmCheckoutOutcome> Checkout(OmCheckout checkout, string paymentWebhookUrl, string shippingWebhookUrl)
    {
        options.Value.Guard();
        if (state.State.Checkouts.FirstOrDefault(c => string.Equals(c.InstanceId, checkout.InstanceId, StringComparison.Ordinal)) is { } done)
        {
            return done;
        }

        var earlier = UnfinishedOf(checkout.InstanceId);
        var items = state.State.Items.ToList();
        var stale = await DropStaleAsync(items);
        var candidates = items.Except(stale).ToList();
        var result = await PlaceAsync(checkout, candidates, earlier?.Attempt ?? 0);

        // Each store's order is paid, then shipped (each step answers only once stored); the stores' orders go side by side.
        var sellerOf = items.DistinctBy(i => i.SellerId).ToDictionary(i => OmKeys.SellerId(i.SellerId), i => i.SellerId, StringComparer.Ordinal);
        var card = OmPayments.Chargeable(checkout.Card);
        var settled = await Task.WhenAll(result.Orders.Select(order =>
            PayAndShipAsync(order, sellerOf, checkout.InstanceId, card, paymentWebhookUrl, shippingWebhookUrl)));
        var shipped = settled.Where(s => s.Entry is not null).Select(s => s.Entry!).ToList();
        if (shipped.Count > 0)
        {
            await store.RecordOrdersAsync(shipped, options.Value.ShipmentPartitions);
        }

        var paid = shipped.Select(e => e.OrderId).ToHashSet(StringComparer.Ordinal);
        var paidOrders = result.Orders.Where(o => paid.Contains(o.OrderId)).ToList();
        var ordered = paidOrders.SelectMany(o => o.Lines).Select(l => l.ProductId).ToHashSet(StringComparer.Ordinal);
        var bought = candidates.Where(i => ordered.Contains(OmKeys.ProductId(i.SellerId, i.ProductId))).ToList();
        var orderIds = (earlier?.OrderIds ?? []).Concat(paidOrders.Select(o => o.OrderId)).ToList();
        var allBought = (earlier?.Bought ?? []).Concat(bought).ToList();
        if (settled.Select(s => s.Failure).FirstOrDefault(f => f is not null) is { } failure)
        {
            // The failed stores' orders are cancelled (their holds back on sale) and their items back in the cart, so the
            // next try buys them; what other stores' orders bought stays bought. The next try with this transaction id is
            // a new attempt with orders of its own: the failed answer is not replayed.
            await RestoreCartAsync(candidates.Except(bought));
            state.State.Items = items.Except(bought).ToList();
            state.State.Unfinished = new OmUnfinishedCheckout
            {
                InstanceId = checkout.InstanceId, Attempt = (earlier?.Attempt ?? 0) + 1, OrderIds = orderIds, Bought = allBought,
            };
            await state.WriteOrReloadAsync(this);
            throw failure;
        }

        await OmCalls.As(Shopper, () => Cart.Clear());
        var outcome = new OmCheckoutOutcome(checkout.InstanceId, orderIds, allBought, items.Except(bought).ToList());
        state.State.Items.Clear();
        state.State.Unfinished = null;
        state.State.Checkouts.Add(outcome);
        var excess = state.State.Checkouts.Count - options.Value.CheckoutHistory;
        if (excess > 0)
        {
            state.State.Checkouts.RemoveRange(0, excess);
        }

        await state.WriteOrReloadAsync(this);
        return outcome;
    }

    public async Task Seal()
    {
        options.Value.Guard();
        await OmCalls.As(Shopper, () => Cart.Clear());
        if (state.State.Items.Count > 0)
        {
            state.State.Items.Clear();
            await state.WriteOrReloadAsync(this);
        }
    }

    public Task<IReadOnlyList<OmCartItem>?> GetHistory(string instanceId)
    {
        options.Value.Guard();
        var done = state.State.Checkouts.FirstOrDefault(c => string.Equals(c.InstanceId, instanceId, StringComparison.Ordinal))?.Bought;
        return Task.FromResult(done ?? UnfinishedOf(instanceId)?.Bought);
    }

    /// <summary>The unfinished checkout of this transaction id, if the last one that failed was it.</summary>
    private OmUnfinishedCheckout? UnfinishedOf(string instanceId) =>
        state.State.Unfinished is { } unfinished && string.Equals(unfinished.InstanceId, instanceId, StringComparison.Ordinal) ? unfinished : null;

    public async Task Reset()
    {
        options.Value.Guard();
        await OmCalls.As(Shopper, () => Cart.Clear());
        // A new run: the driver numbers its transactions from 1 again, and they must not find this run's checkouts.
        state.State.Run++;
        state.State.Items.Clear();
        state.State.Checkouts.Clear();
        state.State.Unfinished = null;
        await state.WriteOrReloadAsync(this);
    }

    /// <summary>
    /// Takes out of the cart every item whose product has moved on to another version since it was added (or is no
    /// longer for sale): the benchmark's rule is that such an item is not bought, and the checkout goes on without it.
    /// </summary>
    private async Task<List<OmCartItem>> DropStaleAsync(List<OmCartItem> items)
    {
        var products = await Task.WhenAll(items.Select(i =>
            GrainFactory.GetGrain<IProductGrain>(OmKeys.ProductId(i.SellerId, i.ProductId)).GetDetails()));
        var stale = items.Zip(products)
            .Where(pair => pair.Second is not { IsPublic: true } product
                || product.Attributes?.GetValueOrDefault(OmKeys.VersionAttribute) != pair.First.Version)
            .Select(pair => pair.First)
            .ToList();
        foreach (var item in stale)
        {
            await OmCalls.As(Shopper, () => Cart.RemoveItem(OmKeys.ProductId(item.SellerId, item.ProductId), OmKeys.Sku));
        }

        return stale;
    }

    /// <summary>
    /// Pays one store's order and ships it. A payment that fails (declined, refused, or the gateway not reachable) cancels
    /// the order as its buyer; the answer is then the failure, unless a capture won the race and the order is paid — it
    /// ships like any other. A capture that arrives after the cancellation is refunded by the order itself.
    /// </summary>
    private async Task<(OmOrderEntry? Entry, DomainException? Failure)> PayAndShipAsync(
        CheckoutOrder order, Dictionary<string, int> sellerOf, string instanceId, CardDetails card, string paymentWebhookUrl, string shippingWebhookUrl)
    {
        var grain = GrainFactory.GetGrain<IOrderGrain>(order.OrderId);
        try
        {
            await OmCalls.As(Shopper, () => grain.PayWithCard(card, paymentWebhookUrl));
        }
        catch (DomainException e) when (OmPayments.IsPaymentFailure(e))
        {
            var now = await CancelOrReadAsync(grain);
            if (now.Status != OrderStatus.Paid)
            {
                return (null, OmPayments.Answer(e, order.SellerName));
            }
        }

        if (!sellerOf.TryGetValue(order.SellerId, out var seller))
        {
            // Only a cart changed behind the benchmark's back has an order of a store none of its items came from.
            throw DomainException.Conflict("unknown-store", $"Order {order.OrderId} is for a store this customer's items do not name.");
        }

        var view = await OmCalls.As(OmKeys.StoreCaller(seller), () => grain.Ship(shippingWebhookUrl));
        return (new OmOrderEntry(order.OrderId, order.SellerId, CustomerId, instanceId, view.Shipment!.ShipmentId), null);
    }

    private async Task<OrderView> CancelOrReadAsync(IOrderGrain order)
    {
        try
        {
            return await OmCalls.As(Shopper, () => order.Cancel("The payment did not go through."));
        }
        catch (DomainException e) when (e.Kind == DomainErrorKind.Conflict)
        {
            // Already cancelled by an earlier try, or paid after all (a capture won the race).
            return await OmCalls.As(Shopper, () => order.Get());
        }
    }

    /// <summary>Puts items back in the cart after a failed payment, as the customer had them before the checkout.</summary>
    private async Task RestoreCartAsync(IEnumerable<OmCartItem> items)
    {
        await OmCalls.As(Shopper, () => Cart.Clear());
        foreach (var item in items)
        {
            try
            {
                await OmCalls.As(Shopper, () => Cart.AddItem(OmKeys.ProductId(item.SellerId, item.ProductId), OmKeys.Sku, item.Quantity));
            }
            catch (DomainException e) when (e.Kind is DomainErrorKind.Validation or DomainErrorKind.NotFound)
            {
                // No longer for sale: the next checkout would drop it as stale anyway.
            }
        }
    }

    /// <summary>
    /// One order per store with what can be reserved; lines without stock are dropped, not refused. The cart's
    /// checkout key names the run and the attempt, so it replays only a try of this same attempt.
    /// </summary>
    private async Task<CheckoutResult> PlaceAsync(OmCheckout checkout, List<OmCartItem> candidates, int attempt)
    {
        if (candidates.Count == 0)
        {
            return new CheckoutResult([], []);
        }

        var freight = candidates.ToDictionary(i => GrainKeys.Sku(OmKeys.ProductId(i.SellerId, i.ProductId), OmKeys.Sku), i => i.Freight,
            StringComparer.Ordinal);
        var key = string.Create(CultureInfo.InvariantCulture, $"om:{state.State.Run}:{checkout.InstanceId}:{attempt}");
        try
        {
            return await OmCalls.As(Shopper, () => Cart.Checkout(new CheckoutRequest(
                null, checkout.ShippingAddress, null, key, key, CheckoutMode.TakeWhatIsAvailable, freight)));
        }
        catch (DomainException e) when (e.Code == "nothing-to-checkout")
        {
            return new CheckoutResult([], []);
        }
    }
}
