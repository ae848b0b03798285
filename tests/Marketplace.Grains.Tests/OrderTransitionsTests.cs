using Marketplace.Contracts.Common;
using Marketplace.Contracts.Notifications;
using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Realtime;
using Marketplace.Grains.Orders;

namespace Marketplace.Grains.Tests;

/// <summary>How a decision of the state machine lands in an order's state, without a cluster.</summary>
public sealed class OrderTransitionsTests
{
    private const string OrderId = "ord_0123456789abcdef0123456789";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly OrderOptions Timeouts = new() { ConfirmationTimeout = TimeSpan.FromHours(48), PaymentTimeout = TimeSpan.FromMinutes(30) };

    [Fact]
    public void A_change_somebody_hears_of_is_stored_as_a_numbered_notice_with_the_next_deadline()
    {
        var (order, turn) = Placed();

        OrderTransitions.Record(order, turn, OrderTransitions.Decide(order, OrderEvent.PlacedNeedingConfirmation), null);
        OrderTransitions.Record(order, turn, OrderTransitions.Decide(order, OrderEvent.SellerAccepted), "Shipping cost 500.");

        Assert.Equal(OrderStatus.AwaitingPayment, order.Status);
        Assert.Equal(Now + Timeouts.PaymentTimeout, order.DecideBy);
        Assert.Equal(new (OrderStatus, string?)[] { (OrderStatus.AwaitingSellerConfirmation, null), (OrderStatus.AwaitingPayment, "Shipping cost 500.") },
            order.Timeline.Select(t => (t.Status, t.Note)));
        Assert.Equal(new (int, NotificationKind?, NotificationKind?)[] { (1, NotificationKind.OrderPlaced, NotificationKind.OrderAwaitingConfirmation), (2, NotificationKind.OrderAccepted, null) },
            order.Notices.Select(n => (n.Sequence, n.BuyerKind, n.StoreKind)));
        Assert.All(order.Notices, n => Assert.True(n.StatusChanged));
        Assert.Equal(2, order.NoticeSequence);
        Assert.Empty(turn.Unannounced);
    }

    [Fact]
    public void A_change_nobody_is_told_of_stores_no_notice_and_leaves_a_live_event_for_after_the_write()
    {
        var (order, turn) = Placed();

        OrderTransitions.Record(order, turn, OrderTransitions.Decide(order, OrderEvent.BuyerCancelled), null);

        Assert.Empty(order.Notices);
        Assert.Equal(new OrderChanged(OrderId, OrderStatus.Cancelled, Now), Assert.Single(turn.Unannounced));
        Assert.Null(order.DecideBy);
    }

    [Fact]
    public void A_placed_order_tells_its_buyer_with_a_receipt_and_waits_for_payment()
    {
        var (order, turn) = Placed();

        OrderTransitions.Record(order, turn, OrderTransitions.Decide(order, OrderEvent.PlacedReadyToPay), null);

        var notice = Assert.Single(order.Notices);
        Assert.Equal((NotificationKind.OrderPlaced, (NotificationKind?)null, OrderStatus.AwaitingPayment), (notice.BuyerKind!.Value, notice.StoreKind, notice.Status));
        Assert.Empty(turn.Unannounced);
        Assert.Equal(Now + Timeouts.PaymentTimeout, order.DecideBy);
    }

    [Fact]
    public void Ending_an_order_clears_its_deadline_and_leaves_its_holds_to_release()
    {
        var (order, turn) = Placed();
        OrderTransitions.Record(order, turn, OrderTransitions.Decide(order, OrderEvent.PlacedReadyToPay), null);

        OrderTransitions.Record(order, turn, OrderTransitions.Decide(order, OrderEvent.BuyerCancelled), "Changed my mind.");

        Assert.Equal((OrderStatus.Cancelled, (DateTimeOffset?)null, OrderEffects.ReleaseStock), (order.Status, order.DecideBy, order.PendingStock));
        Assert.Equal(NotificationKind.OrderCancelled, order.Notices[^1].StoreKind);
    }

    [Fact]
    public void A_refused_request_is_a_conflict_and_an_ignored_event_changes_nothing()
    {
        var (order, turn) = Placed();
        OrderTransitions.Record(order, turn, OrderTransitions.Decide(order, OrderEvent.PlacedReadyToPay), null);
        var before = (order.Status, order.Timeline.Count, order.DecideBy);

        var refused = Assert.Throws<DomainException>(() => OrderTransitions.Decide(order, OrderEvent.Shipped));
        OrderTransitions.Record(order, turn, OrderStateMachine.Apply(order.Status, OrderEvent.ConfirmationTimedOut), "late");

        Assert.Equal((DomainErrorKind.Conflict, "illegal-transition"), (refused.Kind, refused.Code));
        Assert.Equal(before, (order.Status, order.Timeline.Count, order.DecideBy));
    }

    [Fact]
    public void A_passed_deadline_times_the_wait_out_and_one_the_order_moved_past_is_only_cleared()
    {
        var (order, turn) = Placed();
        OrderTransitions.Record(order, turn, OrderTransitions.Decide(order, OrderEvent.PlacedNeedingConfirmation), null);

        Assert.False(OrderTransitions.TimeOut(order, turn with { Now = Now + Timeouts.ConfirmationTimeout - TimeSpan.FromSeconds(1) }));
        Assert.True(OrderTransitions.TimeOut(order, turn with { Now = Now + Timeouts.ConfirmationTimeout }));
        Assert.Equal((OrderStatus.Expired, "The store did not answer in time.", (DateTimeOffset?)null),
            (order.Status, order.Timeline[^1].Note, order.DecideBy));

        var paid = new OrderState { Created = true, Status = OrderStatus.Paid, DecideBy = Now };
        Assert.False(OrderTransitions.TimeOut(paid, turn));
        Assert.Null(paid.DecideBy);
        Assert.Empty(paid.Timeline);
    }

    [Fact]
    public void An_unpaid_order_times_out_as_not_paid()
    {
        var (order, turn) = Placed();
        OrderTransitions.Record(order, turn, OrderTransitions.Decide(order, OrderEvent.PlacedReadyToPay), null);

        Assert.True(OrderTransitions.TimeOut(order, turn with { Now = order.DecideBy!.Value }));

        Assert.Equal((OrderStatus.Expired, "Not paid in time.", OrderEffects.ReleaseStock), (order.Status, order.Timeline[^1].Note, order.PendingStock));
        Assert.Equal((NotificationKind.OrderExpired, (NotificationKind?)null), (order.Notices[^1].BuyerKind!.Value, order.Notices[^1].StoreKind));
    }

    private static (OrderState Order, OrderTurn Turn) Placed() =>
        (new OrderState { Created = true, Status = OrderStatus.Placed }, new OrderTurn(OrderId, Now, Timeouts, []));
}
