using Marketplace.Grains.Inventory;
using Marketplace.Testing;
using Orleans.Storage;

namespace Marketplace.Grains.Tests;

/// <summary>The PostgreSQL inventory store on its own: batches of many SKUs written concurrently share transactions.</summary>
public sealed class InventoryStoreTests
{
    [Fact]
    public async Task Concurrent_batches_of_many_skus_are_stored_together_and_a_stale_or_refused_one_fails_alone()
    {
        await using var database = await TestDatabase.CreateAsync("inventorystore");
        var store = new PostgresInventoryStore(database.DataSource);
        var now = DateTimeOffset.UtcNow;
        var ledgers = Enumerable.Range(0, 200)
            .Select(i => SkuLedger.Create($"prd_store{i:D3}/A", $"prd_store{i:D3}", "A", "sel_store", 10, now))
            .ToList();
        ledgers[91].Restock("adj-91", 1, 1000, now);
        var first = ledgers.Select(l => l.TakeBatch()).ToList();
        var restock = first[91].Adjustments;
        await Task.WhenAll(first.Select(b => store.WriteAsync(b)));

        // Round two: every SKU reserves one unit at once; one batch claims a version storage does not have, and one
        // carries an adjustment that is stored already (the database refuses it).
        var batches = ledgers.Select((l, i) =>
        {
            l.Reserve($"ord-{i}", 1, now.AddMinutes(15), now, out _);
            var batch = l.TakeBatch();
            return i switch
            {
                57 => batch with { ExpectedVersion = 5 },
                91 => batch with { Adjustments = restock },
                _ => batch,
            };
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
            catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation)
            {
                return "refused";
            }
        }));

        Assert.Equal("stale", outcomes[57]);
        Assert.Equal("refused", outcomes[91]);
        Assert.Equal(198, outcomes.Count(o => o == "stored"));
        Assert.Equal(198, await database.ScalarAsync<long>("SELECT count(*) FROM inventory_skus WHERE version = 2 AND reserved = 1"));
        Assert.Equal(198, await database.ScalarAsync<long>("SELECT count(*) FROM inventory_reservations WHERE status = 'held'"));
        Assert.Equal(1, await database.ScalarAsync<long>(
            "SELECT count(*) FROM inventory_skus WHERE sku_id = 'prd_store057/A' AND version = 1 AND reserved = 0"));
        // Fewer transactions than batches: concurrent SKUs were written together.
        Assert.True(await database.ScalarAsync<long>("SELECT count(DISTINCT xmin::text) FROM inventory_skus WHERE version = 2") < 198);
    }
}
