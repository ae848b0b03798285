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

/// <summary>One store's part of a cart, in one currency: what a checkout turns into one order.</summary>
[GenerateSerializer, Immutable, Alias("mk.CartSellerView")]
public sealed record CartSellerView(
    [property: Id(0)] string SellerId,
    [property: Id(1)] string SellerName,
    [property: Id(2)] string Currency,
    [property: Id(3)] IReadOnlyList<CartLineView> Lines,
    [property: Id(4)] long Subtotal);

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

    /// <summary>Adds units of a published product's SKU (summed with a line already there, at most the line limit).</summary>
    [Alias("AddItem")]
    Task<CartView> AddItem(string productId, string sku, int quantity);

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
