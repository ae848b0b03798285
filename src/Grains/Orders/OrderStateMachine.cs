using Marketplace.Contracts.Orders;

namespace Marketplace.Grains.Orders;

/// <summary>Something that happens to an order: a decision by its buyer or seller, a timeout, or a provider's event.</summary>
public enum OrderEvent
{
    /// <summary>The order was placed for a store that quotes first.</summary>
    PlacedNeedingConfirmation,
    /// <summary>The order was placed for a store that takes orders as they are.</summary>
    PlacedReadyToPay,
    SellerAccepted,
    SellerRejected,
    ConfirmationTimedOut,
    PaymentTimedOut,
    PaymentSucceeded,
    PaymentFailed,
    BuyerCancelled,
    SellerCancelled,
    Shipped,
    InTransit,
    Delivered,
    /// <summary>The seller took a shipped order back.</summary>
    Returned,
    RefundSucceeded,
}

/// <summary>What the saga must do, durably, once a transition is stored.</summary>
[Flags]
public enum OrderEffects
{
    None = 0,
    /// <summary>Let the reserved units go back to the shelf.</summary>
    ReleaseStock = 1,
    /// <summary>Turn the reserved units into sold ones.</summary>
    CommitStock = 2,
    /// <summary>Give the captured money back through the gateway.</summary>
    Refund = 4,
    /// <summary>Tell the seller (a quotation to answer, a paid order to ship).</summary>
    NotifySeller = 8,
    /// <summary>Tell the buyer (accepted, rejected, expired, shipped, delivered, refunded).</summary>
    NotifyBuyer = 16,
}

/// <summary>How the machine answers an event.</summary>
public enum TransitionKind
{
    /// <summary>The order moves to <see cref="Transition.Next"/> (possibly the same status) with these effects.</summary>
    Moved,
    /// <summary>Nothing to do: a repeated or late event whose outcome already holds (webhooks arrive twice).</summary>
    Ignored,
    /// <summary>Not possible from this status (409 for a request).</summary>
    Refused,
}

public readonly record struct Transition(TransitionKind Kind, OrderStatus Next, OrderEffects Effects)
{
    public static Transition Move(OrderStatus next, OrderEffects effects = OrderEffects.None) => new(TransitionKind.Moved, next, effects);
}

/// <summary>
/// The order state machine of DESIGN.md §3 as a pure function: (status, event) → next status and the effects to carry
/// out. Every path that does not end in Paid releases the reservations; money that arrives for an order that can no
/// longer be sold is given back, never turned into a sale.
/// </summary>
public static class OrderStateMachine
{
    public static bool IsTerminal(OrderStatus status) => status is
        OrderStatus.Delivered or OrderStatus.Rejected or OrderStatus.Expired or OrderStatus.Cancelled or OrderStatus.Refunded;

