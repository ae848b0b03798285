using Marketplace.Contracts.Orders;

namespace Marketplace.Contracts.Cart;

/// <summary>
/// One line of a cart with what the product says now. <see cref="PriceWhenAdded"/> is the unit price the shopper saw;
/// when it differs from <see cref="UnitPrice"/> the cart shows both.
/// </summary>
[GenerateSerializer, Immutable, Alias("mk.CartLineView")]
public sealed record CartLineView(
    [property: Id(0)] string ProductId,
    [property: Id(1)] string Sku,
    [property: Id(2)] string Title,
    [property: Id(3)] int Quantity,
    [property: Id(4)] long UnitPrice,
    [property: Id(5)] long PriceWhenAdded,
    [property: Id(6)] string Currency,
    [property: Id(7)] int Available,
    [property: Id(8)] bool Purchasable)
{
    public bool PriceChanged => UnitPrice != PriceWhenAdded;
}

/// <summary>
/// One store's part of a cart, in one currency: what a checkout turns into one order. <see cref="Discount"/> is the
/// offer its lines get now (the coupon entered, <see cref="CouponCode"/>, or an automatic promotion); when the entered
/// coupon gives nothing, <see cref="CouponProblem"/> says why (a code of <c>CouponProblems</c>, with
/// <see cref="CouponMinSubtotal"/> for <c>below-minimum</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("mk.CartSellerView")]
public sealed record CartSellerView(
    [property: Id(0)] string SellerId,
    [property: Id(1)] string SellerName,
    [property: Id(2)] string Currency,
    [property: Id(3)] IReadOnlyList<CartLineView> Lines,
    [property: Id(4)] long Subtotal,
    [property: Id(5)] CartDiscount? Discount = null,
    [property: Id(6)] string? CouponCode = null,
    [property: Id(7)] string? CouponProblem = null,
    [property: Id(8)] long CouponMinSubtotal = 0)
{
    /// <summary>What checking out this part costs before shipping (and before tax where prices exclude it).</summary>
    public long Total => Subtotal - (Discount?.Amount ?? 0);
}

/// <summary>A discount a cart's store part gets: the coupon or promotion and what it takes off.</summary>
[GenerateSerializer, Immutable, Alias("mk.CartDiscount")]
public sealed record CartDiscount(
    [property: Id(0)] string Code,
    [property: Id(1)] bool Automatic,
    [property: Id(2)] string? Description,
    [property: Id(3)] long Amount);

[GenerateSerializer, Immutable, Alias("mk.CartView")]
public sealed record CartView(
    [property: Id(0)] IReadOnlyList<CartSellerView> Sellers,
    [property: Id(1)] int Items,
    [property: Id(2)] DateTimeOffset? UpdatedAt)
{
    public static CartView Empty { get; } = new([], 0, null);
}

/// <summary>A shopper's (or guest's) cart, keyed by their user id. Only its owner reads or changes it.</summary>
[Alias("mk.ICartGrain")]
public interface ICartGrain : IGrainWithStringKey
{
    /// <summary>The cart grouped by store, with current prices and availability.</summary>
    [Alias("Get")]
    Task<CartView> Get();

    /// <summary>
    /// Adds units of a published product's SKU (summed with a line already there, at most the line limit). A repeated
    /// <paramref name="operationId"/> (a caller asking again after a lost answer) adds nothing a second time.
    /// </summary>
    [Alias("AddItem")]
    Task<CartView> AddItem(string productId, string sku, int quantity, string? operationId = null);

    /// <summary>Sets a line's quantity; 404 when the cart has no such line.</summary>
    [Alias("SetQuantity")]
    Task<CartView> SetQuantity(string productId, string sku, int quantity);

    /// <summary>Removes a line; removing a line that is not there changes nothing.</summary>
    [Alias("RemoveItem")]
    Task<CartView> RemoveItem(string productId, string sku);

    /// <summary>
    /// Moves a guest cart into this one after the guest signed in: quantities are summed, capped by what is available
    /// (never below what this cart already had) and by the line limit. The caller must have proven the guest's token;
    /// merging the same guest again changes nothing.
    /// </summary>
    [Alias("MergeGuest")]
    Task<CartView> MergeGuest(string guestId);

    /// <summary>The lines as stored, for a merge; only the cart's owner (or a proven holder of its guest token) reads them.</summary>
    [Alias("GetLines")]
    Task<IReadOnlyList<CartLineSnapshot>> GetLines();

    /// <summary>Empties the cart (after its lines moved to the account's cart).</summary>
    [Alias("Clear")]
    Task Clear();

    /// <summary>
    /// Enters a store's coupon code for that store's part of the cart (replacing one entered before). 400 when the cart
    /// holds nothing of the store, 404 when the store has no such code, 409 <c>coupon-unavailable</c> when it cannot be
    /// used (ended, not started, used up).
    /// </summary>
    [Alias("ApplyCoupon")]
    Task<CartView> ApplyCoupon(string sellerId, string code);

