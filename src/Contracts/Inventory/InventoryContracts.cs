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
    [property: Id(3)] long Version)
{
    public int Available => OnHand - Reserved;

    public static StockLevel None { get; } = new(0, 0, 0, 0);
}

/// <summary>Where an order's hold on a SKU stands.</summary>
[GenerateSerializer, Alias("mk.ReservationStatus")]
public enum ReservationStatus
{
    /// <summary>Units are held for the order.</summary>
    Held = 0,
    /// <summary>The held units were sold.</summary>
    Committed = 1,
    /// <summary>The order let the units go.</summary>
    Released = 2,
    /// <summary>The inventory's own sweep let the units go after the hold's expiry (plus a grace period).</summary>
    Expired = 3,
    /// <summary>Not enough units were available; nothing was held.</summary>
    Refused = 4,
    /// <summary>The SKU never held units for this order.</summary>
    Unknown = 5,
}

/// <summary>The answer to a reservation operation. <see cref="Available"/> is the SKU's availability after it.</summary>
[GenerateSerializer, Immutable, Alias("mk.ReservationResult")]
public sealed record ReservationResult(
    [property: Id(0)] string OrderId,
    [property: Id(1)] ReservationStatus Status,
    [property: Id(2)] int Quantity,
    [property: Id(3)] int Available,
    [property: Id(4)] DateTimeOffset? ExpiresAt);

/// <summary>
/// The stock of one SKU. Keyed by <c>GrainKeys.Sku(productId, sku)</c>. Every operation is idempotent: reservations by
/// order id, adjustments by adjustment id. An answer is given only once its effect is durable.
/// </summary>
[Alias("mk.IInventoryGrain")]
public interface IInventoryGrain : IGrainWithStringKey
{
    /// <summary>
    /// Sets the owning store and the initial stock once; later calls leave the stock alone and answer the current level.
    /// </summary>
    [Alias("Initialize")]
    Task<StockLevel> Initialize(string sellerId, int initialStock);

    /// <summary>The durable level (what a crash would keep); <see cref="StockLevel.None"/> for an unknown SKU.</summary>
    [Alias("GetLevel")]
    Task<StockLevel> GetLevel();

    /// <summary>
    /// Sets the units on hand; refused with a conflict when fewer than the reserved units, and refused unless the
    /// caller acts for the owning store.
    /// </summary>
    [Alias("SetOnHand")]
    Task<StockLevel> SetOnHand(int onHand);

    /// <summary>Adds (or, negative, removes) units on hand once per <paramref name="adjustmentId"/>; store staff only.</summary>
    [Alias("Restock")]
    Task<StockLevel> Restock(string adjustmentId, int delta);

    /// <summary>
    /// Holds <paramref name="quantity"/> units for the order until <paramref name="expiresAt"/>, or answers
    /// <see cref="ReservationStatus.Refused"/> without holding anything. Repeating it answers the same hold.
    /// </summary>
    [Alias("Reserve")]
    Task<ReservationResult> Reserve(string orderId, int quantity, DateTimeOffset expiresAt);

    /// <summary>Lets the order's held units go. Answers the hold's final status; a no-op if already settled.</summary>
    [Alias("Release")]
    Task<ReservationResult> Release(string orderId);

    /// <summary>
    /// Turns the order's held units into sold units. A hold that was released or expired is not revived: the answer
    /// says so and the caller must not treat the units as sold.
    /// </summary>
    [Alias("Commit")]
    Task<ReservationResult> Commit(string orderId);

    /// <summary>
    /// Units of a paid order coming back (a return the store received), once per <paramref name="returnId"/>: from sold
    /// back on the shelf, or, <paramref name="writeOff"/>, out of the stock (damaged). 409 when the order bought no
    /// units here, or fewer than that.
    /// </summary>
    [Alias("TakeBack")]
    Task<StockLevel> TakeBack(string orderId, string returnId, int quantity, bool writeOff);

    /// <summary>The order's hold on this SKU, or <see cref="ReservationStatus.Unknown"/>.</summary>
    [Alias("GetReservation")]
    Task<ReservationResult> GetReservation(string orderId);
}

/// <summary>A store's SKU whose availability is at or below the inventory's low-stock threshold.</summary>
[GenerateSerializer, Immutable, Alias("mk.LowStockSku")]
public sealed record LowStockSku(
    [property: Id(0)] string ProductId,
    [property: Id(1)] string Sku,
    [property: Id(2)] int Available,
    [property: Id(3)] int OnHand,
    [property: Id(4)] int Reserved);

/// <summary>
/// A store's stock seen whole, keyed by the seller id: what the inventory alone may read from its tables, with its own
/// low-stock threshold (<c>Inventory:LowStockThreshold</c>, the one that also notifies the store).
/// </summary>
[Alias("mk.IStoreStockGrain")]
public interface IStoreStockGrain : IGrainWithStringKey
{
    /// <summary>The store's SKUs at or below the threshold, fewest available first; for the store's staff and admins.</summary>
    [Alias("LowStock")]
    Task<IReadOnlyList<LowStockSku>> LowStock(int limit);
}
