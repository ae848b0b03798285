namespace Marketplace.Grains.Inventory;

/// <summary>The inventory's safety net for holds nobody settled (configuration section <c>Inventory</c>).</summary>
public sealed class InventoryOptions
{
    /// <summary>
    /// How long after its expiry a hold is released by the SKU's own sweep. The order saga owns the timeout; this only
    /// catches holds whose order never came back, so it is deliberately longer.
    /// </summary>
    public TimeSpan ExpiryGrace { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often an active SKU with holds looks for expired ones.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The reminder that wakes a SKU with holds after a crash or deactivation.</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many settled holds a SKU remembers in memory to answer retries without reading storage.</summary>
    public int SettledMemory { get; set; } = 100_000;

    /// <summary>The store is notified when a SKU's availability falls to this many units or fewer.</summary>
    public int LowStockThreshold { get; set; } = 5;
}
