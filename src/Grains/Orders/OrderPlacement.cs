using Marketplace.Contracts.Orders;

namespace Marketplace.Grains.Orders;

/// <summary>
/// Placing an order as decisions: what a placement request may hold, how long its stock is held, what a replay of the
/// same checkout answers, which lines the holds left short, and the order it opens. Pure: the grain reserves the
/// stock and stores the order.
/// </summary>
public static class OrderPlacement
{
    public const int MaxLines = 100;
    public const int MaxTextLength = 500;
    public const long MaxShippingCost = 100_000_000;

    public static void Validate(string orderId, PlaceOrderRequest request)
    {
        if (!GrainKeys.IsOrderId(orderId))
        {
            throw DomainException.Invalid(new Dictionary<string, string[]> { ["orderId"] = ["Not an order id."] });
        }

        var errors = new Dictionary<string, string[]>();
        if (request.Lines.Count is 0 or > MaxLines)
        {
            errors["lines"] = [$"Between 1 and {MaxLines} lines."];
        }
        else if (request.Lines.Any(l => l.Quantity < 1 || l.UnitPrice < 0 || l.Freight is < 0 or > MaxShippingCost)
            || request.Lines.DistinctBy(l => (l.ProductId, l.Sku)).Count() != request.Lines.Count)
        {
            errors["lines"] = ["Each SKU once, with a positive quantity, a price and a freight within bounds."];
        }

        if (!Currencies.IsSupported(request.Currency))
        {
            errors["currency"] = ["Not a known currency."];
        }

        DomainException.ThrowIfInvalid(errors);
    }

    /// <summary>A note or reason: at most <see cref="MaxTextLength"/> characters the database can store.</summary>
    public static void RequireText(string field, string? value, bool required)
    {
        if ((required && string.IsNullOrWhiteSpace(value)) || value?.Length > MaxTextLength)
        {
            throw DomainException.Invalid(new Dictionary<string, string[]>
            {
                [field] = [$"{(required ? "Required, at most" : "At most")} {MaxTextLength} characters."],
            });
        }

        if (!StorableText.IsStorable(value))
        {
            throw DomainException.Invalid(new Dictionary<string, string[]> { [field] = [StorableText.Refusal] });
        }
    }

    /// <summary>A store accepting a quotation may set the shipping cost, within bounds.</summary>
    public static void RequireShippingCost(long? shippingCost)
    {
        if (shippingCost is < 0 or > MaxShippingCost)
        {
            throw DomainException.Invalid(new Dictionary<string, string[]>
            {
                ["shippingCost"] = [$"Between 0 and {MaxShippingCost} in minor units."],
            });
        }
    }

    /// <summary>What the buyer pays: the lines less their discounts, shipping, and the tax when the prices do not include it.</summary>
    public static long TotalOf(OrderState order) => order.Subtotal - order.Discount + order.ShippingCost + (order.PricesIncludeTax ? 0 : order.Tax);

    /// <summary>A line's amount after its discount: what its tax and commission are taken on.</summary>
    public static long NetOfLine(OrderState order, int line) =>
        order.Lines[line].Total - (line < order.LineDiscounts.Count ? order.LineDiscounts[line] : 0);

    /// <summary>
    /// The discount the order's coupon gives the held lines, or null without a coupon. A coupon the shopper counted on
    /// that no longer applies refuses the order (<see cref="DiscountVerdict.Problem"/>), unless the buyer takes what
    /// there is: then the lines are bought without it.
    /// </summary>
    public static Promotions.DiscountVerdict? DiscountOf(PlaceOrderRequest request, IReadOnlyList<OrderLine> held, DateTimeOffset now) =>
        request.Offer is { } offer ? Promotions.Discounts.Apply(offer, held, request.Currency, now) : null;

    /// <summary>The shipping cost the store quoted when accepting, if it named one; the total follows.</summary>
    public static void Quote(OrderState order, long? shippingCost)
    {
        if (shippingCost is { } cost)
        {
            order.ShippingCost = cost;
            order.Total = TotalOf(order);
        }
    }

    /// <summary>
    /// Holds outlive the longest the order can wait (confirmation, payment, and a margin), so the inventory's own sweep
    /// never takes units an order still counts on.
    /// </summary>
    public static DateTimeOffset HoldUntil(PlaceOrderRequest request, DateTimeOffset now, OrderOptions options) =>
        now + (request.RequiresConfirmation ? options.ConfirmationTimeout : TimeSpan.Zero) + options.PaymentTimeout + options.HoldMargin;

