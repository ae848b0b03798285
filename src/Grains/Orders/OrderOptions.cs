namespace Marketplace.Grains.Orders;

/// <summary>Timeouts of the order saga (configuration section <c>Orders</c>; tests shorten them).</summary>
public sealed class OrderOptions
{
    /// <summary>How long a store that quotes first has to accept or reject an order.</summary>
    public TimeSpan ConfirmationTimeout { get; set; } = TimeSpan.FromHours(48);

    /// <summary>How long the buyer has to pay once the order awaits payment.</summary>
    public TimeSpan PaymentTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How much longer the stock holds last than the longest the order can wait, so the inventory's own sweep never
    /// releases units an order still counts on.
    /// </summary>
    public TimeSpan HoldMargin { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The reminder that wakes an order with a deadline or unfinished effects after a crash.</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How soon an effect that failed (stock, refund) is tried again while the order is active.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long stored notices wait before the order delivers them itself. Zero (at once) outside tests; a crash test
    /// sets it high so that a silo dies with a notice stored and not delivered, which only the sweeper then delivers.
    /// </summary>
    public TimeSpan NoticeDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How long the removal of delivered notices waits for a write of the order that happens anyway (the shipment
    /// after a payment, say) before it is written on its own.
    /// </summary>
    public TimeSpan NoticeFlushDelay { get; set; } = TimeSpan.FromSeconds(10);
}
