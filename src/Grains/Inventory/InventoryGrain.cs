using Marketplace.Grains.Common;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Inventory;

/// <summary>The stock of one SKU, keyed by "productId/sku".</summary>
public sealed partial class InventoryGrain(
    [PersistentState("inventory", StorageNames.Marketplace)] IPersistentState<SkuStock> state,
    ILogger<InventoryGrain> logger) : Grain, IInventoryGrain
{
    public async Task<StockLevel> Initialize(string sellerId, int initialStock)
    {
        if (state.State.Initialized)
        {
            if (!string.Equals(state.State.SellerId, sellerId, StringComparison.Ordinal))
            {
                throw DomainException.Conflict("sku-taken", "The SKU belongs to another store.");
            }

            return state.State.ToLevel();
        }

        RequireStoreStaff(sellerId);
        if (state.State.Initialize(sellerId, initialStock))
        {
            await PersistAsync();
        }

        return state.State.ToLevel();
    }

    public Task<StockLevel> GetLevel() => Task.FromResult(state.State.ToLevel());

    public async Task<StockLevel> SetOnHand(int onHand)
    {
        if (onHand is < 0 or > Catalog.CatalogRules.MaxStockPerSku)
        {
            throw DomainException.Invalid(new Dictionary<string, string[]>
            {
                ["onHand"] = [$"On-hand units must be between 0 and {Catalog.CatalogRules.MaxStockPerSku}."],
            });
        }

        if (!state.State.Initialized)
        {
            throw DomainException.NotFound("The SKU");
        }

        RequireStoreStaff(state.State.SellerId);
        if (state.State.SetOnHand(onHand))
        {
            await PersistAsync();
            LogStockSet(logger, this.GetPrimaryKeyString(), onHand);
        }

        return state.State.ToLevel();
    }

    /// <summary>
    /// The product grain has already asked the store whether the caller is its staff; this second check, on the claim
    /// the caller carries, keeps a direct call from another store out.
    /// </summary>
    private static void RequireStoreStaff(string sellerId)
    {
        if (!CallerContext.Require().ActsFor(sellerId))
        {
            throw DomainException.Forbidden("not-store-staff", "Only the store's staff may change its stock.");
        }
    }

    private async Task PersistAsync()
    {
        if (!state.State.IsConsistent())
        {
            // Never store a state that breaks conservation; drop the in-memory change by reloading on next call.
            DeactivateOnIdle();
            throw new InvalidOperationException($"Inventory {this.GetPrimaryKeyString()} would become inconsistent.");
        }

        await state.WriteOrReloadAsync(this);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stock of {Sku} set to {OnHand}")]
    private static partial void LogStockSet(ILogger logger, string sku, int onHand);
}
