using Marketplace.Grains.Inventory;
using Marketplace.Testing;
using Orleans.Storage;

namespace Marketplace.Grains.Tests;

/// <summary>The PostgreSQL inventory store on its own: batches of many SKUs written concurrently share transactions.</summary>
public sealed class InventoryStoreTests
{
    [Fact]
    public async Task Concurrent_batches_of_many_skus_are_all_stored_and_a_stale_one_fails_alone()
    {
        await using var database = await TestDatabase.CreateAsync("inventorystore");
        var store = new PostgresInventoryStore(database.DataSource);
        var now = DateTimeOffset.UtcNow;
        var ledgers = Enumerable.Range(0, 200)
            .Select(i => SkuLedger.Create($"prd_store{i:D3}/A", $"prd_store{i:D3}", "A", "sel_store", 10, now))
            .ToList();
        await Task.WhenAll(ledgers.Select(l => store.WriteAsync(l.TakeBatch())));

        // Round two: every SKU reserves one unit at once; one batch claims a version storage does not have.
        var batches = ledgers.Select((l, i) =>
        {
            l.Reserve($"ord-{i}", 1, now.AddMinutes(15), now, out _);
            var batch = l.TakeBatch();
            return i == 57 ? batch with { ExpectedVersion = 5 } : batch;
        }).ToList();
        var outcomes = await Task.WhenAll(batches.Select(async b =>
        {
            try
            {
                await store.WriteAsync(b);
                return "stored";
            }
            catch (InconsistentStateException)
            {
                return "stale";
            }
        }));

        Assert.Equal("stale", outcomes[57]);
        Assert.Equal(199, outcomes.Count(o => o == "stored"));
        Assert.Equal(199, await database.ScalarAsync<long>("SELECT count(*) FROM inventory_skus WHERE version = 2 AND reserved = 1"));
        Assert.Equal(199, await database.ScalarAsync<long>("SELECT count(*) FROM inventory_reservations WHERE status = 'held'"));
        Assert.Equal(1, await database.ScalarAsync<long>(
            "SELECT count(*) FROM inventory_skus WHERE sku_id = 'prd_store057/A' AND version = 1 AND reserved = 0"));
        // Fewer transactions than batches: concurrent SKUs were written together.
        Assert.True(await database.ScalarAsync<long>("SELECT count(DISTINCT xmin::text) FROM inventory_skus WHERE version = 2") < 199);
    }
}
