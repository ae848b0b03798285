using System.Text.Json;
using Marketplace.Contracts.Catalog;
using Marketplace.Contracts.Common;
using Marketplace.Testing;
using Npgsql;

namespace Marketplace.Grains.Tests;

/// <summary>The ADO.NET storage on PostgreSQL: payload format, durability across silo restarts, the unique key.</summary>
public sealed class StorageTests
{
    [Fact]
    public async Task State_survives_stopping_every_silo_and_is_stored_as_plain_json()
    {
        await using var cluster = new MarketplaceCluster();
        await cluster.StartAsync("storage");
        var sellerId = Samples.NewStoreOwnedByCaller();
        var productId = GrainKeys.NewProductId();
        var store = cluster.Client.GetGrain<ISellerGrain>(sellerId);
        await store.Create(Samples.Store(), "fp");
        await store.CreateProduct(productId, Samples.Product(stock: 12), "fp");
        await cluster.Client.GetGrain<IProductGrain>(productId).SetStock([new StockSetting("CAFE-1K", 9)]);

        await cluster.StopAllSilosAsync();
        await cluster.StartSiloAsync();
        await cluster.RestartClientAsync();

        var details = await cluster.Client.GetGrain<IProductGrain>(productId).GetDetails();
        Assert.NotNull(details);
        Assert.Equal("Café Ana", details.SellerName);
        Assert.Equal([12, 9], details.Variants.Select(v => v.Available));
        Assert.Equal(ProductStatus.Published, details.Status);

        // The stored rows are JSON documents that name no .NET type, so renaming a state class keeps them readable.
        var payload = await cluster.Database.ScalarAsync<byte[]>(
            "SELECT payload FROM orleans_storage WHERE grain_type = 'product' AND grain_key_string = @id", ("id", productId));
        using var document = JsonDocument.Parse(payload!);
        Assert.Equal("Café de Colombia", document.RootElement.GetProperty("Title").GetString());
        Assert.Equal("published", document.RootElement.GetProperty("Status").GetString());
        Assert.DoesNotContain("$type", System.Text.Encoding.UTF8.GetString(payload!), StringComparison.Ordinal);
        Assert.DoesNotContain("Marketplace.Grains", System.Text.Encoding.UTF8.GetString(payload!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_first_writes_of_one_grain_cannot_both_insert()
    {
        await using var database = await TestDatabase.CreateAsync("uniq");
        const string Write = """
            SELECT NewGrainStateVersion FROM orleans_storage_write(42, 0, 0, 7, 'product', 'prd_x', 'svc', NULL, @payload)
            """;

        async Task<int?> FirstWriteAsync(string payload)
        {
            await using var command = database.DataSource.CreateCommand(Write);
            command.Parameters.AddWithValue("payload", System.Text.Encoding.UTF8.GetBytes(payload));
            var result = await command.ExecuteScalarAsync();
            return result is DBNull or null ? null : (int)result;
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => FirstWriteAsync($"{{\"writer\":{i}}}")));

        Assert.Single(results, r => r == 1);
        Assert.Equal(7, results.Count(r => r is null));
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM orleans_storage"));
    }

    [Fact]
    public async Task A_stale_version_is_not_written()
    {
        await using var database = await TestDatabase.CreateAsync("stale");
        await using var connection = await database.DataSource.OpenConnectionAsync();

        async Task<int?> WriteAsync(int? version)
        {
            await using var command = new NpgsqlCommand(
                "SELECT NewGrainStateVersion FROM orleans_storage_write(1, 0, 0, 2, 'probe', 'prb_x', 'svc', @v, @p)", connection);
            command.Parameters.Add(new NpgsqlParameter<int?>("v", version) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
            command.Parameters.AddWithValue("p", new byte[] { 1 });
            var result = await command.ExecuteScalarAsync();
            return result is DBNull or null ? null : (int)result;
        }

        Assert.Equal(1, await WriteAsync(null));
        Assert.Equal(2, await WriteAsync(1));
        Assert.Equal(1, await WriteAsync(1)); // unchanged version: the provider reports a conflict
        Assert.Equal(2, await database.ScalarAsync<int>("SELECT version FROM orleans_storage"));
    }
}