    /// <summary>Takes the coupon entered for a store's part out of the cart; nothing when there was none.</summary>
    [Alias("RemoveCoupon")]
    Task<CartView> RemoveCoupon(string sellerId);

    /// <summary>
    /// Turns the cart into one order per store and currency (or only the given store's), each reserving all its lines
    /// or none. Checked-out lines leave the cart; refused ones stay. Signed-in shoppers only; idempotent by key.
    /// </summary>
    [Alias("Checkout")]
    Task<CheckoutResult> Checkout(CheckoutRequest request);
}

[GenerateSerializer, Immutable, Alias("mk.CartLineSnapshot")]
public sealed record CartLineSnapshot(
    [property: Id(0)] string ProductId,
    [property: Id(1)] string Sku,
    [property: Id(2)] int Quantity,
    [property: Id(3)] long PriceWhenAdded,
    [property: Id(4)] string Currency,
    [property: Id(5)] int ProductVersion,
    [property: Id(6)] DateTimeOffset AddedAt);

/// <summary>
/// A checkout of the cart (or of one store's part, <see cref="SellerId"/>). <see cref="IdempotencyKey"/> names it and
/// <see cref="Fingerprint"/> identifies the request body, so a replay answers the same and a reuse for another body is refused.
/// <see cref="Freight"/>, keyed by <c>GrainKeys.Sku(productId, sku)</c>, is shipping already agreed per line.
/// </summary>
[GenerateSerializer, Immutable, Alias("mk.CheckoutRequest")]
public sealed record CheckoutRequest(
    [property: Id(0)] string? SellerId,
    [property: Id(1)] PostalAddress ShippingAddress,
    [property: Id(2)] string? Note,
    [property: Id(3)] string IdempotencyKey,
    [property: Id(4)] string Fingerprint,
    [property: Id(5)] CheckoutMode Mode = CheckoutMode.AllOrNothing,
    [property: Id(6)] IReadOnlyDictionary<string, long>? Freight = null);

/// <summary>How a checkout treats lines it cannot have.</summary>
[GenerateSerializer, Alias("mk.CheckoutMode")]
public enum CheckoutMode
{
    /// <summary>A store's part is ordered whole or not at all; a price rise refuses it. What is refused stays in the cart.</summary>
    AllOrNothing = 0,
    /// <summary>
    /// For clients that buy on the shopper's behalf without a person to ask (integrations): each store's order takes
    /// the lines that can be reserved, at today's prices; lines that cannot be had are dropped from the cart.
    /// </summary>
    TakeWhatIsAvailable = 1,
}

/// <summary>One order a checkout created.</summary>
[GenerateSerializer, Immutable, Alias("mk.CheckoutOrder")]
public sealed record CheckoutOrder(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string SellerId,
    [property: Id(2)] string SellerName,
    [property: Id(3)] OrderStatus Status,
    [property: Id(4)] long Total,
    [property: Id(5)] string Currency,
    [property: Id(6)] IReadOnlyList<OrderLine> Lines);

/// <summary>A line whose price rose since it was added; the cart now shows (and a second checkout charges) the new price.</summary>
[GenerateSerializer, Immutable, Alias("mk.PriceChange")]
public sealed record PriceChange(
    [property: Id(0)] string ProductId,
    [property: Id(1)] string Sku,
    [property: Id(2)] long PriceWhenAdded,
    [property: Id(3)] long UnitPrice);

/// <summary>
/// One store's part that became no order. <see cref="Code"/>: <c>out-of-stock</c> (see <see cref="Short"/>),
/// <c>price-changed</c> (see <see cref="PriceChanges"/>) or <c>coupon-unavailable</c> (see <see cref="CouponProblem"/>;
/// the coupon entered leaves the cart); its lines stay in the cart.
/// </summary>
[GenerateSerializer, Immutable, Alias("mk.CheckoutRefusal")]
public sealed record CheckoutRefusal(
    [property: Id(0)] string SellerId,
    [property: Id(1)] string Currency,
    [property: Id(2)] string Code,
    [property: Id(3)] string Detail,
    [property: Id(4)] IReadOnlyList<ShortLine> Short,
    [property: Id(5)] IReadOnlyList<PriceChange> PriceChanges,
    [property: Id(6)] string? CouponProblem = null);

/// <summary>
/// What a checkout did: no orders at all means it was refused as a whole (409). <see cref="Dropped"/>: lines a
/// <see cref="CheckoutMode.TakeWhatIsAvailable"/> checkout left out of its orders and took out of the cart.
/// </summary>
[GenerateSerializer, Immutable, Alias("mk.CheckoutResult")]
public sealed record CheckoutResult(
    [property: Id(0)] IReadOnlyList<CheckoutOrder> Orders,
    [property: Id(1)] IReadOnlyList<CheckoutRefusal> Refused,
    [property: Id(2)] IReadOnlyList<ShortLine>? Dropped = null);
