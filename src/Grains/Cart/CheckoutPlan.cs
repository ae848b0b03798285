using Marketplace.Contracts.Cart;
using Marketplace.Contracts.Orders;
using Marketplace.Grains.Orders;

namespace Marketplace.Grains.Cart;

/// <summary>One store's part of a checkout: the cart lines for sale from that store, in one currency, with their products.</summary>
public sealed record CheckoutPart(string SellerId, string Currency, IReadOnlyList<(CartLineState Line, ProductDetails Product)> Lines);

/// <summary>
/// What became of one store's part: an order, or a refusal; the lines dropped when the buyer takes what there is; and
/// whether the coupon entered for the store leaves the cart (it could not be used).
/// </summary>
public sealed record CheckoutPlacement(CheckoutOrder? Order, CheckoutRefusal? Refusal, IReadOnlyList<ShortLine> Dropped, bool DropCoupon = false);

/// <summary>
/// What a checkout does to a cart, as decisions: which lines go to which store's order, when a risen price refuses a
/// store's part, the order each part asks for, and what the cart keeps and remembers afterwards. Pure: the grain reads
/// the products, places the orders and stores the cart.
/// </summary>
public static class CheckoutPlan
{
    /// <summary>Checkouts a cart remembers by Idempotency-Key, answered again on a replay.</summary>
    public const int Memory = 50;

    /// <summary>The shipping address and the note, as the order will need them.</summary>
    public static void Validate(CheckoutRequest request)
    {
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
    }

    /// <summary>
    /// The lines for sale (published, in an active store, a SKU the product still has), of the chosen store if one was
    /// named, grouped into one part per store and currency.
    /// </summary>
    public static List<CheckoutPart> Parts(IEnumerable<CartLineState> lines, IReadOnlyDictionary<string, ProductDetails> products, string? sellerId) =>
        lines
            .Select(line => (Line: line, Product: products.GetValueOrDefault(line.ProductId)))
            .Where(x => x.Product is { Status: ProductStatus.Published, SellerStatus: StoreStatus.Active }
                && VariantOf(x.Product, x.Line.Sku) is not null
                && (sellerId is null || string.Equals(x.Product.SellerId, sellerId, StringComparison.Ordinal)))
            .GroupBy(x => (x.Product!.SellerId, x.Product.Currency))
            .Select(g => new CheckoutPart(g.Key.SellerId, g.Key.Currency, g.Select(x => (x.Line, x.Product!)).ToList()))
            .ToList();

    /// <summary>
    /// A part whose prices rose since its lines were added is refused as a whole (unless the buyer takes what there is);
    /// its lines then show the new prices, so a second checkout agrees to them. Null when nothing rose.
    /// </summary>
    public static CheckoutRefusal? PriceRises(CheckoutPart part, CheckoutRequest request)
    {
        if (request.Mode == CheckoutMode.TakeWhatIsAvailable)
        {
            return null;
        }

        var risen = part.Lines
            .Select(x => (x.Line, x.Product, Variant: VariantOf(x.Product, x.Line.Sku)!))
            .Where(x => x.Variant.Price > x.Line.PriceWhenAdded)
            .ToList();
        if (risen.Count == 0)
        {
            return null;
        }

        var changes = risen.Select(x => new PriceChange(x.Line.ProductId, x.Line.Sku, x.Line.PriceWhenAdded, x.Variant.Price)).ToList();
        foreach (var (line, product, variant) in risen)
        {
            line.PriceWhenAdded = variant.Price;
            line.ProductVersion = product.Version;
        }

        return new CheckoutRefusal(part.SellerId, part.Currency, "price-changed",
            "Prices rose since these lines were added; the cart shows the new prices.", [], changes);
    }

    /// <summary>The order a part asks for, at today's prices with the freight agreed per SKU; its id derives from the key.</summary>
    public static (string OrderId, PlaceOrderRequest Request) Order(string buyerId, CheckoutPart part, StoreProfile? store, CheckoutRequest request)
    {
        var lines = part.Lines.Select(x => new OrderLine(x.Line.ProductId, x.Line.Sku, x.Product.Title, x.Line.Quantity,
            VariantOf(x.Product, x.Line.Sku)!.Price, request.Freight?.GetValueOrDefault(GrainKeys.Sku(x.Line.ProductId, x.Line.Sku)) ?? 0,
            x.Product.Category)).ToList();
        var orderId = GrainKeys.DerivedId(GrainKeys.OrderPrefix, buyerId + "\n" + part.SellerId + "\n" + part.Currency, request.IdempotencyKey);
        return (orderId, new PlaceOrderRequest(
            buyerId, part.SellerId, store?.Name ?? part.Lines[0].Product.SellerName, part.Currency, lines, request.ShippingAddress, request.Note,
            store?.RequiresConfirmation ?? false, request.Fingerprint, request.Mode == CheckoutMode.TakeWhatIsAvailable,
            store?.PricesIncludeTax ?? true, store?.TaxRatePpm ?? 0, ReturnWindowDays: store?.ReturnWindowDays ?? StoreDraft.DefaultReturnWindowDays));
    }