    /// <summary>
    /// The short lines to answer again for a checkout replayed with its key: lines a partial placement left out are
    /// still short (their availability then is unknown). The same buyer and the same request only.
    /// </summary>
    public static List<ShortLine> Replay(OrderState order, PlaceOrderRequest request)
    {
        if (!string.Equals(order.BuyerId, request.BuyerId, StringComparison.Ordinal))
        {
            throw DomainException.Forbidden("not-the-buyer", "The order belongs to another buyer.");
        }

        if (!string.Equals(order.CheckoutFingerprint, request.CheckoutFingerprint, StringComparison.Ordinal))
        {
            throw new DomainException(DomainErrorKind.IdempotencyMismatch, "idempotency-key-reused",
                "This Idempotency-Key was used for a different checkout.");
        }

        return request.Lines
            .Where(l => !order.Lines.Any(o => string.Equals(o.ProductId, l.ProductId, StringComparison.Ordinal) && string.Equals(o.Sku, l.Sku, StringComparison.Ordinal)))
            .Select(l => new ShortLine(l.ProductId, l.Sku, l.Quantity, 0))
            .ToList();
    }

    /// <summary>The lines the inventory holds for the order, and those it could not hold with what is available.</summary>
    public static (List<OrderLine> Held, List<ShortLine> Short) Sort(IReadOnlyList<OrderLine> lines, IReadOnlyList<ReservationResult> results)
    {
        var pairs = lines.Zip(results).ToList();
        var held = pairs.Where(p => p.Second.Status == ReservationStatus.Held).Select(p => p.First).ToList();
        var shortLines = pairs
            .Where(p => p.Second.Status != ReservationStatus.Held)
            .Select(p => new ShortLine(p.First.ProductId, p.First.Sku, p.First.Quantity, Math.Max(0, p.Second.Available)))
            .ToList();
        return (held, shortLines);
    }

    /// <summary>All or nothing, unless the buyer takes what is available and something was held.</summary>
    public static bool IsRefused(PlaceOrderRequest request, int held, int shortLines) =>
        shortLines > 0 && !(request.TakeWhatIsAvailable && held > 0);

    /// <summary>
    /// The order as placed with the held lines, their commission rates (in the same order) and the discount its coupon
    /// gives them; the grain then records its first transition.
    /// </summary>
    public static void Open(
        OrderState order, PlaceOrderRequest request, List<OrderLine> held, IReadOnlyList<int> commissionBps, int taxRatePpm, DateTimeOffset now,
        Promotions.DiscountVerdict? discount = null)
    {
        order.Created = true;
        order.BuyerId = request.BuyerId;
        order.SellerId = request.SellerId;
        order.SellerName = request.SellerName;
        order.Currency = request.Currency;
        order.Lines = held;
        order.CommissionBps = [.. commissionBps];
        order.Subtotal = held.Sum(l => l.Total);
        order.ShippingCost = held.Sum(l => l.Freight);
        if (discount is { Applies: true } applied)
        {
            order.Discounts = [new OrderDiscount(applied.Terms.CouponId, applied.Terms.Code, applied.Terms.Automatic, applied.Terms.Description, applied.Amount)];
            order.LineDiscounts = [.. applied.PerLine];
            order.Discount = applied.Amount;
        }

        order.PricesIncludeTax = request.PricesIncludeTax;
        order.TaxRatePpm = taxRatePpm;
        order.LineTaxes = [.. held.Select((_, i) => Finance.TaxRules.OfLine(NetOfLine(order, i), taxRatePpm, request.PricesIncludeTax))];
        order.Tax = order.LineTaxes.Sum();
        order.Total = TotalOf(order);
        order.ShippingAddress = request.ShippingAddress;
        order.Note = request.Note;
        order.RequiresConfirmation = request.RequiresConfirmation;
        order.ReturnWindowDays = request.ReturnWindowDays;
        order.CheckoutFingerprint = request.CheckoutFingerprint;
        order.PlacedAt = now;
        order.Status = OrderStatus.Placed;
        order.Timeline.Add(new OrderTimelineEntry(OrderStatus.Placed, now, null));
    }
}
