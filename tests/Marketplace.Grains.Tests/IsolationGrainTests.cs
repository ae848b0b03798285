using Marketplace.Contracts.Catalog;
using Marketplace.Contracts.Common;
using Marketplace.Contracts.Inventory;

namespace Marketplace.Grains.Tests;

/// <summary>
/// The grains' own authorization: called directly, as if the web host had forgotten its check, they still refuse
/// callers who do not act for the store.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class IsolationGrainTests(ClusterFixture cluster)
{
    private IGrainFactory Grains => cluster.Client;

    private async Task<(string SellerId, string ProductId, Caller Owner)> StoreWithProductAsync()
    {
        var sellerId = Samples.NewStoreOwnedByCaller();
        var owner = CallerContext.Current!;
        var store = Grains.GetGrain<ISellerGrain>(sellerId);
        await store.Create(Samples.Store(), "fp");
        var productId = GrainKeys.NewProductId();
        await store.CreateProduct(productId, Samples.Product(stock: 20), "fp");
        return (sellerId, productId, owner);
    }

    public static TheoryData<string> Intruders => new() { "other seller", "forged claim", "shopper", "admin", "nobody" };

    private static Caller? Intruder(string kind, string sellerId) => kind switch
    {
        "other seller" => Samples.SellerOf(GrainKeys.NewSellerId()),
        // Claims the store but is not on its staff list: the grain trusts its list, not only the claim.
        "forged claim" => Samples.SellerOf(sellerId),
        "shopper" => new Caller("usr_shopper", CallerRoles.Shopper, null),
        "admin" => Samples.Admin(),
        _ => null,
    };

    [Theory]
    [MemberData(nameof(Intruders))]
    public async Task Another_callers_catalog_writes_are_refused_and_change_nothing(string kind)
    {
        var (sellerId, productId, _) = await StoreWithProductAsync();
        var store = Grains.GetGrain<ISellerGrain>(sellerId);
        Samples.ActAs(Intruder(kind, sellerId));

        var update = await Assert.ThrowsAsync<DomainException>(() => store.Update(Samples.Store("Taken over")));
        var create = await Assert.ThrowsAsync<DomainException>(() => store.CreateProduct(GrainKeys.NewProductId(), Samples.Product(), "x"));
        var stock = await Assert.ThrowsAsync<DomainException>(() =>
            Grains.GetGrain<IProductGrain>(productId).SetStock([new StockSetting("CAFE-250", 0)]));
        var invite = await Assert.ThrowsAsync<DomainException>(() => store.InviteStaff("friend@example.com"));

        Assert.All([update, create, stock, invite], e => Assert.Equal(DomainErrorKind.Forbidden, e.Kind));
        Assert.Equal("Café Ana", (await store.GetProfile())!.Name);
        Assert.Equal(1, (await store.GetProfile())!.ProductCount);
        Assert.Equal(20, (await Grains.GetGrain<IProductGrain>(productId).GetDetails())!.Variants[0].Available);
    }

    [Fact]
    public async Task Inventory_called_directly_refuses_another_store()
    {
        var (_, productId, _) = await StoreWithProductAsync();
        var sku = Grains.GetGrain<IInventoryGrain>(GrainKeys.Sku(productId, "CAFE-250"));
        Samples.ActAs(Samples.SellerOf(GrainKeys.NewSellerId()));

        var refusal = await Assert.ThrowsAsync<DomainException>(() => sku.SetOnHand(0));

        Assert.Equal(DomainErrorKind.Forbidden, refusal.Kind);
        Assert.Equal(20, (await sku.GetLevel()).OnHand);
    }

    [Fact]
    public async Task Only_admins_suspend_and_a_suspended_store_refuses_its_own_staff()
    {
        var (sellerId, productId, owner) = await StoreWithProductAsync();
        var store = Grains.GetGrain<ISellerGrain>(sellerId);
        Samples.ActAs(owner);
        Assert.Equal("not-admin", (await Assert.ThrowsAsync<DomainException>(() => store.Suspend("mine"))).Code);

        Samples.ActAs(Samples.Admin());
        var suspended = await store.Suspend("Counterfeit goods");
        Assert.Equal(StoreStatus.Suspended, suspended.Status);
        Assert.False((await Grains.GetGrain<IProductGrain>(productId).GetDetails())!.IsPublic);

        Samples.ActAs(owner);
        var refusal = await Assert.ThrowsAsync<DomainException>(() => Grains.GetGrain<IProductGrain>(productId).SetStock([new StockSetting("CAFE-250", 1)]));
        Assert.Equal("store-suspended", refusal.Code);
    }

    [Fact]
    public async Task A_removed_staff_member_is_refused_at_once_even_with_the_old_claim()
    {
        var (sellerId, _, owner) = await StoreWithProductAsync();
        var store = Grains.GetGrain<ISellerGrain>(sellerId);
        Samples.ActAs(owner); // the caller set inside the helper does not flow back out of it
        var invitation = await store.InviteStaff("staff@example.com");
        Assert.True(GrainKeys.TryParseStoreCode(invitation.Token, out _, out var secret));
        var member = new Caller("usr_staff_" + Guid.NewGuid().ToString("N")[..8], CallerRoles.Shopper, null, "staff@example.com");
        Samples.ActAs(member);
        await store.AcceptInvitation(secret, "staff@example.com");

        var asSeller = member with { Roles = CallerRoles.Seller | CallerRoles.Shopper, SellerId = sellerId };
        Samples.ActAs(asSeller);
        await store.Update(Samples.Store("Renamed by staff"));
        Samples.ActAs(owner);
        await store.RemoveStaff(member.UserId);

        Samples.ActAs(asSeller);
        var refusal = await Assert.ThrowsAsync<DomainException>(() => store.Update(Samples.Store("Again")));
        Assert.Equal(DomainErrorKind.Forbidden, refusal.Kind);
        Assert.Equal("Renamed by staff", (await store.GetProfile())!.Name);
    }
}
