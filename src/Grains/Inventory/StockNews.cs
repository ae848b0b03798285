using System.Globalization;
using Marketplace.Contracts.Notifications;
using Marketplace.Contracts.Realtime;

namespace Marketplace.Grains.Inventory;

/// <summary>
/// What a stored stock change tells people: the product's watchers hear the new availability, the store hears once per
/// crossing that a SKU fell to the low-stock threshold. Both go out after the write, so nobody hears of stock a crash
/// would take back. Pure.
/// </summary>
public static class StockNews
{
    /// <summary>The level as watchers see it, with the stored version that orders events.</summary>
    public static StockChanged Level(SkuCounters sku) => new(sku.ProductId, sku.Sku, sku.OnHand - sku.Reserved, sku.Version, sku.UpdatedAt);

    /// <summary>The event for the watchers when availability changed (always after the first write), else null.</summary>
    public static StockChanged? ForWatchers(StockLevel before, SkuCounters after) =>
        before.Version == 0 || before.Available != after.OnHand - after.Reserved ? Level(after) : null;

    /// <summary>
    /// The store's notice when availability went from above the threshold to at or below it, else null. The source key
    /// carries the version, so each crossing is one notification however often it is delivered.
    /// </summary>
    public static NotificationDraft? ForStore(StockLevel before, SkuCounters after, int threshold)
    {
        var available = after.OnHand - after.Reserved;
        if (before.Version == 0 || before.Available <= threshold || available > threshold)
        {
            return null;
        }

        return new NotificationDraft($"low-stock:{after.SkuId}:{after.Version}", NotificationKind.LowStock, $"Low stock: {after.Sku}",
            available == 0 ? $"{after.Sku} is sold out." : $"Only {available} unit(s) of {after.Sku} left.", $"/products/{after.ProductId}",
            new Dictionary<string, string>
            {
                [NotificationFacts.Sku] = after.Sku,
                [NotificationFacts.Available] = available.ToString(CultureInfo.InvariantCulture),
            });
    }
}
