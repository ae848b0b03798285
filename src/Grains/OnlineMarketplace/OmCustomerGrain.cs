using Marketplace.Contracts.Cart;
using Marketplace.Contracts.OnlineMarketplace;
using Marketplace.Contracts.Orders;
using Marketplace.Grains.Common;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.OnlineMarketplace;

/// <summary>Persisted state of a benchmark customer: its profile, the benchmark's view of its cart, its checkouts.</summary>
public sealed class OmCustomerState
{
    public OmCustomer? Profile { get; set; }

    /// <summary>The items as the benchmark added them (version, freight, voucher); the cart grain holds the lines.</summary>
    public List<OmCartItem> Items { get; set; } = [];

    /// <summary>The latest checkouts, most recent last: answered again on a retry, read back as history.</summary>
    public List<OmCheckoutOutcome> Checkouts { get; set; } = [];
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

        var items = state.State.Items.ToList();
        var stale = await DropStaleAsync(items);
        var candidates = items.Except(stale).ToList();
        var result = await PlaceAsync(checkout, candidates);

        // Each store's order is paid, then shipped (each step answers only once stored); the stores' orders go side by side.
        var storeOf = candidates.DistinctBy(i => i.SellerId).ToDictionary(i => OmKeys.SellerId(i.SellerId), i => i.SellerId, StringComparer.Ordinal);
        var shipped = await Task.WhenAll(result.Orders.Select(async order =>
        {
            var grain = GrainFactory.GetGrain<IOrderGrain>(order.OrderId);
            await OmCalls.As(Shopper, () => grain.PayWithCard(checkout.Card, paymentWebhookUrl));
            var view = await OmCalls.As(OmKeys.StoreCaller(storeOf[order.SellerId]), () => grain.Ship(shippingWebhookUrl));
            return new OmOrderEntry(order.OrderId, order.SellerId, CustomerId, checkout.InstanceId, view.Shipment!.ShipmentId);
        }));
        await store.RecordOrdersAsync(shipped, options.Value.ShipmentPartitions);
        await OmCalls.As(Shopper, () => Cart.Clear());

        var ordered = result.Orders.SelectMany(o => o.Lines).Select(l => l.ProductId).ToHashSet(StringComparer.Ordinal);
        var bought = candidates.Where(i => ordered.Contains(OmKeys.ProductId(i.SellerId, i.ProductId))).ToList();
        var outcome = new OmCheckoutOutcome(checkout.InstanceId, result.Orders.Select(o => o.OrderId).ToList(), bought,
            items.Except(bought).ToList());
        state.State.Items.Clear();
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
        return Task.FromResult(state.State.Checkouts
            .FirstOrDefault(c => string.Equals(c.InstanceId, instanceId, StringComparison.Ordinal))?.Bought);
    }

    public async Task Reset()
    {
        options.Value.Guard();
        await OmCalls.As(Shopper, () => Cart.Clear());
        if (state.State.Items.Count > 0 || state.State.Checkouts.Count > 0)
        {
            state.State.Items.Clear();
            state.State.Checkouts.Clear();
            await state.WriteOrReloadAsync(this);
        }
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

    /// <summary>One order per store with what can be reserved; lines without stock are dropped, not refused.</summary>
    private async Task<CheckoutResult> PlaceAsync(OmCheckout checkout, List<OmCartItem> candidates)
    {
        if (candidates.Count == 0)
        {
            return new CheckoutResult([], []);
        }

        var freight = candidates.ToDictionary(i => GrainKeys.Sku(OmKeys.ProductId(i.SellerId, i.ProductId), OmKeys.Sku), i => i.Freight,
            StringComparer.Ordinal);
        var key = "om:" + checkout.InstanceId;
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
