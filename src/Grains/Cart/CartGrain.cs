using System.Text.Json.Serialization;
using Marketplace.Contracts.Cart;
using Marketplace.Contracts.Orders;
using Marketplace.Grains.Common;
using Marketplace.Contracts.Realtime;
using Marketplace.Grains.Orders;
using Marketplace.Grains.Realtime;

namespace Marketplace.Grains.Cart;

/// <summary>Persisted state of a cart: the lines as the shopper added them.</summary>
public sealed class CartState
{
    public List<CartLineState> Lines { get; set; } = [];

    public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>Guest carts already merged in, so a retried merge adds nothing twice.</summary>
    public List<string> MergedGuests { get; set; } = [];

    /// <summary>The latest checkouts by Idempotency-Key (most recent last), answered again on a replay.</summary>
    public List<CheckoutRecord> Checkouts { get; set; } = [];

    /// <summary>Operation ids of the latest additions (most recent last), so an addition asked again adds nothing.</summary>
    public List<string> RecentAdds { get; set; } = [];
}

/// <summary>
/// A checkout as the cart remembers it for a replay: the key, what the request was, the orders it placed (a replay
/// reads them again) and what a replay must say again that no order holds (stores refused, lines dropped).
/// </summary>
public sealed class CheckoutRecord
{
    public string Key { get; set; } = "";

    public string Fingerprint { get; set; } = "";

    public List<string> OrderIds { get; set; } = [];

    public List<CheckoutRefusal> Refused { get; set; } = [];

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<ShortLine>? Dropped { get; set; }

    /// <summary>The whole answer, as carts stored it before the record was made compact; only read from such rows.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CheckoutResult? Result { get; set; }

    public DateTimeOffset At { get; set; }
}

public sealed class CartLineState
{
    public string ProductId { get; set; } = "";

    public string Sku { get; set; } = "";

    public int Quantity { get; set; }

    /// <summary>The unit price when the line was added (or last added to): what the shopper agreed to see.</summary>
    public long PriceWhenAdded { get; set; }

    public string Currency { get; set; } = "";

    public int ProductVersion { get; set; }

    public DateTimeOffset AddedAt { get; set; }
}

