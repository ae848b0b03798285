using Marketplace.Contracts.Catalog;
using Marketplace.Contracts.Common;
using Marketplace.Contracts.Inventory;

namespace Marketplace.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class CatalogGrainTests(ClusterFixture cluster)
{
    private IGrainFactory Grains => cluster.Client;

    [Fact]
    public async Task A_store_is_created_once_and_read_back()
    {
        var store = Grains.GetGrain<ISellerGrain>(Samples.NewStoreOwnedByCaller());
        Assert.Null(await store.GetProfile());

        var created = await store.Create(Samples.Store(), "fp-1");
        var again = await store.Create(Samples.Store(), "fp-1");

        Assert.Equal(created, again);
        Assert.Equal("Café Ana", (await store.GetProfile())!.Name);
    }

    [Fact]
    public async Task Reusing_a_store_id_for_a_different_request_is_refused()
    {
        var store = Grains.GetGrain<ISellerGrain>(Samples.NewStoreOwnedByCaller());
        await store.Create(Samples.Store(), "fp-1");
        var refusal = await Assert.ThrowsAsync<DomainException>(() => store.Create(Samples.Store("Other"), "fp-2"));
        Assert.Equal(DomainErrorKind.IdempotencyMismatch, refusal.Kind);
        Assert.Equal("Café Ana", (await store.GetProfile())!.Name);
    }

    [Fact]
    public async Task Invalid_store_changes_nothing()
    {
        var store = Grains.GetGrain<ISellerGrain>(Samples.NewStoreOwnedByCaller());
        var refusal = await Assert.ThrowsAsync<DomainException>(() => store.Create(new StoreDraft("", null, true, "CLP"), "fp"));
        Assert.Equal(DomainErrorKind.Validation, refusal.Kind);
        Assert.Contains("name", refusal.Errors!.Keys);
        Assert.Null(await store.GetProfile());
    }

    [Fact]
    public async Task A_product_is_created_with_one_inventory_grain_per_sku()
    {
        var sellerId = Samples.NewStoreOwnedByCaller();
        var store = Grains.GetGrain<ISellerGrain>(sellerId);
        await store.Create(Samples.Store(), "fp");
        var productId = GrainKeys.NewProductId();

        var details = await store.CreateProduct(productId, Samples.Product(stock: 20), "fp-p");

        Assert.Equal(sellerId, details.SellerId);
        Assert.Equal("Café Ana", details.SellerName);
        Assert.Equal([20, 5], details.Variants.Select(v => v.Available));
        Assert.Equal([8990L, 29990L], details.Variants.Select(v => v.Price));
        var level = await Grains.GetGrain<IInventoryGrain>(GrainKeys.Sku(productId, "CAFE-250")).GetLevel();
        Assert.Equal(new StockLevel(20, 0, 0, 1), level);
        Assert.Equal([productId], (await store.GetProductIds(0, 10, publishedOnly: true)).Ids);
    }

    [Fact]
    public async Task Retrying_a_product_create_does_not_reset_stock_or_duplicate_the_listing()
    {
        var store = Grains.GetGrain<ISellerGrain>(Samples.NewStoreOwnedByCaller());
        await store.Create(Samples.Store(), "fp");
        var productId = GrainKeys.NewProductId();
        await store.CreateProduct(productId, Samples.Product(stock: 20), "fp-p");
        await Grains.GetGrain<IProductGrain>(productId).SetStock([new StockSetting("CAFE-250", 7)]);

        var retried = await store.CreateProduct(productId, Samples.Product(stock: 20), "fp-p");

        Assert.Equal(7, retried.Variants[0].Available);
        Assert.Equal(1, (await store.GetProductIds(0, 10, publishedOnly: false)).Total);
        var refusal = await Assert.ThrowsAsync<DomainException>(() => store.CreateProduct(productId, Samples.Product(stock: 1), "fp-other"));
        Assert.Equal(DomainErrorKind.IdempotencyMismatch, refusal.Kind);
    }

    [Fact]
    public async Task Drafts_are_not_listed_as_published()
    {
        var store = Grains.GetGrain<ISellerGrain>(Samples.NewStoreOwnedByCaller());
        await store.Create(Samples.Store(), "fp");
        await store.CreateProduct(GrainKeys.NewProductId(), Samples.Product(status: ProductStatus.Draft), "a");
        var published = GrainKeys.NewProductId();
        await store.CreateProduct(published, Samples.Product(), "b");

        Assert.Equal([published], (await store.GetProductIds(0, 10, publishedOnly: true)).Ids);
        Assert.Equal(2, (await store.GetProductIds(0, 10, publishedOnly: false)).Total);
    }

    [Fact]
    public async Task Products_cannot_be_created_in_a_store_that_does_not_exist()
    {
        var refusal = await Assert.ThrowsAsync<DomainException>(() =>
            Grains.GetGrain<ISellerGrain>(Samples.NewStoreOwnedByCaller()).CreateProduct(GrainKeys.NewProductId(), Samples.Product(), "fp"));
        Assert.Equal(DomainErrorKind.NotFound, refusal.Kind);
    }

    [Fact]
    public async Task Setting_stock_for_an_unknown_sku_changes_nothing()
    {
        var store = Grains.GetGrain<ISellerGrain>(Samples.NewStoreOwnedByCaller());
        await store.Create(Samples.Store(), "fp");
        var productId = GrainKeys.NewProductId();
        await store.CreateProduct(productId, Samples.Product(stock: 20), "fp");

        var refusal = await Assert.ThrowsAsync<DomainException>(() =>
            Grains.GetGrain<IProductGrain>(productId).SetStock([new StockSetting("CAFE-250", 3), new StockSetting("NOPE", 1)]));

        Assert.Equal(DomainErrorKind.Validation, refusal.Kind);
        Assert.Equal(20, (await Grains.GetGrain<IProductGrain>(productId).GetDetails())!.Variants[0].Available);
    }

    [Fact]
    public async Task Inventory_refuses_out_of_range_stock()
    {
        var sku = Grains.GetGrain<IInventoryGrain>(GrainKeys.Sku(GrainKeys.NewProductId(), "A"));
        await sku.Initialize(Samples.NewStoreOwnedByCaller(), 3);
        await Assert.ThrowsAsync<DomainException>(() => sku.SetOnHand(-1));
        Assert.Equal(3, (await sku.GetLevel()).OnHand);
    }
}
