using Marketplace.Contracts.Cart;
using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Promotions;
using Marketplace.Contracts.Realtime;
using Marketplace.Grains.Common;
using Marketplace.Grains.Promotions;
using Marketplace.Grains.Realtime;

namespace Marketplace.Grains.Cart;

/// <summary>
/// A cart keyed by its owner's user id (a guest's too). Lines keep the price seen when added; reads join each line with
/// its product as it is now, so a price change or a product taken down shows instead of surprising at checkout. What a
/// checkout does to the cart is decided by <see cref="CheckoutPlan"/>.
/// </summary>
public sealed class CartGrain(
    [PersistentState("cart", StorageNames.Marketplace)] IPersistentState<CartState> state,
    TimeProvider clock) : Grain, ICartGrain
{
    public const int MaxQuantity = 999;
    public const int MaxLines = 100;
    public const int CheckoutMemory = CheckoutPlan.Memory;
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

    public async Task<CartView> ApplyCoupon(string sellerId, string code)
    {
        RequireOwner();
        var products = await ProductsAsync(state.State.Lines.Select(l => l.ProductId));
        if (!state.State.Lines.Any(l => products.GetValueOrDefault(l.ProductId) is { } p && string.Equals(p.SellerId, sellerId, StringComparison.Ordinal)))
        {
            throw DomainException.Invalid(new Dictionary<string, string[]> { ["sellerId"] = ["The cart holds nothing of this store."] });
        }

        var terms = await GrainFactory.GetGrain<IStoreCouponsGrain>(sellerId).Find(code) ?? throw DomainException.NotFound("The coupon");
        var now = clock.GetUtcNow();
        var problem = terms.DatesProblemAt(now)
            ?? (terms.MaxUses is { } max && await GrainFactory.GetGrain<ICouponGrain>(terms.CouponId).Usage() is var usage && usage.Used + usage.Held >= max
                ? CouponProblems.UsedUp
                : null);
        if (problem is not null)
        {
            throw DomainException.Conflict("coupon-unavailable", CouponProblems.Describe(problem));
        }

        state.State.Coupons.RemoveAll(c => string.Equals(c.SellerId, sellerId, StringComparison.Ordinal));
        state.State.Coupons.Add(new CartCouponState { SellerId = sellerId, Code = terms.Code });
        await SaveAsync();
        return Announce(await ViewAsync(products));
    }

    public async Task<CartView> RemoveCoupon(string sellerId)
    {
        RequireOwner();
        if (state.State.Coupons.RemoveAll(c => string.Equals(c.SellerId, sellerId, StringComparison.Ordinal)) > 0)
        {
            await SaveAsync();
        }

        return Announce(await ViewAsync());
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

        CheckoutPlan.Validate(request);
        var products = await ProductsAsync(state.State.Lines.Select(l => l.ProductId));
        var parts = CheckoutPlan.Parts(state.State.Lines, products, request.SellerId);
        if (parts.Count == 0)
        {
            throw DomainException.Conflict("nothing-to-checkout",
                request.SellerId is null ? "The cart holds nothing that is for sale." : "The cart holds nothing of that store that is for sale.");
        }

        var placements = await Task.WhenAll(parts.Select(part => PlaceAsync(buyerId, part, request)));
        var result = CheckoutPlan.Settle(state.State, parts, placements, request, clock.GetUtcNow());

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
        return new CheckoutResult(orders.Select(CheckoutPlan.Summary).ToList(), done.Refused, done.Dropped);
    }

    /// <summary>One store's part: refused when a price rose (the line then shows the new price), else placed as an order.</summary>
    private async Task<CheckoutPlacement> PlaceAsync(string buyerId, CheckoutPart part, CheckoutRequest request)
    {
        if (CheckoutPlan.PriceRises(part, request) is { } refusal)
        {
            return new CheckoutPlacement(null, refusal, []);
        }

        var storeRead = GrainFactory.GetGrain<ISellerGrain>(part.SellerId).GetProfile();
        var offers = await GrainFactory.GetGrain<IStoreCouponsGrain>(part.SellerId).Offers();
        var (orderId, order) = CheckoutPlan.Order(buyerId, part, await storeRead, request);
        var entered = CouponOf(part.SellerId);
        var (offer, problem) = CartDiscounts.ForCheckout(offers, entered, order.Lines, order.Currency, clock.GetUtcNow());
        if (problem is not null)
        {
            return CheckoutPlan.CouponRefused(part, problem, entered: true);
        }

        var placed = await GrainFactory.GetGrain<IOrderGrain>(orderId).Place(order with { Offer = offer });
        return CheckoutPlan.Placed(part, placed, entered: offer is not null && string.Equals(offer.Code, entered, StringComparison.Ordinal));
    }

    private string? CouponOf(string sellerId) =>
        state.State.Coupons.FirstOrDefault(c => string.Equals(c.SellerId, sellerId, StringComparison.Ordinal))?.Code;

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
            return (SellerId: product?.SellerId ?? "", SellerName: product?.SellerName ?? "", product?.Category, View: new CartLineView(
                line.ProductId, line.Sku, product?.Title ?? "", line.Quantity, variant?.Price ?? line.PriceWhenAdded,
                line.PriceWhenAdded, product?.Currency ?? line.Currency, variant?.Available ?? 0, purchasable));
        }).ToList();

        var now = clock.GetUtcNow();
        var sellers = await Task.WhenAll(views
            .GroupBy(v => (v.SellerId, v.View.Currency))
            .Select(async g =>
            {
                var forSale = g.Where(v => v.View.Purchasable)
                    .Select(v => new OrderLine(v.View.ProductId, v.View.Sku, v.View.Title, v.View.Quantity, v.View.UnitPrice, 0, v.Category)).ToList();
                var view = new CartSellerView(g.Key.SellerId, g.First().SellerName, g.Key.Currency, g.Select(v => v.View).ToList(), forSale.Sum(l => l.Total));
                var code = CouponOf(g.Key.SellerId);
                if (forSale.Count == 0 || !GrainKeys.IsSellerId(g.Key.SellerId))
                {
                    return view with { CouponCode = code };
                }

                // The store's running offers (and the entered coupon as the store has it, when it is not among them).
                var coupons = GrainFactory.GetGrain<IStoreCouponsGrain>(g.Key.SellerId);
                var offers = await coupons.Offers();
                var entered = code is null ? null
                    : offers.FirstOrDefault(o => string.Equals(o.Code, code, StringComparison.Ordinal)) ?? await coupons.Find(code);
                var (discount, problem) = CartDiscounts.View(offers, code, entered, forSale, g.Key.Currency, now);
                return view with { Discount = discount, CouponCode = code, CouponProblem = problem, CouponMinSubtotal = entered?.MinSubtotal ?? 0 };
            }));
        return new CartView(sellers, views.Sum(v => v.View.Quantity), state.State.UpdatedAt);
    }

    /// <summary>The products that exist among these ids, read in parallel.</summary>
    private async Task<Dictionary<string, ProductDetails>> ProductsAsync(IEnumerable<string> productIds)
    {
        var products = await Task.WhenAll(productIds.Distinct(StringComparer.Ordinal)
            .Select(id => GrainFactory.GetGrain<IProductGrain>(id).GetDetails()));
        return products.OfType<ProductDetails>().ToDictionary(p => p.ProductId, StringComparer.Ordinal);
    }

    private static VariantDetails? VariantOf(ProductDetails? product, string sku) => CheckoutPlan.VariantOf(product, sku);

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
