using Marketplace.Contracts.Common;
using Marketplace.Contracts.Orders;
using Marketplace.Grains.Orders;

namespace Marketplace.Grains.Tests;

/// <summary>Who may do what to an order, as a table, without a cluster.</summary>
public sealed class OrderAccessTests
{
    private static readonly OrderState Order = new() { Created = true, BuyerId = "usr_buyer", SellerId = "sel_store" };

    private static readonly Dictionary<string, Caller> Callers = new()
    {
        ["buyer"] = new("usr_buyer", CallerRoles.Shopper, null),
        ["buyer on another device"] = new("gst_1", CallerRoles.Guest, null, ProvenGuestId: "usr_buyer"),
        ["store staff"] = new("usr_staff", CallerRoles.Seller | CallerRoles.Shopper, "sel_store"),
        ["other store"] = new("usr_other", CallerRoles.Seller | CallerRoles.Shopper, "sel_other"),
        ["stranger"] = new("usr_x", CallerRoles.Shopper, null),
        ["admin"] = new("usr_admin", CallerRoles.Admin, null),
        ["provider"] = new("provider:payments", CallerRoles.Provider, null),
    };

    public static TheoryData<string, string, bool> Table() => new()
    {
        { "read", "buyer", true }, { "read", "store staff", true }, { "read", "admin", true },
        { "read", "other store", false }, { "read", "stranger", false }, { "read", "provider", false },
        { "pay", "buyer", true }, { "pay", "buyer on another device", true }, { "pay", "store staff", false }, { "pay", "admin", false },
        { "decide", "store staff", true }, { "decide", "buyer", false }, { "decide", "other store", false }, { "decide", "admin", false },
        { "cancel", "buyer", true }, { "cancel", "store staff", true }, { "cancel", "stranger", false }, { "cancel", "admin", false },
        { "webhook", "provider", true }, { "webhook", "admin", false }, { "webhook", "store staff", false },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Only_the_right_callers_may_act(string action, string who, bool allowed)
    {
        var caller = Callers[who];
        Action act = action switch
        {
            "read" => () => OrderAccess.RequireReader(Order, caller),
            "pay" => () => OrderAccess.RequireBuyer(Order, caller),
            "decide" => () => OrderAccess.RequireStore(Order, caller),
            "cancel" => () => OrderAccess.CancelsAsStore(Order, caller),
            _ => () => OrderAccess.RequireProvider(caller),
        };

        if (allowed)
        {
            act();
        }
        else
        {
            Assert.Equal(DomainErrorKind.Forbidden, Assert.Throws<DomainException>(act).Kind);
        }
    }

    [Fact]
    public void A_store_cancels_as_the_store_even_when_its_user_is_also_the_buyer()
    {
        var both = new Caller("usr_buyer", CallerRoles.Seller | CallerRoles.Shopper, "sel_store");

        Assert.True(OrderAccess.CancelsAsStore(Order, both));
        Assert.False(OrderAccess.CancelsAsStore(Order, Callers["buyer"]));
    }

    [Fact]
    public void Only_the_signed_in_buyer_places_and_an_order_not_placed_is_not_found()
    {
        var request = new PlaceOrderRequest("usr_buyer", "sel_store", "Store", "CLP", [], new PostalAddress("A", "B", "C", null, "CL", null, null), null, false, "fp");

        OrderAccess.RequirePlacer(Callers["buyer"], request);
        Assert.Equal("not-the-buyer", Assert.Throws<DomainException>(() => OrderAccess.RequirePlacer(Callers["buyer on another device"], request)).Code);
        Assert.Equal("not-the-buyer", Assert.Throws<DomainException>(() => OrderAccess.RequirePlacer(Callers["stranger"], request)).Code);
        Assert.Equal(DomainErrorKind.NotFound, Assert.Throws<DomainException>(() => OrderAccess.RequireReader(new OrderState(), Callers["buyer"])).Kind);
    }
}
