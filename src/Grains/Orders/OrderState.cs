using System.Text.Json.Serialization;
using Marketplace.Contracts.Orders;

namespace Marketplace.Grains.Orders;

/// <summary>
/// Persisted state of one order. The order listings read model is projected from it in C#
/// (<see cref="OrderListingReadModel"/>) when it is written.
/// </summary>
public sealed class OrderState
{
    public bool Created { get; set; }

    public string BuyerId { get; set; } = "";

    public string SellerId { get; set; } = "";

    public string SellerName { get; set; } = "";

    public string Currency { get; set; } = "";

    public OrderStatus Status { get; set; }

    public List<OrderLine> Lines { get; set; } = [];

    public long Subtotal { get; set; }

    public long ShippingCost { get; set; }

    public long Total { get; set; }

    public PostalAddress? ShippingAddress { get; set; }

    public string? Note { get; set; }

    public bool RequiresConfirmation { get; set; }

    /// <summary>Identifies the checkout request that placed the order, so a replay with another body is told apart.</summary>
    public string CheckoutFingerprint { get; set; } = "";

    public DateTimeOffset PlacedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? PaidAt { get; set; }

    /// <summary>When the current wait (seller's answer or payment) times out; null when nothing is awaited.</summary>
    public DateTimeOffset? DecideBy { get; set; }

    public List<OrderTimelineEntry> Timeline { get; set; } = [];

    public List<PaymentAttemptState> Payments { get; set; } = [];

    /// <summary>The one payment this order keeps; any other that succeeds is refunded.</summary>
    public string? CapturedPaymentId { get; set; }

    public ShipmentState? Shipment { get; set; }

    /// <summary>Stock effects decided and stored but not yet confirmed by the inventory (repeated until they are).</summary>
    public OrderEffects PendingStock { get; set; }

    /// <summary>Provider events already applied (most recent last), so a redelivery changes nothing.</summary>
    public List<string> AppliedEvents { get; set; } = [];

    /// <summary>Notices decided and stored but not yet delivered (the sweeper wakes an order that has some).</summary>
    public List<OrderNotice> Notices { get; set; } = [];

    /// <summary>The sequence number of the last notice.</summary>
    public int NoticeSequence { get; set; }

    /// <summary>Whether the lines' prices include <see cref="Tax"/> (otherwise it is added to the total).</summary>
    public bool PricesIncludeTax { get; set; } = true;

    /// <summary>The rate the lines are taxed at (parts per million), fixed at placement.</summary>
    public int TaxRatePpm { get; set; }

    /// <summary>Each line's tax (same order as <see cref="Lines"/>), rounded half-up per line.</summary>
    public List<long> LineTaxes { get; set; } = [];

    public long Tax { get; set; }

    /// <summary>The discounts fixed at placement (a coupon or an automatic promotion; at most one today).</summary>
    public List<OrderDiscount> Discounts { get; set; } = [];

    /// <summary>What the discounts took off each line (same order as <see cref="Lines"/>).</summary>
    public List<long> LineDiscounts { get; set; } = [];

    /// <summary>What the discounts took off in all; the total is <see cref="Subtotal"/> less this.</summary>
    public long Discount { get; set; }

    /// <summary>Days after delivery the buyer may ask to return, fixed from the store's setting at placement.</summary>
    public int ReturnWindowDays { get; set; } = 30;

    /// <summary>Returns the buyer asked for, in order.</summary>
    public List<ReturnState> Returns { get; set; } = [];

    /// <summary>The commission rate of each line (basis points, same order as <see cref="Lines"/>), fixed at placement.</summary>
    public List<int> CommissionBps { get; set; } = [];

    /// <summary>The order's money as immutable ledger entries (<see cref="Finance.OrderLedger"/>), appended, never changed.</summary>
    public List<Finance.LedgerEntryState> Ledger { get; set; } = [];

    /// <summary>
    /// The stored state still lists something decided and not yet done: stock to release, money to give back, or notices
    /// to deliver, returned units to take back or a return's refund to queue. The order sweeper wakes such an order after a
    /// crash, so its effects are carried out.
    /// </summary>
    [JsonIgnore]
    public bool NeedsAttention =>
        Created && (PendingStock != OrderEffects.None || Payments.Any(p => p.RefundDue > 0) || Notices.Count > 0
            || Returns.Any(r => r.StockPending || r is { Refund: > 0, RefundQueued: false }));
}

public sealed class PaymentAttemptState
{
    public string PaymentId { get; set; } = "";

    public int Attempt { get; set; }

    /// <summary>open, succeeded or failed, as the gateway reported it.</summary>
    public string Status { get; set; } = "open";

    public long Amount { get; set; }

    public string? RedirectUrl { get; set; }

    /// <summary>For a card charge: the card's brand and last four digits (never more).</summary>
    public string? Card { get; set; }

    /// <summary>Money of this payment still to give back (decided and stored; the refund call is repeated until done).</summary>
    public long RefundDue { get; set; }

    public long RefundedAmount { get; set; }

    public List<string> RefundIds { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class ShipmentState
{
    public string ShipmentId { get; set; } = "";

    public string TrackingNumber { get; set; } = "";

    public string LabelUrl { get; set; } = "";

    /// <summary>labelCreated, inTransit or delivered.</summary>
    public string Status { get; set; } = "labelCreated";
}
