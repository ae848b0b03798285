namespace Marketplace.Contracts.Inventory;

/// <summary>
/// A SKU's units. <see cref="OnHand"/> counts units not yet sold, reserved ones included, so
/// <see cref="Available"/> = OnHand − Reserved.
/// </summary>
[GenerateSerializer, Immutable, Alias("mk.StockLevel")]
public sealed record StockLevel(
    [property: Id(0)] int OnHand,
    [property: Id(1)] int Reserved,
    [property: Id(2)] int Sold,
    [property: Id(3)] int Version)
{
    public int Available => OnHand - Reserved;
}

/// <summary>The stock of one SKU. Keyed by <c>GrainKeys.Sku(productId, sku)</c>.</summary>
[Alias("mk.IInventoryGrain")]
public interface IInventoryGrain : IGrainWithStringKey
{
    /// <summary>
    /// Sets the owning store and the initial stock once; later calls leave the stock alone and answer the current level.
    /// </summary>
    [Alias("Initialize")]
    Task<StockLevel> Initialize(string sellerId, int initialStock);

    [Alias("GetLevel"), AlwaysInterleave]
    Task<StockLevel> GetLevel();

    /// <summary>
    /// Sets the units on hand; refused with a conflict when fewer than the reserved units, and refused unless the
    /// caller acts for the owning store.
    /// </summary>
    [Alias("SetOnHand")]
    Task<StockLevel> SetOnHand(int onHand);
}
