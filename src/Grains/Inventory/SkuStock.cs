using System.Text.Json.Serialization;

namespace Marketplace.Grains.Inventory;

/// <summary>
/// The persisted units of one SKU and the rules that keep them honest: available = OnHand − Reserved never drops
/// below zero, and OnHand + Sold always equals InitialStock + Adjustments (no unit appears or disappears except by
/// a recorded adjustment).
/// </summary>
public sealed class SkuStock
{
    public bool Initialized { get; set; }

    /// <summary>The store that owns the SKU; only its staff may change the stock.</summary>
    public string SellerId { get; set; } = "";

    public int InitialStock { get; set; }

    /// <summary>Net units added or removed by the seller after the initial stock (set-on-hand, restock).</summary>
    public long Adjustments { get; set; }

    public int OnHand { get; set; }

    public int Sold { get; set; }

    /// <summary>Units held for orders, by order id.</summary>
    public Dictionary<string, int> Reservations { get; set; } = new(StringComparer.Ordinal);

    public int Version { get; set; }

    [JsonIgnore]
    public int Reserved => Reservations.Values.Sum();

    [JsonIgnore]
    public int Available => OnHand - Reserved;

    public StockLevel ToLevel() => new(OnHand, Reserved, Sold, Version);

    /// <summary>Sets the first stock. Answers false (and changes nothing) when the SKU was initialized before.</summary>
    public bool Initialize(string sellerId, int initialStock)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initialStock);
        if (Initialized)
        {
            return false;
        }

        Initialized = true;
        SellerId = sellerId;
        InitialStock = initialStock;
        OnHand = initialStock;
        Version++;
        return true;
    }

    /// <summary>Sets the units on hand; answers false when nothing changes.</summary>
    public bool SetOnHand(int onHand)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(onHand);
        if (onHand < Reserved)
        {
            throw new DomainException(
                DomainErrorKind.Conflict,
                "stock-below-reserved",
                $"On-hand units cannot go below the {Reserved} unit(s) reserved by open orders.");
        }

        if (onHand == OnHand)
        {
            return false;
        }

        Adjustments += onHand - OnHand;
        OnHand = onHand;
        Version++;
        return true;
    }

    /// <summary>True when the conservation rule holds; checked by tests and by the grain before every write.</summary>
    public bool IsConsistent() =>
        Available >= 0 && OnHand >= 0 && Sold >= 0 && OnHand + (long)Sold == InitialStock + Adjustments;
}
