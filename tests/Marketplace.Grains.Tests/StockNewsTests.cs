using Marketplace.Contracts.Inventory;
using Marketplace.Contracts.Notifications;
using Marketplace.Contracts.Realtime;
using Marketplace.Grains.Inventory;

namespace Marketplace.Grains.Tests;

/// <summary>What a stored stock change tells watchers and the store, without a cluster.</summary>
public sealed class StockNewsTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Watchers_hear_every_change_of_availability_and_the_first_stored_level()
    {
        Assert.Equal(new StockChanged("prd_1", "A", 10, 1, At), StockNews.ForWatchers(StockLevel.None, Counters(onHand: 10, reserved: 0, version: 1)));
        Assert.Equal(new StockChanged("prd_1", "A", 8, 2, At), StockNews.ForWatchers(new StockLevel(10, 0, 0, 1), Counters(onHand: 10, reserved: 2, version: 2)));
        // Sold units leave on-hand and the hold together: availability is the same, nobody needs to hear it.
        Assert.Null(StockNews.ForWatchers(new StockLevel(10, 2, 0, 2), Counters(onHand: 8, reserved: 0, version: 3)));
    }

    [Fact]
    public void The_store_hears_once_when_availability_falls_to_the_threshold()
    {
        var crossing = StockNews.ForStore(new StockLevel(10, 4, 0, 7), Counters(onHand: 10, reserved: 5, version: 8), threshold: 5);

        Assert.Equal(new NotificationDraft("low-stock:prd_1/A:8", NotificationKind.LowStock, "Low stock: A", "Only 5 unit(s) of A left.", "/products/prd_1"),
            crossing! with { Facts = null });
        Assert.Equal(new Dictionary<string, string> { [NotificationFacts.Sku] = "A", [NotificationFacts.Available] = "5" }, crossing.Facts);
        Assert.Null(StockNews.ForStore(new StockLevel(10, 5, 0, 8), Counters(onHand: 10, reserved: 6, version: 9), threshold: 5));
        Assert.Null(StockNews.ForStore(new StockLevel(10, 5, 0, 8), Counters(onHand: 10, reserved: 0, version: 9), threshold: 5));
        Assert.Null(StockNews.ForStore(StockLevel.None, Counters(onHand: 3, reserved: 0, version: 1), threshold: 5));
    }

    [Fact]
    public void A_sold_out_sku_says_so()
    {
        var soldOut = StockNews.ForStore(new StockLevel(10, 0, 0, 3), Counters(onHand: 10, reserved: 10, version: 4), threshold: 5);

        Assert.Equal("A is sold out.", soldOut!.Body);
    }

    private static SkuCounters Counters(int onHand, int reserved, long version) =>
        new("prd_1/A", "prd_1", "A", "sel_1", 10, 0, onHand, reserved, 0, version, At, At);
}
