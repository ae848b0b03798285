using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Realtime;

namespace Marketplace.Grains.Orders;

/// <summary>
/// What deciding on an order needs besides its state: its id, the time of the decision, its timeouts, and where the
/// live events of status changes that notify nobody go (they are sent after the write; nothing of them has to survive a
/// crash, so they are not stored).
/// </summary>
public readonly record struct OrderTurn(string OrderId, DateTimeOffset Now, OrderOptions Timeouts, List<OrderChanged> Unannounced);

/// <summary>
/// How a decision of <see cref="OrderStateMachine"/> lands in an order's state: the status, the timeline, the deadline
/// of the next wait, the stock effect still to carry out and the notices to deliver (who hears what is
/// <see cref="OrderNotices.For"/>). Pure; the grain stores the state before anything decided here is carried out.
/// </summary>
public static class OrderTransitions
{
    /// <summary>The machine's answer to a request; a transition it refuses is a conflict for the caller.</summary>
    public static Transition Decide(OrderState order, OrderEvent @event)
    {
        var transition = OrderStateMachine.Apply(order.Status, @event);
        if (transition.Kind == TransitionKind.Refused)
        {
            throw DomainException.Conflict("illegal-transition", $"An order that is {order.Status} cannot take '{@event}'.");
        }

        return transition;
    }

    /// <summary>
    /// Applies a transition to the state. A status change that notifies somebody is stored as a notice with it; one that
    /// notifies nobody leaves only a live event for after the write (<see cref="OrderTurn.Unannounced"/>).
    /// </summary>
    public static void Record(OrderState order, OrderTurn turn, Transition transition, string? note)
    {
        if (transition.Kind != TransitionKind.Moved)
        {
            return;
        }

        var now = turn.Now;
        var changed = transition.Next != order.Status;
        if (changed || note is not null)
        {
            order.Timeline.Add(new OrderTimelineEntry(transition.Next, now, note));
        }

        if (changed)
        {
            var (buyerKind, storeKind) = OrderNotices.For(order.Status, transition.Next, transition.Effects);
            if (buyerKind is null && storeKind is null)
            {
                turn.Unannounced.Add(new OrderChanged(turn.OrderId, transition.Next, now));
            }
            else
            {
                OrderNotices.Add(order, new OrderNotice
                {
                    Status = transition.Next, At = now, StatusChanged = true, BuyerKind = buyerKind, StoreKind = storeKind,
                });
            }
        }

        order.Status = transition.Next;
        // Committing is done before a payment is recorded (see OrderGrain); releasing is left for the grain's effects.
        order.PendingStock |= transition.Effects & OrderEffects.ReleaseStock;
        if (changed)
        {
            order.DecideBy = transition.Next switch
            {
                OrderStatus.AwaitingSellerConfirmation => now + turn.Timeouts.ConfirmationTimeout,
                OrderStatus.AwaitingPayment => now + turn.Timeouts.PaymentTimeout,
                _ => null,
            };
        }
    }

    /// <summary>
    /// Times out the wait whose deadline passed; true when the order moved and must be stored. A deadline the machine
    /// no longer cares about (the order moved on) is only cleared.
    /// </summary>
    public static bool TimeOut(OrderState order, OrderTurn turn)
    {
        if (order.DecideBy is not { } deadline || deadline > turn.Now)
        {
            return false;
        }

        var timedOut = order.Status == OrderStatus.AwaitingSellerConfirmation ? OrderEvent.ConfirmationTimedOut : OrderEvent.PaymentTimedOut;
        var transition = OrderStateMachine.Apply(order.Status, timedOut);
        if (transition.Kind != TransitionKind.Moved)
        {
            order.DecideBy = null;
            return false;
        }

        Record(order, turn, transition, timedOut == OrderEvent.ConfirmationTimedOut ? "The store did not answer in time." : "Not paid in time.");
        return true;
    }
}
