using Marketplace.Contracts.Notifications;
using Marketplace.Contracts.Orders;
using Marketplace.Grains.Common;
using Marketplace.Grains.Payments;

namespace Marketplace.Grains.Orders;

/// <summary>What a payment's success means for the order.</summary>
public enum PaymentOutcome
{
    /// <summary>Already recorded as succeeded: nothing more to do.</summary>
    Known,
    /// <summary>The one payment the order keeps: commit the stock, then capture it.</summary>
    Capture,
    /// <summary>Money the order cannot keep (a second payment, a wrong amount, an order no longer awaiting payment).</summary>
    GiveBack,
}

/// <summary>
/// The money of an order as decisions on its state: attempts (hosted sessions and card charges) and their idempotency
/// keys, which payment the order keeps, what it must give back, and when the refunds close it. Pure: the grain calls
/// the gateway and records the answer here, and stores the state before a refund decided here is carried out. Each
/// outcome recorded is counted in <see cref="GrainMetrics"/> (captured, declined, refunded).
/// </summary>
public static class OrderPayments
{
    public const string Open = "open";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    public static void RequireAwaitingPayment(OrderState order)
    {
        if (order.Status != OrderStatus.AwaitingPayment)
        {
            throw DomainException.Conflict("not-awaiting-payment", $"The order is {order.Status}, not awaiting payment.");
        }
    }

    /// <summary>The session the buyer was already sent to, while it is open and for the order's total.</summary>
    public static PaymentAttemptState? OpenSession(OrderState order) =>
        order.Payments.LastOrDefault() is { Status: Open, RedirectUrl: not null } open && open.Amount == order.Total ? open : null;

    /// <summary>
    /// The number of the next attempt. It is part of the gateway's idempotency key: a retry after a lost write reaches
    /// the same session or charge, a new attempt after a decline a new one.
    /// </summary>
    public static int NextAttempt(OrderState order) => order.Payments.Count + 1;

    public static string SessionKey(string orderId, int attempt) => $"{orderId}:pay:{attempt}";

    public static string CardKey(string orderId, int attempt) => $"{orderId}:card:{attempt}";

    /// <summary>
    /// One refund per payment and amount already refunded at the gateway, however often it is asked for: the first refund
    /// of a payment keeps the key it always had; a later one (a second return) names what was refunded before it.
    /// </summary>
    public static string RefundKey(string orderId, PaymentAttemptState payment) =>
        payment.RefundedAmount == 0 ? $"{orderId}:refund:{payment.PaymentId}" : $"{orderId}:refund:{payment.PaymentId}:{payment.RefundedAmount}";

    public static PaymentAttemptState SessionOpened(OrderState order, PaymentSession session, int attempt, DateTimeOffset now) => Add(order,
        new PaymentAttemptState { PaymentId = session.PaymentId, Attempt = attempt, Amount = order.Total, RedirectUrl = session.RedirectUrl, CreatedAt = now });

    public static PaymentAttemptState CardCharged(OrderState order, PaymentDetails charge, string maskedCard, int attempt, DateTimeOffset now) => Add(order,
        new PaymentAttemptState { PaymentId = charge.PaymentId, Attempt = attempt, Amount = charge.Amount, Card = maskedCard, CreatedAt = now });

    /// <summary>The attempt an event is about; one the order never stored (its write was lost after the gateway opened it) is adopted.</summary>
    public static PaymentAttemptState FindOrAdopt(OrderState order, string paymentId, long amount, DateTimeOffset now) =>
        order.Payments.FirstOrDefault(p => string.Equals(p.PaymentId, paymentId, StringComparison.Ordinal))
        ?? Add(order, new PaymentAttemptState { PaymentId = paymentId, Attempt = NextAttempt(order), Amount = amount, CreatedAt = now });

    public static PaymentOutcome OnSuccess(OrderState order, PaymentAttemptState payment, long amount, string currency)
    {
        if (payment.Status == Succeeded)
        {
            return PaymentOutcome.Known;
        }

        return order.CapturedPaymentId is null && Matches(order, amount, currency) && order.Status == OrderStatus.AwaitingPayment
            ? PaymentOutcome.Capture
            : PaymentOutcome.GiveBack;
    }

    /// <summary>
    /// Keeps the payment: the order is paid by it, its stock having been committed first. True when a hold had already
    /// gone back to the shelf (the inventory swept it while the order could not reach it): those units may be sold to
    /// someone else, so the order cannot be fulfilled; the payment is then given back and what the order still holds is
    /// let go (lines that did commit stay sold).
    /// </summary>
    public static bool Capture(OrderState order, PaymentAttemptState payment, long amount, IReadOnlyList<ReservationResult> commits, OrderTurn turn)
    {
        payment.Status = Succeeded;
        payment.Amount = amount;
        order.CapturedPaymentId = payment.PaymentId;
        order.PaidAt = turn.Now;
        GrainMetrics.Payment("captured");
        OrderTransitions.Record(order, turn, OrderTransitions.Decide(order, OrderEvent.PaymentSucceeded), null);
        var lost = commits.Count(r => r.Status != ReservationStatus.Committed);
        if (lost == 0)
        {
            return false;
        }

        order.PendingStock = OrderEffects.ReleaseStock;
        RefundCaptured(order);
        order.Timeline.Add(new OrderTimelineEntry(order.Status, turn.Now, $"Stock for {lost} line(s) was no longer held; the payment is refunded."));
        return true;
    }