    /// <summary>
    /// What placing a part answered: its order, or the short lines or the coupon that refused it (nothing of the store
    /// was held). <paramref name="entered"/>: whether the order's offer was the coupon the shopper entered.
    /// </summary>
    public static CheckoutPlacement Placed(CheckoutPart part, PlaceOrderResult placed, bool entered = false) => placed switch
    {
        { Order: { } order } => new CheckoutPlacement(Summary(order), null, placed.Short),
        { CouponRefused: { } problem } => CouponRefused(part, problem, entered),
        _ => new CheckoutPlacement(null, new CheckoutRefusal(part.SellerId, part.Currency, "out-of-stock",
            "Not enough stock for every line; nothing of this store was reserved.", placed.Short, []), placed.Short),
    };

    /// <summary>A part refused for its coupon; the coupon the shopper entered leaves the cart, so checking out again goes without it.</summary>
    public static CheckoutPlacement CouponRefused(CheckoutPart part, string problem, bool entered) =>
        new(null, new CheckoutRefusal(part.SellerId, part.Currency, "coupon-unavailable",
            Contracts.Promotions.CouponProblems.Describe(problem) + " Nothing of this store was reserved.", [], [], problem), [], DropCoupon: entered);

    /// <summary>
    /// The cart after the checkout and its answer: bought lines leave the cart (and, when the buyer takes what there is,
    /// every line looked at), and the answer is remembered under the key for a replay (the latest <see cref="Memory"/>).
    /// </summary>
    public static CheckoutResult Settle(CartState cart, IReadOnlyList<CheckoutPart> parts, IReadOnlyList<CheckoutPlacement> placements,
        CheckoutRequest request, DateTimeOffset now)
    {
        var orders = placements.Select(p => p.Order).OfType<CheckoutOrder>().ToList();
        var partial = request.Mode == CheckoutMode.TakeWhatIsAvailable;
        if (partial)
        {
            // Bought or not to be had: every line this checkout looked at leaves the cart.
            var considered = parts.SelectMany(part => part.Lines).Select(x => x.Line).ToHashSet();
            cart.Lines.RemoveAll(considered.Contains);
        }

        foreach (var order in orders)
        {
            cart.Lines.RemoveAll(l => order.Lines.Any(o =>
                string.Equals(o.ProductId, l.ProductId, StringComparison.Ordinal) && string.Equals(o.Sku, l.Sku, StringComparison.Ordinal)));
        }

        // A coupon goes with its store's lines, and one that could not be used leaves so the next checkout goes without it.
        var dropped = parts.Zip(placements).Where(x => x.Second.DropCoupon).Select(x => x.First.SellerId).ToHashSet(StringComparer.Ordinal);
        cart.Coupons.RemoveAll(c =>
        {
            var store = parts.Where(p => string.Equals(p.SellerId, c.SellerId, StringComparison.Ordinal)).ToList();
            return dropped.Contains(c.SellerId) || (store.Count > 0 && !store.Any(p => p.Lines.Any(x => cart.Lines.Contains(x.Line))));
        });

        var result = new CheckoutResult(orders, placements.Select(p => p.Refusal).OfType<CheckoutRefusal>().ToList(),
            partial ? placements.SelectMany(p => p.Dropped).ToList() : null);
        cart.Checkouts.Add(new CheckoutRecord
        {
            Key = request.IdempotencyKey, Fingerprint = request.Fingerprint, OrderIds = orders.Select(o => o.OrderId).ToList(),
            Refused = [.. result.Refused], Dropped = result.Dropped?.ToList(), At = now,
        });
        if (cart.Checkouts.Count > Memory)
        {
            cart.Checkouts.RemoveRange(0, cart.Checkouts.Count - Memory);
        }

        return result;
    }

    /// <summary>An order as a checkout's answer shows it.</summary>
    public static CheckoutOrder Summary(OrderView order) =>
        new(order.OrderId, order.SellerId, order.SellerName, order.Status, order.Total, order.Currency, order.Lines);

    public static VariantDetails? VariantOf(ProductDetails? product, string sku) =>
        product?.Variants.FirstOrDefault(v => string.Equals(v.Sku, sku, StringComparison.Ordinal));
}
