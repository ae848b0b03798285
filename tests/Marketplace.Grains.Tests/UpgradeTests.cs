using Marketplace.Contracts.Catalog;
using Marketplace.Contracts.Orders;
using Marketplace.Grains.Catalog;
using Marketplace.Grains.Orders;
using Marketplace.Grains.Storage;
using Marketplace.Migrator;
using Marketplace.Testing;
using Marketplace.Web.Search;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Grains.Tests;

/// <summary>
/// A database written by the previous release (grain state in orleans_storage, read models kept by triggers) is upgraded
/// by migration 0012: every state row moves with its version and JSON, the read models keep their rows, and the C#
/// projections rebuild them to the same rows the triggers had written.
/// </summary>
public sealed class UpgradeTests
{
    private const int PreviousSchema = 11;

    [Fact]
    public async Task Upgrading_keeps_every_state_row_and_read_model_row_and_the_cs_projections_agree_with_the_old_triggers()
    {
        await using var database = await TestDatabase.CreateAsync("upgrade", migrate: false);
        var migrator = new DatabaseMigrator(database.DataSource);
        await migrator.MigrateAsync(PreviousSchema);
        var at = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        var seller = new SellerState
        {
            Created = true, Name = "Café Ana", Status = StoreStatus.Active, CreatedAt = at, UpdatedAt = at.AddHours(1),
            Staff = [new StaffEntry { UserId = "usr_owner", Role = StaffRole.Owner }], Products = [new StoreProductEntry { ProductId = "prd_old1" }],
        };
        var product = new ProductState
        {
            Created = true, SellerId = "sel_old1", Title = "Café de Colombia", Category = "coffee", Currency = "CLP", Price = 8990,
            Status = ProductStatus.Published, Description = "Tostado medio", CreatedAt = at, UpdatedAt = at, RatingSum = 5, RatingCount = 1,
            Variants = [new VariantState { Sku = "A", Options = new Dictionary<string, string> { ["size"] = "250 g" } }],
        };
        var order = new OrderState
        {
            Created = true, BuyerId = "usr_buyer", SellerId = "sel_old1", SellerName = "Café Ana", Currency = "CLP", Status = OrderStatus.AwaitingPayment,
            Lines = [new OrderLine("prd_old1", "A", "Café de Colombia", 2, 8990, 500)], Subtotal = 17_980, ShippingCost = 500, Total = 18_480,
            PlacedAt = at, UpdatedAt = at, DecideBy = at.AddMinutes(30), PendingStock = OrderEffects.ReleaseStock,
        };
        await WriteAsOldProviderAsync(database, "seller", "sel_old1", seller, writes: 3);
        await WriteAsOldProviderAsync(database, "product", "prd_old1", product, writes: 2);
        await WriteAsOldProviderAsync(database, "order", "ord_old1", order, writes: 1);
        var before = await ReadModelSnapshot.TakeAsync(database, withDocuments: false);
        var documentBefore = await database.ScalarAsync<string>("SELECT document::text FROM search_products");

        await migrator.MigrateAsync();

        Assert.Equal(
            [("order", "ord_old1", 1, StateJson.Serialize(order)), ("product", "prd_old1", 2, StateJson.Serialize(product)), ("seller", "sel_old1", 3, StateJson.Serialize(seller))],
            await StatesAsync(database));
        Assert.Equal(before, await ReadModelSnapshot.TakeAsync(database, withDocuments: false));

        // The C# projections over the moved rows give the rows the triggers wrote; search words keep their weights.
        await new ReadModelRebuilder(database.DataSource).RebuildAllAsync();
        Assert.Equal(before, await ReadModelSnapshot.TakeAsync(database, withDocuments: false));
        Assert.Equal(SearchText.ParseTsVector(documentBefore!), SearchText.ParseTsVector((await database.ScalarAsync<string>("SELECT document FROM search_products"))!));

        // And the provider reads them back as the grains wrote them, at their version.
        using var writer = new StateWriter(database.DataSource, Options.Create(new GrainStorageOptions()), NullLogger<StateWriter>.Instance);
        var storage = new GrainStateStorage(database.DataSource, writer, new ReadModelCatalog(ReadModelRebuilder.All));
        var read = new GrainState<OrderState>(new OrderState());
        await storage.ReadStateAsync("order", GrainId.Create("order", "ord_old1"), read);
        Assert.Equal(("1", 18_480L, OrderEffects.ReleaseStock), (read.ETag, read.State!.Total, read.State.PendingStock));
    }

    /// <summary>Writes a state the way the previous release's ADO.NET provider did, through its stored function.</summary>
    private static async Task WriteAsOldProviderAsync<T>(TestDatabase database, string stateName, string key, T state, int writes)
    {
        int? version = null;
        for (var i = 0; i < writes; i++)
        {
            await using var command = database.DataSource.CreateCommand("""
                SELECT NewGrainStateVersion FROM orleans_storage_write(@hash, 0, 0, 7, @type, @key, 'marketplace', @version, @payload)
                """);
            command.Parameters.AddWithValue("hash", key.GetHashCode(StringComparison.Ordinal));
            command.Parameters.AddWithValue("type", stateName);
            command.Parameters.AddWithValue("key", key);
            command.Parameters.Add(new NpgsqlParameter<int?>("version", version) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
            command.Parameters.AddWithValue("payload", System.Text.Encoding.UTF8.GetBytes(StateJson.Serialize(state)));
            version = (int)(await command.ExecuteScalarAsync())!;
        }
    }

    private static async Task<List<(string, string, int, string)>> StatesAsync(TestDatabase database)
    {
        var rows = new List<(string, string, int, string)>();
        await using var command = database.DataSource.CreateCommand("SELECT grain_type, grain_key, version, payload FROM grain_states ORDER BY grain_type");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3)));
        }

        return rows;
    }
}