    /// <summary>Records a payment the order cannot keep, with all of it due back, and says why in the timeline.</summary>
    public static void GiveBack(OrderState order, PaymentAttemptState payment, long amount, string currency, DateTimeOffset now)
    {
        payment.Status = Succeeded;
        payment.Amount = amount;
        payment.RefundDue = amount - payment.RefundedAmount;
        var why = order.CapturedPaymentId is not null ? "the order was already paid"
            : !Matches(order, amount, currency) ? "its amount does not match the order"
            : $"the order was {order.Status}";
        order.Timeline.Add(new OrderTimelineEntry(order.Status, now, $"Payment {payment.PaymentId} succeeded but {why}; it is refunded."));
    }

    /// <summary>
    /// Marks an open attempt declined: an order awaiting payment still does (the buyer may try again) and says so.
    /// False when the attempt was no longer open (a late or repeated event).
    /// </summary>
    public static bool Decline(OrderState order, PaymentAttemptState payment, string note, OrderTurn turn)
    {
        if (payment.Status != Open)
        {
            return false;
        }

        payment.Status = Failed;
        GrainMetrics.Payment("declined");
        if (order.Status == OrderStatus.AwaitingPayment)
        {
            OrderTransitions.Record(order, turn, OrderTransitions.Decide(order, OrderEvent.PaymentFailed), note);
        }

        return true;
    }

    /// <summary>Decides that the captured payment goes back in full (the store cancelled a paid order, or took it back).</summary>
    public static void RefundCaptured(OrderState order)
    {
        var captured = Captured(order) ?? throw new InvalidOperationException("The order has no captured payment to refund.");
        captured.RefundDue = captured.Amount - captured.RefundedAmount;
    }

    /// <summary>
    /// Counts a refund once, by its id (the gateway's answer and its webhook both report it), and lowers what is still
    /// due. The captured payment given back in full makes the order Refunded; other money given back (a late or second
    /// payment, part of a capture) leaves the order as it is, and the buyer is told. False when it was counted before.
    /// </summary>
    public static bool RecordRefund(OrderState order, PaymentAttemptState payment, string refundId, long amount, OrderTurn turn)
    {
        if (payment.RefundIds.Contains(refundId))
        {
            return false;
        }

        payment.RefundIds.Add(refundId);
        GrainMetrics.Payment("refunded");
        payment.RefundedAmount += amount;
        payment.RefundDue = Math.Max(0, payment.RefundDue - amount);
        if (string.Equals(payment.PaymentId, order.CapturedPaymentId, StringComparison.Ordinal)
            && payment.RefundedAmount >= payment.Amount
            && OrderStateMachine.Apply(order.Status, OrderEvent.RefundSucceeded) is { Kind: TransitionKind.Moved } refunded)
        {
            OrderTransitions.Record(order, turn, refunded, $"Refunded {payment.RefundedAmount}.");
        }
        else
        {
            OrderNotices.Add(order, new OrderNotice { Status = order.Status, At = turn.Now, BuyerKind = NotificationKind.RefundIssued, Amount = amount });
        }

        return true;
    }

    /// <summary>The payment the order keeps (null until one is captured).</summary>
    public static PaymentAttemptState? Captured(OrderState order) => order.CapturedPaymentId is { } id
        ? order.Payments.FirstOrDefault(p => string.Equals(p.PaymentId, id, StringComparison.Ordinal))
        : null;

    /// <summary>Payments with money still to give back, decided and stored; the refund call is repeated until done.</summary>
    public static List<PaymentAttemptState> RefundsDue(OrderState order) => order.Payments.Where(p => p.RefundDue > 0).ToList();

    /// <summary>The payment the order shows: the captured one, else the latest attempt.</summary>
    public static OrderPayment? View(OrderState order)
    {
        var payment = Captured(order) ?? order.Payments.LastOrDefault();
        return payment is null ? null : new OrderPayment(payment.PaymentId, payment.Status, payment.Amount, payment.RefundedAmount,
            payment.Status == Open ? payment.RedirectUrl : null);
    }

    private static bool Matches(OrderState order, long amount, string currency) =>
        amount == order.Total && string.Equals(currency, order.Currency, StringComparison.Ordinal);

    private static PaymentAttemptState Add(OrderState order, PaymentAttemptState payment)
    {
        order.Payments.Add(payment);
        return payment;
    }
}
