using Marketplace.Contracts.Cart;
using Marketplace.Contracts.Catalog;
using Marketplace.Contracts.Common;

namespace Marketplace.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class CartGrainTests(ClusterFixture cluster)
{
    private IGrainFactory Grains => cluster.Client;

    [Fact]
    public async Task Lines_are_grouped_by_store_with_subtotals_and_adding_again_sums_the_quantity()
    {
        var (coffee, _) = await ProductAsync("Café Ana");
        var (tea, _) = await ProductAsync("Té Sur");
        var (cart, _) = Shopper();

        await cart.AddItem(coffee, "CAFE-250", 2);
        await cart.AddItem(tea, "CAFE-1K", 1);
        var view = await cart.AddItem(coffee, "CAFE-250", 1);

        Assert.Equal(4, view.Items);
        Assert.Equal(["Café Ana", "Té Sur"], view.Sellers.Select(s => s.SellerName).Order());
        var ana = view.Sellers.Single(s => s.SellerName == "Café Ana");
        Assert.Equal(3 * 8990L, ana.Subtotal);
        Assert.Equal(("CAFE-250", 3, 20), (ana.Lines.Single().Sku, ana.Lines.Single().Quantity, ana.Lines.Single().Available));
        Assert.Equal(29990L, view.Sellers.Single(s => s.SellerName == "Té Sur").Subtotal);

        view = await cart.SetQuantity(coffee, "CAFE-250", 5);
        Assert.Equal(5 * 8990L, view.Sellers.Single(s => s.SellerName == "Café Ana").Subtotal);
        view = await cart.RemoveItem(tea, "CAFE-1K");
        Assert.Equal(["Café Ana"], view.Sellers.Select(s => s.SellerName));
        Assert.Equal(5, (await cart.RemoveItem(tea, "CAFE-1K")).Items);
    }

    [Fact]
    public async Task An_addition_asked_again_with_its_operation_id_adds_nothing_twice()
    {
        var (coffee, _) = await ProductAsync("Café Ana");
        var (cart, _) = Shopper();

        await cart.AddItem(coffee, "CAFE-250", 2, "op-1");
        var repeated = await cart.AddItem(coffee, "CAFE-250", 2, "op-1");
        Assert.Equal(2, repeated.Items);
        Assert.Equal(3, (await cart.AddItem(coffee, "CAFE-250", 1, "op-2")).Items);
        Assert.Equal(4, (await cart.AddItem(coffee, "CAFE-250", 1)).Items);
        Assert.Equal(5, (await cart.AddItem(coffee, "CAFE-250", 1)).Items);
    }

    [Fact]
    public async Task A_price_change_shows_the_old_and_the_new_price_and_a_product_taken_down_is_not_purchasable()
    {
        var (productId, owner) = await ProductAsync("Café Ana");
        var (cart, shopper) = Shopper();
        await cart.AddItem(productId, "CAFE-250", 2);

        Samples.ActAs(owner);
        await Grains.GetGrain<IProductGrain>(productId).Update(Samples.Product() with { Price = 9990 }, null);
        Samples.ActAs(shopper);
        var line = (await cart.Get()).Sellers.Single().Lines.Single();
        Assert.Equal((9990L, 8990L, true), (line.UnitPrice, line.PriceWhenAdded, line.PriceChanged));

        Samples.ActAs(owner);
        await Grains.GetGrain<IProductGrain>(productId).Archive(null);
        Samples.ActAs(shopper);
        var seller = (await cart.Get()).Sellers.Single();
        Assert.False(seller.Lines.Single().Purchasable);
        Assert.Equal(0, seller.Subtotal);
    }

