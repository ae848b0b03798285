using System.Text.Json;
using Marketplace.Contracts.Catalog;
using Marketplace.Contracts.Common;
using Marketplace.Testing;

namespace Marketplace.Grains.Tests;

/// <summary>Grain state through a real silo: payload format and durability across silo restarts.</summary>
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
        var payload = await cluster.Database.ScalarAsync<string>(
            "SELECT payload::text FROM grain_states WHERE grain_type = 'product' AND grain_key = @id", ("id", productId));
        using var document = JsonDocument.Parse(payload!);
        Assert.Equal("Café de Colombia", document.RootElement.GetProperty("Title").GetString());
        Assert.Equal("published", document.RootElement.GetProperty("Status").GetString());
        Assert.DoesNotContain("$type", payload!, StringComparison.Ordinal);
        Assert.DoesNotContain("Marketplace.Grains", payload!, StringComparison.Ordinal);
    }
}
