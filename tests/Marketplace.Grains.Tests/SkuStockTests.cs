using Marketplace.Contracts.Common;
using Marketplace.Grains.Inventory;

namespace Marketplace.Grains.Tests;

public sealed class SkuStockTests
{
    [Fact]
    public void Initialization_happens_once()
    {
        var stock = new SkuStock();
        Assert.True(stock.Initialize("sel_test", 20));
        Assert.False(stock.Initialize("sel_test", 99));
        Assert.Equal(20, stock.OnHand);
        Assert.True(stock.IsConsistent());
    }

    [Fact]
    public void Setting_on_hand_is_recorded_as_an_adjustment_and_conserves_units()
    {
        var stock = new SkuStock();
        stock.Initialize("sel_test", 20);
        Assert.True(stock.SetOnHand(15));
        Assert.True(stock.SetOnHand(40));
        Assert.False(stock.SetOnHand(40));
        Assert.Equal(20, stock.Adjustments);
        Assert.Equal(40, stock.Available);
        Assert.True(stock.IsConsistent());
    }

    [Fact]
    public void On_hand_cannot_go_below_reserved_units()
    {
        var stock = new SkuStock();
        stock.Initialize("sel_test", 10);
        stock.Reservations["ord_1"] = 4;
        var refusal = Assert.Throws<DomainException>(() => stock.SetOnHand(3));
        Assert.Equal(DomainErrorKind.Conflict, refusal.Kind);
        Assert.Equal(10, stock.OnHand);
        Assert.True(stock.SetOnHand(4));
        Assert.Equal(0, stock.Available);
        Assert.True(stock.IsConsistent());
    }

    [Fact]
    public void Inconsistent_states_are_detected()
    {
        var stock = new SkuStock();
        stock.Initialize("sel_test", 5);
        stock.OnHand = 7;
        Assert.False(stock.IsConsistent());
    }
}