    public static Transition Apply(OrderStatus status, OrderEvent @event)
    {
        var ignored = new Transition(TransitionKind.Ignored, status, OrderEffects.None);
        var refused = new Transition(TransitionKind.Refused, status, OrderEffects.None);
        return (status, @event) switch
        {
            (OrderStatus.Placed, OrderEvent.PlacedNeedingConfirmation) =>
                Transition.Move(OrderStatus.AwaitingSellerConfirmation, OrderEffects.NotifySeller | OrderEffects.NotifyBuyer),
            (OrderStatus.Placed, OrderEvent.PlacedReadyToPay) => Transition.Move(OrderStatus.AwaitingPayment, OrderEffects.NotifyBuyer),
            (OrderStatus.Placed, OrderEvent.BuyerCancelled or OrderEvent.SellerCancelled) =>
                Transition.Move(OrderStatus.Cancelled, OrderEffects.ReleaseStock),

            (OrderStatus.AwaitingSellerConfirmation, OrderEvent.SellerAccepted) =>
                Transition.Move(OrderStatus.AwaitingPayment, OrderEffects.NotifyBuyer),
            (OrderStatus.AwaitingSellerConfirmation, OrderEvent.SellerRejected) =>
                Transition.Move(OrderStatus.Rejected, OrderEffects.ReleaseStock | OrderEffects.NotifyBuyer),
            (OrderStatus.AwaitingSellerConfirmation, OrderEvent.ConfirmationTimedOut) =>
                Transition.Move(OrderStatus.Expired, OrderEffects.ReleaseStock | OrderEffects.NotifyBuyer | OrderEffects.NotifySeller),
            (OrderStatus.AwaitingSellerConfirmation, OrderEvent.BuyerCancelled) =>
                Transition.Move(OrderStatus.Cancelled, OrderEffects.ReleaseStock | OrderEffects.NotifySeller),
            (OrderStatus.AwaitingSellerConfirmation, OrderEvent.SellerCancelled) =>
                Transition.Move(OrderStatus.Cancelled, OrderEffects.ReleaseStock | OrderEffects.NotifyBuyer),

            (OrderStatus.AwaitingPayment, OrderEvent.PaymentSucceeded) =>
                Transition.Move(OrderStatus.Paid, OrderEffects.CommitStock | OrderEffects.NotifySeller | OrderEffects.NotifyBuyer),
            // A declined card leaves the order open: the buyer may try again until the payment timeout.
            (OrderStatus.AwaitingPayment, OrderEvent.PaymentFailed) => Transition.Move(OrderStatus.AwaitingPayment, OrderEffects.NotifyBuyer),
            (OrderStatus.AwaitingPayment, OrderEvent.PaymentTimedOut) =>
                Transition.Move(OrderStatus.Expired, OrderEffects.ReleaseStock | OrderEffects.NotifyBuyer | OrderEffects.NotifySeller),
            (OrderStatus.AwaitingPayment, OrderEvent.BuyerCancelled) =>
                Transition.Move(OrderStatus.Cancelled, OrderEffects.ReleaseStock | OrderEffects.NotifySeller),
            (OrderStatus.AwaitingPayment, OrderEvent.SellerCancelled) =>
                Transition.Move(OrderStatus.Cancelled, OrderEffects.ReleaseStock | OrderEffects.NotifyBuyer),

            // The seller cancels a paid order: the money goes back (the order is Refunded once the gateway says so) and its
            // units go back on the shelf.
            (OrderStatus.Paid, OrderEvent.SellerCancelled) => Transition.Move(OrderStatus.Paid, OrderEffects.Refund | OrderEffects.ReleaseStock),
            (OrderStatus.Paid, OrderEvent.Shipped) => Transition.Move(OrderStatus.Shipped, OrderEffects.NotifyBuyer),
            (OrderStatus.Paid or OrderStatus.Shipped, OrderEvent.RefundSucceeded) =>
                Transition.Move(OrderStatus.Refunded, OrderEffects.NotifyBuyer | OrderEffects.NotifySeller),
            (OrderStatus.Shipped, OrderEvent.InTransit) => ignored,
            (OrderStatus.Shipped, OrderEvent.Delivered) =>
                Transition.Move(OrderStatus.Delivered, OrderEffects.NotifyBuyer | OrderEffects.NotifySeller),
            (OrderStatus.Shipped, OrderEvent.Returned) => Transition.Move(OrderStatus.Shipped, OrderEffects.Refund),

            // Webhooks arrive twice and out of order; an outcome that already holds needs nothing more.
            (OrderStatus.Paid or OrderStatus.Shipped or OrderStatus.Delivered or OrderStatus.Refunded, OrderEvent.PaymentSucceeded) => ignored,
            (OrderStatus.Paid or OrderStatus.Shipped or OrderStatus.Delivered or OrderStatus.Refunded, OrderEvent.PaymentFailed) => ignored,
            (OrderStatus.Delivered, OrderEvent.InTransit or OrderEvent.Delivered) => ignored,
            (OrderStatus.Refunded, OrderEvent.RefundSucceeded) => ignored,
            // Money for an order that can no longer be sold is refunded; the status stays what it is.
            (OrderStatus.Expired or OrderStatus.Cancelled or OrderStatus.Rejected, OrderEvent.PaymentSucceeded) =>
                Transition.Move(status, OrderEffects.Refund | OrderEffects.NotifyBuyer),
            (OrderStatus.Expired or OrderStatus.Cancelled or OrderStatus.Rejected, OrderEvent.PaymentFailed or OrderEvent.RefundSucceeded) => ignored,
            // A timer that fires after the order moved on has nothing to do.
            (_, OrderEvent.ConfirmationTimedOut or OrderEvent.PaymentTimedOut) when status != OrderStatus.Placed => ignored,

            _ => refused,
        };
    }
}
