using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Marketplace.Grains.Inventory;

/// <summary>
/// Reads across a store's SKUs for its console. Stateless: each call is one query on the inventory's own table, so any
/// silo answers it locally.
/// </summary>
[StatelessWorker]
public sealed class StoreStockGrain(IInventoryStore store, IOptions<InventoryOptions> options) : Grain, IStoreStockGrain
{
    public const int MaxLimit = 200;

    public Task<IReadOnlyList<LowStockSku>> LowStock(int limit)
    {
        var sellerId = this.GetPrimaryKeyString();
        var caller = CallerContext.Require();
        if (!caller.ActsFor(sellerId) && !caller.IsAdmin)
        {
            throw DomainException.Forbidden("not-store-staff", "Only the store's staff may see its stock.");
        }

        if (limit is < 1 or > MaxLimit)
        {
            throw DomainException.Invalid(new Dictionary<string, string[]> { ["limit"] = [$"From 1 to {MaxLimit}."] });
        }

        return store.LowStockAsync(sellerId, options.Value.LowStockThreshold, limit);
    }
}
