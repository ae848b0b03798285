using Marketplace.Contracts.Common;
using Marketplace.Contracts.Inventory;
using Marketplace.Contracts.Notifications;
using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Realtime;
using Marketplace.Grains.Orders;
using Marketplace.Grains.Payments;

namespace Marketplace.Grains.Tests;

/// <summary>The money of an order as decisions on its state, without a cluster or a gateway.</summary>
public sealed class OrderPaymentsTests
{
    private const string OrderId = "ord_0123456789abcdef0123456789";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_open_session_for_the_total_is_reused_and_every_new_attempt_gets_its_own_key()
    {
        var order = Awaiting();
        Assert.Null(OrderPayments.OpenSession(order));
        Assert.Equal(1, OrderPayments.NextAttempt(order));

        var first = OrderPayments.SessionOpened(order, new PaymentSession("pay_1", "https://pay/1", PaymentStatus.Open), 1, Now);
        Assert.Same(first, OrderPayments.OpenSession(order));
        Assert.Equal((OrderPayments.Open, 8990L), (first.Status, first.Amount));

        // The store changed the total (a quoted shipping cost): the session for the old amount is not offered again.
        order.Total = 9990;
        Assert.Null(OrderPayments.OpenSession(order));
        order.Total = 8990;
        Assert.True(OrderPayments.Decline(order, first, "declined", Turn()));
        Assert.Null(OrderPayments.OpenSession(order));

        Assert.Equal(2, OrderPayments.NextAttempt(order));
        Assert.Equal($"{OrderId}:pay:2", OrderPayments.SessionKey(OrderId, 2));
        Assert.Equal($"{OrderId}:card:2", OrderPayments.CardKey(OrderId, 2));
        var payment = new PaymentAttemptState { PaymentId = "pay_1", Amount = 10_000 };
        Assert.Equal($"{OrderId}:refund:pay_1", OrderPayments.RefundKey(OrderId, payment));
        // A second refund of the same payment (a later return) names what was refunded before it.
        payment.RefundedAmount = 2_500;
        Assert.Equal($"{OrderId}:refund:pay_1:2500", OrderPayments.RefundKey(OrderId, payment));
    }

    [Fact]
    public void A_decline_leaves_the_order_awaiting_payment_and_notes_it_once()
    {
        var order = Awaiting();
        var attempt = OrderPayments.SessionOpened(order, new PaymentSession("pay_1", "https://pay/1", PaymentStatus.Open), 1, Now);

        Assert.True(OrderPayments.Decline(order, attempt, "Payment pay_1 was declined.", Turn()));
        Assert.False(OrderPayments.Decline(order, attempt, "again", Turn()));

        Assert.Equal((OrderStatus.AwaitingPayment, OrderPayments.Failed), (order.Status, attempt.Status));
        Assert.Equal("Payment pay_1 was declined.", Assert.Single(order.Timeline).Note);
        // The status did not change, so nobody is notified: the buyer sees the decline in the answer or on the page.
        Assert.Empty(order.Notices);
    }

    [Fact]
    public void The_first_matching_payment_of_an_order_awaiting_payment_is_captured_and_the_store_hears_of_it()
    {
        var order = Awaiting();
        var payment = OrderPayments.FindOrAdopt(order, "pay_1", 8990, Now);
        Assert.Equal(PaymentOutcome.Capture, OrderPayments.OnSuccess(order, payment, 8990, "CLP"));

        Assert.False(OrderPayments.Capture(order, payment, 8990, [Committed()], Turn()));

        Assert.Equal((OrderStatus.Paid, "pay_1", Now, OrderPayments.Succeeded), (order.Status, order.CapturedPaymentId, order.PaidAt, payment.Status));
        Assert.Equal(NotificationKind.OrderPaid, Assert.Single(order.Notices).StoreKind);
        Assert.Equal(OrderEffects.None, order.PendingStock);
        Assert.Equal(PaymentOutcome.Known, OrderPayments.OnSuccess(order, payment, 8990, "CLP"));
    }

    [Theory]
    [InlineData(8990, "USD", "its amount does not match the order")]
    [InlineData(100, "CLP", "its amount does not match the order")]
    public void Money_that_does_not_match_the_order_is_given_back_in_full(long amount, string currency, string why)
    {
        var order = Awaiting();
        var payment = OrderPayments.FindOrAdopt(order, "pay_1", amount, Now);

        Assert.Equal(PaymentOutcome.GiveBack, OrderPayments.OnSuccess(order, payment, amount, currency));
        OrderPayments.GiveBack(order, payment, amount, currency, Now);

        Assert.Equal((amount, OrderStatus.AwaitingPayment, (string?)null), (payment.RefundDue, order.Status, order.CapturedPaymentId));
        Assert.Equal($"Payment pay_1 succeeded but {why}; it is refunded.", Assert.Single(order.Timeline).Note);
    }

    [Fact]
    public void A_second_payment_or_one_after_the_order_closed_is_given_back_saying_why()
    {
        var paid = Awaiting();
        var first = OrderPayments.FindOrAdopt(paid, "pay_1", 8990, Now);
        OrderPayments.Capture(paid, first, 8990, [Committed()], Turn());
        var second = OrderPayments.FindOrAdopt(paid, "pay_2", 8990, Now);
        Assert.Equal(PaymentOutcome.GiveBack, OrderPayments.OnSuccess(paid, second, 8990, "CLP"));
        OrderPayments.GiveBack(paid, second, 8990, "CLP", Now);

        var expired = Awaiting();
        expired.Status = OrderStatus.Expired;
        var late = OrderPayments.FindOrAdopt(expired, "pay_9", 8990, Now);
        Assert.Equal(PaymentOutcome.GiveBack, OrderPayments.OnSuccess(expired, late, 8990, "CLP"));
        OrderPayments.GiveBack(expired, late, 8990, "CLP", Now);

        Assert.Equal(("pay_1", 8990L, 2), (paid.CapturedPaymentId, second.RefundDue, second.Attempt));
        Assert.EndsWith("the order was already paid; it is refunded.", paid.Timeline[^1].Note, StringComparison.Ordinal);
        Assert.EndsWith("the order was Expired; it is refunded.", expired.Timeline[^1].Note, StringComparison.Ordinal);
        Assert.Equal([second, late], OrderPayments.RefundsDue(paid).Concat(OrderPayments.RefundsDue(expired)));
    }

