using Marketplace.Contracts.Common;
using Marketplace.Contracts.Inventory;
using Marketplace.Grains.Inventory;
using Marketplace.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Grains.Tests;

/// <summary>A cluster of its own (tests restart its silo) whose SKUs sweep expired holds within a second.</summary>
public sealed class InventoryClusterFixture : MarketplaceCluster, IAsyncLifetime
{
    public ValueTask InitializeAsync() => new(StartAsync("inventory"));

    protected override void ConfigureSilo(ISiloBuilder silo) =>
        silo.Services.Configure<InventoryOptions>(o =>
        {
            o.ExpiryGrace = TimeSpan.Zero;
            o.SweepInterval = TimeSpan.FromMilliseconds(250);
        });
}

[CollectionDefinition(Name)]
public sealed class InventoryClusterCollection : ICollectionFixture<InventoryClusterFixture>
{
    public const string Name = "inventory cluster";
}

[Collection(InventoryClusterCollection.Name)]
public sealed class InventoryGrainTests(InventoryClusterFixture cluster)
{
    private static DateTimeOffset InAnHour => DateTimeOffset.UtcNow.AddHours(1);

    private IGrainFactory Grains => cluster.Client;

    [Fact]
    public async Task Concurrent_reservations_from_many_clients_never_oversell_and_conserve_units()
    {
        var (skuId, sku) = await NewSkuAsync(stock: 100);

        // 500 orders race for 100 units, each asking for one.
        var results = await Task.WhenAll(Enumerable.Range(0, 500)
            .Select(i => Task.Run(() => sku.Reserve($"order-{i}", 1, InAnHour))));

        var held = results.Where(r => r.Status == ReservationStatus.Held).ToList();
        Assert.Equal(100, held.Count);
        Assert.Equal(400, results.Count(r => r.Status == ReservationStatus.Refused));
        Assert.Equal(new StockLevel(100, 100, 0, (await sku.GetLevel()).Version), await sku.GetLevel());

        // Group commit: the 100 holds were stored in fewer writes than there were operations.
        var version = await cluster.Database.ScalarAsync<long>("SELECT version FROM inventory_skus WHERE sku_id = @id", ("id", skuId));
        Assert.InRange(version, 2, 100);

        await Task.WhenAll(held.Take(60).Select(r => sku.Commit(r.OrderId)));
        await Task.WhenAll(held.Skip(60).Select(r => sku.Release(r.OrderId)));

        var level = await sku.GetLevel();
        Assert.Equal((40, 0, 60), (level.OnHand, level.Reserved, level.Sold));
        await AssertStoredConservationAsync(skuId, expectedOnHand: 40, expectedSold: 60);
    }