    [Fact]
    public async Task Unknown_unpublished_and_out_of_range_requests_are_refused_and_change_nothing()
    {
        var (published, _) = await ProductAsync("Café Ana");
        var (draft, _) = await ProductAsync("Café Ana", ProductStatus.Draft);
        var (cart, _) = Shopper();

        Assert.Equal(DomainErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => cart.AddItem(GrainKeys.NewProductId(), "A", 1))).Kind);
        Assert.Equal(DomainErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => cart.AddItem(published, "NOPE", 1))).Kind);
        Assert.Equal("not-for-sale", (await Assert.ThrowsAsync<DomainException>(() => cart.AddItem(draft, "CAFE-250", 1))).Code);
        foreach (var quantity in new[] { 0, -1, 1000 })
        {
            Assert.Equal(DomainErrorKind.Validation, (await Assert.ThrowsAsync<DomainException>(() => cart.AddItem(published, "CAFE-250", quantity))).Kind);
        }

        Assert.Equal(DomainErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => cart.SetQuantity(published, "CAFE-250", 2))).Kind);
        Assert.Equal(0, (await cart.Get()).Items);

        await cart.AddItem(published, "CAFE-250", 998);
        Assert.Equal(999, (await cart.AddItem(published, "CAFE-250", 5)).Items);
    }

    [Fact]
    public async Task Only_the_owner_reads_or_changes_a_cart_and_its_lines_are_stored()
    {
        var (productId, _) = await ProductAsync("Café Ana");
        var (cart, owner) = Shopper();
        await cart.AddItem(productId, "CAFE-250", 2);

        Shopper();
        Assert.Equal(DomainErrorKind.Forbidden, (await Assert.ThrowsAsync<DomainException>(() => cart.Get())).Kind);
        Assert.Equal(DomainErrorKind.Forbidden, (await Assert.ThrowsAsync<DomainException>(() => cart.AddItem(productId, "CAFE-250", 1))).Kind);
        Samples.ActAs(null);
        Assert.Equal(DomainErrorKind.Forbidden, (await Assert.ThrowsAsync<DomainException>(() => cart.RemoveItem(productId, "CAFE-250"))).Kind);

        Samples.ActAs(owner);
        var stored = await cluster.Database.ScalarAsync<string>(
            "SELECT payload::text FROM grain_states WHERE grain_type = 'cart' AND grain_key = @key",
            ("key", owner.UserId));
        Assert.Contains("\"Quantity\":2", stored, StringComparison.Ordinal);
        Assert.Equal(2, (await cart.Get()).Items);
    }

    [Fact]
    public async Task A_guest_cart_merges_once_summed_and_capped_by_stock_only_with_the_guests_proof()
    {
        var (productId, _) = await ProductAsync("Café Ana");
        var guest = new Caller("gst_" + Guid.NewGuid().ToString("N"), CallerRoles.Guest, null);
        Samples.ActAs(guest);
        var guestCart = Grains.GetGrain<ICartGrain>(guest.UserId);
        await guestCart.AddItem(productId, "CAFE-250", 15);
        await guestCart.AddItem(productId, "CAFE-1K", 4);

        var (cart, shopper) = Shopper();
        await cart.AddItem(productId, "CAFE-250", 10);
        Assert.Equal(DomainErrorKind.Forbidden, (await Assert.ThrowsAsync<DomainException>(() => cart.MergeGuest(guest.UserId))).Kind);

        Samples.ActAs(shopper with { ProvenGuestId = guest.UserId });
        var merged = await cart.MergeGuest(guest.UserId);
        var lines = merged.Sellers.Single().Lines.ToDictionary(l => l.Sku, l => l.Quantity);
        // 10 + 15 asked for CAFE-250, of which 20 exist; CAFE-1K came only from the guest.
        Assert.Equal(new Dictionary<string, int> { ["CAFE-250"] = 20, ["CAFE-1K"] = 4 }, lines);
        Assert.Empty(await guestCart.GetLines());

        // A retry (say the answer was lost) adds nothing twice, even if the guest cart had kept its lines.
        Samples.ActAs(guest);
        await guestCart.AddItem(productId, "CAFE-1K", 1);
        Samples.ActAs(shopper with { ProvenGuestId = guest.UserId });
        Assert.Equal(24, (await cart.MergeGuest(guest.UserId)).Items);
    }

    private (ICartGrain Cart, Caller Shopper) Shopper()
    {
        var shopper = new Caller(GrainKeys.NewUserId(), CallerRoles.Shopper, null);
        Samples.ActAs(shopper);
        return (Grains.GetGrain<ICartGrain>(shopper.UserId), shopper);
    }

    private async Task<(string ProductId, Caller Owner)> ProductAsync(string store, ProductStatus status = ProductStatus.Published)
    {
        var sellerId = Samples.NewStoreOwnedByCaller();
        var owner = CallerContext.Current!;
        await Grains.GetGrain<ISellerGrain>(sellerId).Create(Samples.Store(store), "fp");
        var productId = GrainKeys.NewProductId();
        await Grains.GetGrain<ISellerGrain>(sellerId).CreateProduct(productId, Samples.Product(status: status), "fp-" + productId);
        return (productId, owner);
    }
}