    [Fact]
    public void A_payment_whose_hold_was_lost_is_captured_then_given_back_and_the_remaining_holds_let_go()
    {
        var order = Awaiting();
        var payment = OrderPayments.FindOrAdopt(order, "pay_1", 8990, Now);
        var swept = new ReservationResult(OrderId, ReservationStatus.Expired, 1, 0, null);

        Assert.True(OrderPayments.Capture(order, payment, 8990, [Committed(), swept], Turn()));

        Assert.Equal((OrderStatus.Paid, OrderEffects.ReleaseStock, 8990L), (order.Status, order.PendingStock, payment.RefundDue));
        Assert.Equal("Stock for 1 line(s) was no longer held; the payment is refunded.", order.Timeline[^1].Note);
    }

    [Fact]
    public void A_refund_is_counted_once_and_the_capture_given_back_in_full_makes_the_order_refunded()
    {
        var order = Awaiting();
        var payment = OrderPayments.FindOrAdopt(order, "pay_1", 8990, Now);
        OrderPayments.Capture(order, payment, 8990, [Committed()], Turn());
        OrderPayments.RefundCaptured(order);
        Assert.Equal(8990, payment.RefundDue);

        Assert.True(OrderPayments.RecordRefund(order, payment, "ref_1", 3000, Turn()));
        Assert.False(OrderPayments.RecordRefund(order, payment, "ref_1", 3000, Turn()));
        Assert.Equal((OrderStatus.Paid, 3000L, 5990L), (order.Status, payment.RefundedAmount, payment.RefundDue));
        Assert.Equal((NotificationKind.RefundIssued, 3000L), (order.Notices[^1].BuyerKind, order.Notices[^1].Amount!.Value));

        Assert.True(OrderPayments.RecordRefund(order, payment, "ref_2", 5990, Turn()));
        Assert.Equal((OrderStatus.Refunded, 0L), (order.Status, payment.RefundDue));
        Assert.Equal("Refunded 8990.", order.Timeline[^1].Note);
        Assert.Empty(OrderPayments.RefundsDue(order));
    }

    [Fact]
    public void An_event_for_a_session_the_order_never_stored_adopts_it_as_the_next_attempt()
    {
        var order = Awaiting();
        var known = OrderPayments.SessionOpened(order, new PaymentSession("pay_1", "https://pay/1", PaymentStatus.Open), 1, Now);

        Assert.Same(known, OrderPayments.FindOrAdopt(order, "pay_1", 1, Now));
        var adopted = OrderPayments.FindOrAdopt(order, "pay_lost", 8990, Now);

        Assert.Equal(("pay_lost", 2, 8990L, OrderPayments.Open), (adopted.PaymentId, adopted.Attempt, adopted.Amount, adopted.Status));
        Assert.Equal(2, order.Payments.Count);
    }

    [Fact]
    public void The_order_shows_its_captured_payment_else_its_latest_attempt_with_the_page_only_while_open()
    {
        var order = Awaiting();
        Assert.Null(OrderPayments.View(order));
        var first = OrderPayments.SessionOpened(order, new PaymentSession("pay_1", "https://pay/1", PaymentStatus.Open), 1, Now);
        Assert.Equal(new OrderPayment("pay_1", OrderPayments.Open, 8990, 0, "https://pay/1"), OrderPayments.View(order));

        OrderPayments.Capture(order, first, 8990, [Committed()], Turn());
        OrderPayments.FindOrAdopt(order, "pay_2", 8990, Now);
        Assert.Equal(new OrderPayment("pay_1", OrderPayments.Succeeded, 8990, 0, null), OrderPayments.View(order));
    }

    [Fact]
    public void Only_an_order_awaiting_payment_can_be_paid()
    {
        var order = Awaiting();
        OrderPayments.RequireAwaitingPayment(order);
        order.Status = OrderStatus.AwaitingSellerConfirmation;

        Assert.Equal("not-awaiting-payment", Assert.Throws<DomainException>(() => OrderPayments.RequireAwaitingPayment(order)).Code);
    }

    [Fact]
    public void The_effects_due_are_read_from_the_state_stock_first_then_each_refund()
    {
        var order = Awaiting();
        Assert.Empty(DueEffect.Of(order));

        var payment = OrderPayments.FindOrAdopt(order, "pay_1", 8990, Now);
        payment.RefundDue = 8990;
        order.PendingStock = OrderEffects.ReleaseStock;

        Assert.Equal([new DueEffect.ReleaseStock(), new DueEffect.Refund(payment)], DueEffect.Of(order));
    }

    private static OrderTurn Turn() => new(OrderId, Now, new OrderOptions(), new List<OrderChanged>());

    private static ReservationResult Committed() => new(OrderId, ReservationStatus.Committed, 1, 0, null);

    private static OrderState Awaiting() => new()
    {
        Created = true, BuyerId = "usr_b", SellerId = "sel_s", Currency = "CLP", Status = OrderStatus.AwaitingPayment, Total = 8990,
        Subtotal = 8990, Lines = [new OrderLine("prd_1", "A", "Café", 1, 8990)],
    };
}
