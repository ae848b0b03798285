namespace Marketplace.Grains.Orders;

/// <summary>
/// An effect an order decided and stored but has not carried out yet: its holds to let go, money of one payment to
/// give back, or a return's units to take back. Read from the stored state (<see cref="OrderState.PendingStock"/>, <see cref="PaymentAttemptState.RefundDue"/>),
/// so what the order's outbox of effects carries out is exactly what a crash would leave for the sweeper.
/// </summary>
public abstract record DueEffect
{
    public static IReadOnlyList<DueEffect> Of(OrderState order)
    {
        var due = new List<DueEffect>();
        if (order.PendingStock.HasFlag(OrderEffects.ReleaseStock))
        {
            due.Add(new ReleaseStock());
        }

        due.AddRange(OrderPayments.RefundsDue(order).Select(p => new Refund(p)));
        due.AddRange(order.Returns.Where(r => r.StockPending).Select(r => new TakeBack(r)));
        return due;
    }

    /// <summary>A received return's units go back to the inventory (idempotent there, by order and return id).</summary>
    public sealed record TakeBack(ReturnState Return) : DueEffect;

    /// <summary>Every line's hold goes back to the shelf (idempotent at the inventory, by order id).</summary>
    public sealed record ReleaseStock : DueEffect;

    /// <summary>The payment's <see cref="PaymentAttemptState.RefundDue"/> goes back (idempotent at the gateway, by key).</summary>
    public sealed record Refund(PaymentAttemptState Payment) : DueEffect;
}
