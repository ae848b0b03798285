using Marketplace.Contracts.Common;
using Marketplace.Contracts.Inventory;
using Marketplace.Grains.Inventory;

namespace Marketplace.Grains.Tests;

public sealed class SkuLedgerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static SkuLedger NewSku(int stock) => SkuLedger.Create("prd_x/A", "prd_x", "A", "sel_x", stock, Now);

    [Fact]
    public void Reservations_never_promise_more_than_is_available()
    {
        var sku = NewSku(3);
        Assert.Equal(ReservationStatus.Held, sku.Reserve("o1", 2, Now.AddMinutes(5), Now, out _).Status);
        var refused = sku.Reserve("o2", 2, Now.AddMinutes(5), Now, out var changed);

        Assert.Equal(ReservationStatus.Refused, refused.Status);
        Assert.False(changed);
        Assert.Equal(1, refused.Available);
        Assert.Equal(ReservationStatus.Held, sku.Reserve("o3", 1, Now.AddMinutes(5), Now, out _).Status);
        Assert.Equal(0, sku.Available);
        Assert.True(sku.IsConsistent());
    }

    [Fact]
    public void Returned_units_go_back_on_the_shelf_or_are_written_off_once_and_never_more_than_were_sold()
    {
        var sku = NewSku(10);
        sku.Reserve("o1", 4, Now.AddMinutes(5), Now, out _);
        var committed = sku.Commit("o1", Now, out _)!;
        var sold = sku.Find("o1")!;
        Assert.Equal(ReservationStatus.Committed, committed.Status);

        Assert.True(sku.TakeBack("o1/r1", sold, 2, writeOff: false, Now));
        Assert.False(sku.TakeBack("o1/r1", sold, 2, writeOff: false, Now));
        Assert.Equal(new StockLevel(8, 0, 2, 0), sku.Counters.ToLevel());
        Assert.True(sku.TakeBack("o1/r2", sold, 1, writeOff: true, Now));
        // Written off: it left sold and the stock (an adjustment of −1), not back on hand.
        Assert.Equal((new StockLevel(8, 0, 1, 0), -1L), (sku.Counters.ToLevel(), sku.Counters.Adjustments));
        Assert.True(sku.IsConsistent());
        var batch = sku.TakeBatch();
        Assert.Equal([("return", 0, 2), ("write-off", -1, 1)], batch.Adjustments.Select(a => (a.Kind, a.Delta, a.Returned)));

        Assert.Equal("not-sold-here", Assert.Throws<DomainException>(() => sku.TakeBack("o1/r3", sold, 5, writeOff: false, Now)).Code);
        sku.Reserve("o2", 1, Now.AddMinutes(5), Now, out _);
        Assert.Equal("not-sold-here", Assert.Throws<DomainException>(() => sku.TakeBack("o2/r1", sku.Find("o2")!, 1, writeOff: false, Now)).Code);
    }

    [Fact]
    public void Commit_turns_held_units_into_sold_ones_and_release_gives_them_back()
    {
        var sku = NewSku(10);
        sku.Reserve("o1", 4, Now.AddMinutes(5), Now, out _);
        sku.Reserve("o2", 3, Now.AddMinutes(5), Now, out _);

        Assert.Equal(ReservationStatus.Committed, sku.Commit("o1", Now, out _)!.Status);
        Assert.Equal(ReservationStatus.Released, sku.Release("o2", Now, out _)!.Status);

        Assert.Equal(new StockLevel(6, 0, 4, 0), sku.Counters.ToLevel());
        Assert.Equal(6, sku.Available);
        Assert.True(sku.IsConsistent());
    }

    [Fact]
    public void Repeated_operations_answer_the_first_outcome_and_change_nothing()
    {
        var sku = NewSku(5);
        sku.Reserve("o1", 2, Now.AddMinutes(5), Now, out _);
        Assert.Equal(ReservationStatus.Held, sku.Reserve("o1", 2, Now.AddMinutes(5), Now, out var changed).Status);
        Assert.False(changed);

        sku.Commit("o1", Now, out _);
        Assert.Equal(ReservationStatus.Committed, sku.Commit("o1", Now, out changed)!.Status);
        Assert.False(changed);
        Assert.Equal(ReservationStatus.Committed, sku.Reserve("o1", 2, Now.AddMinutes(5), Now, out changed).Status);
        Assert.False(changed);
        Assert.Equal(new StockLevel(3, 0, 2, 0), sku.Counters.ToLevel());
    }

    [Fact]
    public void An_order_that_ends_unpaid_after_committing_puts_its_units_back_on_sale_once()
    {
        var sku = NewSku(5);
        sku.Reserve("o1", 2, Now.AddMinutes(5), Now, out _);
        sku.Commit("o1", Now, out _);

        var released = sku.Release("o1", Now.AddMinutes(1), out var changed)!;

        Assert.Equal((ReservationStatus.Released, true), (released.Status, changed));
        Assert.Equal(new StockLevel(5, 0, 0, 0), sku.Counters.ToLevel());
        Assert.True(sku.IsConsistent());
        Assert.Equal(ReservationStatus.Released, sku.Release("o1", Now.AddMinutes(2), out changed)!.Status);
        Assert.False(changed);
        Assert.Equal(ReservationStatus.Released, sku.Commit("o1", Now.AddMinutes(2), out changed)!.Status);
        Assert.False(changed);
        Assert.Equal(5, sku.Available);
    }

    [Fact]
    public void A_hold_is_not_resized_by_a_retry()
    {
        var sku = NewSku(5);
        sku.Reserve("o1", 2, Now.AddMinutes(5), Now, out _);
        var refusal = Assert.Throws<DomainException>(() => sku.Reserve("o1", 3, Now.AddMinutes(5), Now, out _));
        Assert.Equal("reservation-mismatch", refusal.Code);
        Assert.Equal(3, sku.Available);
    }

    [Fact]
    public void Unknown_orders_are_left_to_storage()
    {
        var sku = NewSku(5);
        Assert.Null(sku.Commit("never", Now, out var changed));
        Assert.False(changed);
        sku.Remember(new Reservation("old", 1, Now, ReservationStatus.Expired, Now.AddHours(-2), Now.AddHours(-1)));
        Assert.Equal(ReservationStatus.Expired, sku.Commit("old", Now, out changed)!.Status);
        Assert.False(changed);
        Assert.Equal(5, sku.Available);
    }

    [Fact]
    public void The_sweep_releases_only_holds_past_expiry_and_grace()
    {
        var sku = NewSku(5);
        sku.Reserve("late", 2, Now.AddMinutes(1), Now, out _);
        sku.Reserve("fresh", 1, Now.AddMinutes(30), Now, out _);

        Assert.Equal(0, sku.Expire(Now.AddMinutes(5), TimeSpan.FromMinutes(10)));
        Assert.Equal(1, sku.Expire(Now.AddMinutes(12), TimeSpan.FromMinutes(10)));

        Assert.Equal(ReservationStatus.Expired, sku.Find("late")!.Status);
        Assert.Equal(ReservationStatus.Held, sku.Find("fresh")!.Status);
        Assert.Equal(4, sku.Available);
        Assert.True(sku.IsConsistent());
    }

    [Fact]
    public void Stock_changes_are_recorded_adjustments_and_never_go_below_reserved()
    {
        var sku = NewSku(10);
        sku.Reserve("o1", 4, Now.AddMinutes(5), Now, out _);

        var refusal = Assert.Throws<DomainException>(() => sku.SetOnHand(3, "a1", Now));
        Assert.Equal("stock-below-reserved", refusal.Code);
        Assert.True(sku.SetOnHand(6, "a2", Now));
        Assert.True(sku.Restock("r1", 5, 1_000_000, Now));
        Assert.False(sku.Restock("r1", 5, 1_000_000, Now));
        Assert.Throws<DomainException>(() => sku.Restock("r2", -8, 1_000_000, Now));

        Assert.Equal(new StockLevel(11, 4, 0, 0), sku.Counters.ToLevel());
        Assert.Equal(1, sku.Counters.Adjustments);
        Assert.True(sku.IsConsistent());
    }

    [Fact]
    public void A_batch_carries_every_change_since_the_last_one_and_the_version_storage_must_have()
    {
        var sku = NewSku(10);
        var first = sku.TakeBatch();
        Assert.Equal(0, first.ExpectedVersion);
        Assert.Equal(1, first.Counters.Version);

        sku.Reserve("o1", 1, Now.AddMinutes(5), Now, out _);
        sku.Reserve("o2", 1, Now.AddMinutes(5), Now, out _);
        sku.Commit("o1", Now, out _);
        sku.Restock("r1", 2, 1_000_000, Now);
        Assert.True(sku.HasChanges);
        var second = sku.TakeBatch();

        Assert.Equal(1, second.ExpectedVersion);
        Assert.Equal(2, second.Counters.Version);
        Assert.Equal(["o1", "o2"], second.Reservations.Select(r => r.OrderId).Order());
        Assert.Equal(ReservationStatus.Committed, second.Reservations.Single(r => r.OrderId == "o1").Status);
        Assert.Single(second.Adjustments);
        Assert.False(sku.HasChanges);
    }
}