    [Fact]
    public async Task Retried_operations_have_one_effect()
    {
        var (skuId, sku) = await NewSkuAsync(stock: 5);

        var first = await sku.Reserve("order-a", 2, InAnHour);
        var retries = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => sku.Reserve("order-a", 2, InAnHour)));
        Assert.All(retries, r => Assert.Equal(ReservationStatus.Held, r.Status));
        Assert.Equal(3, first.Available);

        var commits = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => sku.Commit("order-a")));
        Assert.All(commits, r => Assert.Equal(ReservationStatus.Committed, r.Status));
        Assert.Equal(ReservationStatus.Committed, (await sku.Reserve("order-a", 2, InAnHour)).Status);

        await sku.Reserve("order-b", 1, InAnHour);
        await sku.Release("order-b");
        Assert.Equal(ReservationStatus.Released, (await sku.Commit("order-b")).Status);
        Assert.Equal(ReservationStatus.Unknown, (await sku.Commit("order-never")).Status);

        var level = await sku.GetLevel();
        Assert.Equal((3, 0, 2), (level.OnHand, level.Reserved, level.Sold));
        await AssertStoredConservationAsync(skuId, expectedOnHand: 3, expectedSold: 2);
    }

    [Fact]
    public async Task Stock_below_the_reserved_units_is_refused_and_restocks_apply_once()
    {
        var (_, sku) = await NewSkuAsync(stock: 10, Samples.NewStoreOwnedByCaller());
        await sku.Reserve("order-a", 6, InAnHour);

        var refusal = await Assert.ThrowsAsync<DomainException>(() => sku.SetOnHand(5));
        Assert.Equal(DomainErrorKind.Conflict, refusal.Kind);
        await sku.Restock("delivery-1", 4);
        await sku.Restock("delivery-1", 4);

        var level = await sku.GetLevel();
        Assert.Equal((14, 6), (level.OnHand, level.Reserved));
    }

    [Fact]
    public async Task The_sweep_releases_holds_nobody_settled()
    {
        var (skuId, sku) = await NewSkuAsync(stock: 4);
        await sku.Reserve("order-gone", 3, DateTimeOffset.UtcNow.AddMilliseconds(500));
        Assert.Equal(1, (await sku.GetLevel()).Available);

        var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
        while ((await sku.GetReservation("order-gone")).Status == ReservationStatus.Held && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(ReservationStatus.Expired, (await sku.GetReservation("order-gone")).Status);
        Assert.Equal(4, (await sku.GetLevel()).Available);
        Assert.Equal(ReservationStatus.Expired, (await sku.Commit("order-gone")).Status);
        await AssertStoredConservationAsync(skuId, expectedOnHand: 4, expectedSold: 0);
    }

    [Fact]
    public async Task Holds_and_outcomes_survive_a_silo_restart()
    {
        var (skuId, sku) = await NewSkuAsync(stock: 10, Samples.NewStoreOwnedByCaller());
        await sku.Reserve("order-held", 3, InAnHour);
        await sku.Reserve("order-sold", 2, InAnHour);
        await sku.Commit("order-sold");
        await sku.Restock("delivery-1", 5);

        await cluster.StopAllSilosAsync();
        await cluster.StartSiloAsync();
        await cluster.RestartClientAsync();
        sku = cluster.Client.GetGrain<IInventoryGrain>(skuId);

        var level = await sku.GetLevel();
        Assert.Equal((13, 3, 2), (level.OnHand, level.Reserved, level.Sold));
        Assert.Equal(ReservationStatus.Held, (await sku.GetReservation("order-held")).Status);
        Assert.Equal(ReservationStatus.Committed, (await sku.Commit("order-sold")).Status);
        await sku.Restock("delivery-1", 5);
        Assert.Equal(ReservationStatus.Committed, (await sku.Commit("order-held")).Status);
        await AssertStoredConservationAsync(skuId, expectedOnHand: 10, expectedSold: 5);
    }

    [Fact]
    public async Task A_store_sees_its_skus_at_or_below_the_low_stock_threshold_and_other_stores_do_not()
    {
        await NewSkuAsync(stock: 1); // another store's, low too
        var sellerId = Samples.NewStoreOwnedByCaller();
        await NewSkuAsync(stock: 3, sellerId);
        await NewSkuAsync(stock: 5, sellerId);
        await NewSkuAsync(stock: 6, sellerId);
        var stock = cluster.Client.GetGrain<IStoreStockGrain>(sellerId);

        // The threshold is the inventory's own (Inventory:LowStockThreshold, 5), the one that notifies the store.
        Assert.Equal([3, 5], (await stock.LowStock(50)).Select(s => s.Available));
        Assert.Equal([3], (await stock.LowStock(1)).Select(s => s.Available));
        await Assert.ThrowsAsync<DomainException>(() => stock.LowStock(0));

        Samples.ActAs(Samples.Admin());
        Assert.Equal(2, (await stock.LowStock(50)).Count);
        Samples.ActAs(Samples.SellerOf(GrainKeys.NewSellerId()));
        var refused = await Assert.ThrowsAsync<DomainException>(() => stock.LowStock(50));
        Assert.Equal(DomainErrorKind.Forbidden, refused.Kind);
    }

    /// <summary>
    /// A new SKU of a new store. The caller context set in here does not flow back to the test: tests that change
    /// stock act as the store's staff themselves and pass its id.
    /// </summary>
    private async Task<(string SkuId, IInventoryGrain Sku)> NewSkuAsync(int stock, string? sellerId = null)
    {
        var skuId = GrainKeys.Sku(GrainKeys.NewProductId(), "A");
        var sku = cluster.Client.GetGrain<IInventoryGrain>(skuId);
        await sku.Initialize(sellerId ?? Samples.NewStoreOwnedByCaller(), stock);
        return (skuId, sku);
    }

    /// <summary>DESIGN §4.1 on what storage holds: on hand + sold = initial + adjustments, and the rows agree.</summary>
    private async Task AssertStoredConservationAsync(string skuId, int expectedOnHand, int expectedSold)
    {
        var db = cluster.Database;
        Assert.Equal(expectedOnHand, await db.ScalarAsync<int>("SELECT on_hand FROM inventory_skus WHERE sku_id = @id", ("id", skuId)));
        Assert.Equal(expectedSold, await db.ScalarAsync<int>("SELECT sold FROM inventory_skus WHERE sku_id = @id", ("id", skuId)));
        Assert.True(await db.ScalarAsync<bool>("""
            SELECT s.on_hand + s.sold = s.initial_stock + s.adjustments
               AND s.reserved = coalesce((SELECT sum(quantity) FROM inventory_reservations r
                                          WHERE r.sku_id = s.sku_id AND r.status = 'held'), 0)
               AND s.sold = coalesce((SELECT sum(quantity) FROM inventory_reservations r
                                      WHERE r.sku_id = s.sku_id AND r.status = 'committed'), 0)
               AND s.adjustments = coalesce((SELECT sum(delta) FROM inventory_adjustments a WHERE a.sku_id = s.sku_id), 0)
            FROM inventory_skus s WHERE s.sku_id = @id
            """, ("id", skuId)));
    }
}