/// <summary>
/// A cart keyed by its owner's user id (a guest's too). Lines keep the price seen when added; reads join each line with
/// its product as it is now, so a price change or a product taken down shows instead of surprising at checkout.
/// </summary>
public sealed class CartGrain(
    [PersistentState("cart", StorageNames.Marketplace)] IPersistentState<CartState> state,
    TimeProvider clock) : Grain, ICartGrain
{
    public const int MaxQuantity = 999;
    public const int MaxLines = 100;
    public const int CheckoutMemory = 50;
    public const int AddMemory = 20;

    private bool unannounced;

    public async Task<CartView> Get()
    {
        RequireOwner();
        return await ViewAsync();
    }

    public async Task<CartView> AddItem(string productId, string sku, int quantity, string? operationId = null)
    {
        RequireOwner();
        RequireQuantity(quantity);
        if (operationId is not null && state.State.RecentAdds.Contains(operationId, StringComparer.Ordinal))
        {
            return await ViewAsync();
        }

        var product = await GrainFactory.GetGrain<IProductGrain>(productId).GetDetails();
        var variant = VariantOf(product, sku);
        if (product is null || variant is null)
        {
            throw DomainException.NotFound("The product or SKU");
        }

        if (product.Status != ProductStatus.Published || product.SellerStatus != StoreStatus.Active)
        {
            throw new DomainException(DomainErrorKind.Validation, "not-for-sale", "The product is not for sale.",
                new Dictionary<string, string[]> { ["productId"] = ["The product is not for sale."] });
        }

        var line = Find(productId, sku);
        if (line is null)
        {
            if (state.State.Lines.Count >= MaxLines)
            {
                throw DomainException.Conflict("cart-full", $"A cart holds at most {MaxLines} lines.");
            }

            line = new CartLineState { ProductId = productId, Sku = sku, AddedAt = clock.GetUtcNow() };
            state.State.Lines.Add(line);
        }

        line.Quantity = Math.Min(MaxQuantity, line.Quantity + quantity);
        // Adding again is agreeing to the price shown now.
        line.PriceWhenAdded = variant.Price;
        line.Currency = product.Currency;
        line.ProductVersion = product.Version;
        if (operationId is not null)
        {
            state.State.RecentAdds.Add(operationId);
            if (state.State.RecentAdds.Count > AddMemory)
            {
                state.State.RecentAdds.RemoveRange(0, state.State.RecentAdds.Count - AddMemory);
            }
        }

        await SaveAsync();
        return Announce(await ViewAsync());
    }

    public async Task<CartView> SetQuantity(string productId, string sku, int quantity)
    {
        RequireOwner();
        RequireQuantity(quantity);
        var line = Find(productId, sku) ?? throw DomainException.NotFound("The cart line");
        if (line.Quantity != quantity)
        {
            line.Quantity = quantity;
            await SaveAsync();
        }

        return Announce(await ViewAsync());
    }

    public async Task<CartView> RemoveItem(string productId, string sku)
    {
        RequireOwner();
        if (Find(productId, sku) is { } line)
        {
            state.State.Lines.Remove(line);
            await SaveAsync();
        }

        return Announce(await ViewAsync());
    }

    public async Task<CartView> MergeGuest(string guestId)
    {
        RequireOwner();
        if (!CallerContext.Require().Owns(guestId) || string.Equals(guestId, this.GetPrimaryKeyString(), StringComparison.Ordinal))
        {
            throw DomainException.Forbidden("not-your-guest-cart", "Only the holder of the guest's token may merge its cart.");
        }

        var guestCart = GrainFactory.GetGrain<ICartGrain>(guestId);
        Dictionary<string, ProductDetails>? products = null;
        if (!state.State.MergedGuests.Contains(guestId))
        {
            var guestLines = await guestCart.GetLines();
            // Every product the merged cart will show, read once for the stock caps and for the answer.
            products = await ProductsAsync(state.State.Lines.Select(l => l.ProductId).Concat(guestLines.Select(l => l.ProductId)));
            foreach (var incoming in guestLines)
            {
                var line = Find(incoming.ProductId, incoming.Sku);
                if (line is null)
                {
                    if (state.State.Lines.Count >= MaxLines)
                    {
                        continue;
                    }

                    line = new CartLineState
                    {
                        ProductId = incoming.ProductId, Sku = incoming.Sku, PriceWhenAdded = incoming.PriceWhenAdded,
                        Currency = incoming.Currency, ProductVersion = incoming.ProductVersion, AddedAt = incoming.AddedAt,
                    };
                    state.State.Lines.Add(line);
                }

                // Summed, but not beyond the stock; never below what the account already had, and a sold-out line
                // stays (with one unit) so the shopper sees it is unavailable rather than losing it.
                var stock = VariantOf(products.GetValueOrDefault(incoming.ProductId), incoming.Sku)?.Available ?? 0;
                var cap = Math.Max(line.Quantity, Math.Max(stock, 1));
                line.Quantity = Math.Min(MaxQuantity, Math.Min(line.Quantity + incoming.Quantity, cap));
            }

            state.State.MergedGuests.Add(guestId);
            await SaveAsync();
        }

        // Stored first, cleared after: a crash in between leaves the guest's lines behind, never adds them twice.
        await guestCart.Clear();
        return Announce(await ViewAsync(products));
    }

    public Task<IReadOnlyList<CartLineSnapshot>> GetLines()
    {
        RequireOwner();
        return Task.FromResult<IReadOnlyList<CartLineSnapshot>>(state.State.Lines
            .Select(l => new CartLineSnapshot(l.ProductId, l.Sku, l.Quantity, l.PriceWhenAdded, l.Currency, l.ProductVersion, l.AddedAt))
            .ToList());
    }

    public async Task Clear()
    {
        RequireOwner();
        if (state.State.Lines.Count > 0)
        {
            state.State.Lines.Clear();
            await SaveAsync();
            Announce(CartView.Empty with { UpdatedAt = state.State.UpdatedAt });
        }
    }

    public async Task<CheckoutResult> Checkout(CheckoutRequest request)
    {
        RequireOwner();
        var buyerId = this.GetPrimaryKeyString();
        if (!CallerContext.Require().Roles.HasFlag(CallerRoles.Shopper))
        {
            throw DomainException.Forbidden("sign-in-to-checkout", "Sign in to check out; the cart is kept.");
        }

        if (state.State.Checkouts.FirstOrDefault(c => string.Equals(c.Key, request.IdempotencyKey, StringComparison.Ordinal)) is { } done)
        {
            return string.Equals(done.Fingerprint, request.Fingerprint, StringComparison.Ordinal)
                ? await ReplayAsync(done)
                : throw new DomainException(DomainErrorKind.IdempotencyMismatch, "idempotency-key-reused",
                    "This Idempotency-Key was used for a different checkout.");
        }

        var errors = AddressRules.Check(request.ShippingAddress, "shippingAddress");
        if (request.Note?.Length > OrderPlacement.MaxTextLength)
        {
            errors["note"] = [$"At most {OrderPlacement.MaxTextLength} characters."];
        }
        else if (!StorableText.IsStorable(request.Note))
        {
            errors["note"] = [StorableText.Refusal];
        }

        DomainException.ThrowIfInvalid(errors);
        var products = await ProductsAsync(state.State.Lines.Select(l => l.ProductId));
        var parts = state.State.Lines
            .Select(line => (Line: line, Product: products.GetValueOrDefault(line.ProductId)))
            .Where(x => x.Product is { Status: ProductStatus.Published, SellerStatus: StoreStatus.Active }
                && VariantOf(x.Product, x.Line.Sku) is not null
                && (request.SellerId is null || string.Equals(x.Product.SellerId, request.SellerId, StringComparison.Ordinal)))
            .GroupBy(x => (x.Product!.SellerId, x.Product.Currency))
            .ToList();
        if (parts.Count == 0)
        {
            throw DomainException.Conflict("nothing-to-checkout",
                request.SellerId is null ? "The cart holds nothing that is for sale." : "The cart holds nothing of that store that is for sale.");
        }

        var placements = await Task.WhenAll(parts.Select(part => PlaceAsync(buyerId, part.Key.SellerId, part.Key.Currency,
            part.Select(x => (x.Line, x.Product!)).ToList(), request)));
        var orders = placements.Select(p => p.Order).OfType<CheckoutOrder>().ToList();
        var partial = request.Mode == CheckoutMode.TakeWhatIsAvailable;
        if (partial)
        {
            // Bought or not to be had: every line this checkout looked at leaves the cart.
            var considered = parts.SelectMany(part => part).Select(x => x.Line).ToHashSet();
            state.State.Lines.RemoveAll(considered.Contains);
        }

        foreach (var order in orders)
        {
            state.State.Lines.RemoveAll(l => order.Lines.Any(o =>
                string.Equals(o.ProductId, l.ProductId, StringComparison.Ordinal) && string.Equals(o.Sku, l.Sku, StringComparison.Ordinal)));
        }

        var result = new CheckoutResult(orders, placements.Select(p => p.Refusal).OfType<CheckoutRefusal>().ToList(),
            partial ? placements.SelectMany(p => p.Dropped).ToList() : null);
        state.State.Checkouts.Add(new CheckoutRecord
        {
            Key = request.IdempotencyKey, Fingerprint = request.Fingerprint, OrderIds = orders.Select(o => o.OrderId).ToList(),
            Refused = [.. result.Refused], Dropped = result.Dropped?.ToList(), At = clock.GetUtcNow(),
        });
        if (state.State.Checkouts.Count > CheckoutMemory)
        {
            state.State.Checkouts.RemoveRange(0, state.State.Checkouts.Count - CheckoutMemory);
        }

        // One write for the lines that left, the new prices shown and the answer to replay. If it fails, a retry with
        // the same key finds the same orders (their ids derive from the key) and nothing is placed twice.
        await SaveAsync();
        GrainMetrics.Checkout(result.Orders.Count, result.Refused.Count);
        Announce(await ViewAsync(products));
        return result;
    }

    /// <summary>The answer of a remembered checkout again: its orders as they are now, and what was refused or dropped.</summary>
    private async Task<CheckoutResult> ReplayAsync(CheckoutRecord done)
    {
        if (done.Result is { } stored)
        {
            return stored;
        }

        var orders = await Task.WhenAll(done.OrderIds.Select(id => GrainFactory.GetGrain<IOrderGrain>(id).Get()));
        return new CheckoutResult(orders.Select(Summary).ToList(), done.Refused, done.Dropped);
    }

    /// <summary>One store's part: refused when a price rose (the line then shows the new price), else placed as an order.</summary>
    private async Task<(CheckoutOrder? Order, CheckoutRefusal? Refusal, IReadOnlyList<ShortLine> Dropped)> PlaceAsync(
        string buyerId, string sellerId, string currency, List<(CartLineState Line, ProductDetails Product)> part, CheckoutRequest request)
    {
        var partial = request.Mode == CheckoutMode.TakeWhatIsAvailable;
        var risen = part
            .Select(x => (x.Line, x.Product, Variant: VariantOf(x.Product, x.Line.Sku)!))
            .Where(x => !partial && x.Variant.Price > x.Line.PriceWhenAdded)
            .ToList();
        if (risen.Count > 0)
        {
            var changes = risen.Select(x => new PriceChange(x.Line.ProductId, x.Line.Sku, x.Line.PriceWhenAdded, x.Variant.Price)).ToList();
            foreach (var (line, product, variant) in risen)
            {
                line.PriceWhenAdded = variant.Price;
                line.ProductVersion = product.Version;
            }

            return (null, new CheckoutRefusal(sellerId, currency, "price-changed",
                "Prices rose since these lines were added; the cart shows the new prices.", [], changes), []);
        }

        var store = await GrainFactory.GetGrain<ISellerGrain>(sellerId).GetProfile();
        var lines = part.Select(x => new OrderLine(x.Line.ProductId, x.Line.Sku, x.Product.Title, x.Line.Quantity,
            VariantOf(x.Product, x.Line.Sku)!.Price, request.Freight?.GetValueOrDefault(GrainKeys.Sku(x.Line.ProductId, x.Line.Sku)) ?? 0)).ToList();
        var orderId = GrainKeys.DerivedId(GrainKeys.OrderPrefix, buyerId + "\n" + sellerId + "\n" + currency, request.IdempotencyKey);
        var placed = await GrainFactory.GetGrain<IOrderGrain>(orderId).Place(new PlaceOrderRequest(
            buyerId, sellerId, store?.Name ?? part[0].Product.SellerName, currency, lines, request.ShippingAddress, request.Note,
            store?.RequiresConfirmation ?? false, request.Fingerprint, partial));
        if (placed.Order is not { } order)
        {
            return (null, new CheckoutRefusal(sellerId, currency, "out-of-stock",
                "Not enough stock for every line; nothing of this store was reserved.", placed.Short, []), placed.Short);
        }

        return (Summary(order), null, placed.Short);
    }

    /// <summary>An order as a checkout's answer shows it.</summary>
    private static CheckoutOrder Summary(OrderView order) =>
        new(order.OrderId, order.SellerId, order.SellerName, order.Status, order.Total, order.Currency, order.Lines);

    private CartLineState? Find(string productId, string sku) => state.State.Lines.FirstOrDefault(l =>
        string.Equals(l.ProductId, productId, StringComparison.Ordinal) && string.Equals(l.Sku, sku, StringComparison.Ordinal));

    private async Task SaveAsync()
    {
        state.State.UpdatedAt = clock.GetUtcNow();
        await state.WriteOrReloadAsync(this);
        unannounced = true;
    }

    /// <summary>
    /// Sends the stored cart to the owner's other devices. Accounts only: guests connect to watch products, not carts.
    /// </summary>
    private CartView Announce(CartView view)
    {
        if (unannounced && GrainKeys.IsUserId(this.GetPrimaryKeyString()))
        {
            GrainFactory.Publish(FeedTopics.User(this.GetPrimaryKeyString()), new CartChanged(view));
        }

        unannounced = false;
        return view;
    }

    /// <summary>The cart joined with its products as they are now; <paramref name="products"/> when they were just read.</summary>
    private async Task<CartView> ViewAsync(Dictionary<string, ProductDetails>? products = null)
    {
        var lines = state.State.Lines;
        if (lines.Count == 0)
        {
            return CartView.Empty with { UpdatedAt = state.State.UpdatedAt };
        }

        var byId = products ?? await ProductsAsync(lines.Select(l => l.ProductId));
        var views = lines.Select(line =>
        {
            var product = byId.GetValueOrDefault(line.ProductId);
            var variant = VariantOf(product, line.Sku);
            var purchasable = product is { Status: ProductStatus.Published, SellerStatus: StoreStatus.Active } && variant is not null;
            return (SellerId: product?.SellerId ?? "", SellerName: product?.SellerName ?? "", View: new CartLineView(
                line.ProductId, line.Sku, product?.Title ?? "", line.Quantity, variant?.Price ?? line.PriceWhenAdded,
                line.PriceWhenAdded, product?.Currency ?? line.Currency, variant?.Available ?? 0, purchasable));
        }).ToList();

        var sellers = views
            .GroupBy(v => (v.SellerId, v.View.Currency))
            .Select(g => new CartSellerView(g.Key.SellerId, g.First().SellerName, g.Key.Currency, g.Select(v => v.View).ToList(),
                g.Where(v => v.View.Purchasable).Sum(v => v.View.UnitPrice * v.View.Quantity)))
            .ToList();
        return new CartView(sellers, views.Sum(v => v.View.Quantity), state.State.UpdatedAt);
    }

    /// <summary>The products that exist among these ids, read in parallel.</summary>
    private async Task<Dictionary<string, ProductDetails>> ProductsAsync(IEnumerable<string> productIds)
    {
        var products = await Task.WhenAll(productIds.Distinct(StringComparer.Ordinal)
            .Select(id => GrainFactory.GetGrain<IProductGrain>(id).GetDetails()));
        return products.OfType<ProductDetails>().ToDictionary(p => p.ProductId, StringComparer.Ordinal);
    }

    private static VariantDetails? VariantOf(ProductDetails? product, string sku) =>
        product?.Variants.FirstOrDefault(v => string.Equals(v.Sku, sku, StringComparison.Ordinal));

    private void RequireOwner()
    {
        if (!CallerContext.Require().Owns(this.GetPrimaryKeyString()))
        {
            throw DomainException.Forbidden("not-your-cart", "A cart is read and changed only by its owner.");
        }
    }

    private static void RequireQuantity(int quantity)
    {
        if (quantity is < 1 or > MaxQuantity)
        {
            throw DomainException.Invalid(new Dictionary<string, string[]> { ["quantity"] = [$"Between 1 and {MaxQuantity}."] });
        }
    }
}
