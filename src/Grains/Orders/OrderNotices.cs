using System.Globalization;
using Marketplace.Contracts.Notifications;
using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Realtime;
using Marketplace.Grains.Common;
using Marketplace.Grains.Realtime;

namespace Marketplace.Grains.Orders;

/// <summary>
/// A notification the order's buyer or store must get: an entry of the order's outbox, stored with the decision that
/// caused it and delivered after the write (then removed). A status change that notifies nobody is not stored: its live
/// event is simply sent after the write. Delivery is idempotent (notification ids derive from <see cref="Key"/>), so a
/// crash between delivering and removing only delivers the same notices again.
/// </summary>
public sealed class OrderNotice
{
    /// <summary>The order's own sequence number of the notice; with the order id it is the notifications' source key.</summary>
    public int Sequence { get; set; }

    public OrderStatus Status { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>True when the status changed: both sides then get a live <c>OrderChanged</c>.</summary>
    public bool StatusChanged { get; set; }

    public NotificationKind? BuyerKind { get; set; }

    public NotificationKind? StoreKind { get; set; }

    /// <summary>An amount the notification names (a refund), in minor units of the order's currency.</summary>
    public long? Amount { get; set; }

    public string Key(string orderId) => $"{orderId}:notice:{Sequence}";
}

/// <summary>Who hears what when an order moves: the notification kinds of DESIGN.md §5 and issue #7, as one table.</summary>
public static class OrderNotices
{
    /// <summary>Adds a notice to the order's outbox with the order's next sequence number.</summary>
    public static void Add(OrderState order, OrderNotice notice)
    {
        notice.Sequence = ++order.NoticeSequence;
        order.Notices.Add(notice);
    }

    /// <summary>Sends the live events of stored status changes that notify nobody to the buyer's and the store's devices.</summary>
    public static void Announce(IGrainFactory grains, OrderState order, IEnumerable<OrderChanged> changes)
    {
        foreach (var change in changes)
        {
            grains.Publish(FeedTopics.User(order.BuyerId), change);
            grains.PublishToStore(order.SellerId, change);
        }
    }

    /// <summary>Tells the buyer and the store's staff: the notification each side gets, and the live event of a status change.</summary>
    public static Task DeliverAsync(IGrainFactory grains, string orderId, OrderState order, OrderNotice notice)
    {
        FeedEvent? live = notice.StatusChanged ? new OrderChanged(orderId, notice.Status, notice.At) : null;
        return Task.WhenAll(
            grains.NotifyUser(order.BuyerId, Draft(order, orderId, notice, forStore: false), live),
            grains.NotifyStore(order.SellerId, Draft(order, orderId, notice, forStore: true), live));
    }

    /// <summary>The notification for the buyer and for the store when an order moved from one status to another.</summary>
    public static (NotificationKind? Buyer, NotificationKind? Store) For(OrderStatus from, OrderStatus to, OrderEffects effects)
    {
        var buyer = effects.HasFlag(OrderEffects.NotifyBuyer)
            ? to switch
            {
                // The buyer's receipt: the order exists, to pay now or once the store confirms it.
                OrderStatus.AwaitingSellerConfirmation or OrderStatus.AwaitingPayment when from == OrderStatus.Placed => NotificationKind.OrderPlaced,
                OrderStatus.AwaitingPayment when from == OrderStatus.AwaitingSellerConfirmation => NotificationKind.OrderAccepted,
                OrderStatus.Paid => NotificationKind.OrderPaid,
                OrderStatus.Rejected => NotificationKind.OrderRejected,
                OrderStatus.Expired => NotificationKind.OrderExpired,
                OrderStatus.Cancelled => NotificationKind.OrderCancelled,
                OrderStatus.Shipped => NotificationKind.OrderShipped,
                OrderStatus.Delivered => NotificationKind.OrderDelivered,
                OrderStatus.Refunded => NotificationKind.RefundIssued,
                _ => (NotificationKind?)null,
            }
            : null;
        var store = effects.HasFlag(OrderEffects.NotifySeller)
            ? to switch
            {
                OrderStatus.AwaitingSellerConfirmation => NotificationKind.OrderAwaitingConfirmation,
                OrderStatus.Paid => NotificationKind.OrderPaid,
                OrderStatus.Cancelled => NotificationKind.OrderCancelled,
                _ => (NotificationKind?)null,
            }
            : null;
        return (buyer, store);
    }

    /// <summary>The text of a notice for one side, or null when that side gets no notification.</summary>
    public static NotificationDraft? Draft(OrderState order, string orderId, OrderNotice notice, bool forStore)
    {
        if ((forStore ? notice.StoreKind : notice.BuyerKind) is not { } kind)
        {
            return null;
        }

        var reference = ShortReference(orderId);
        var total = Money(order.Total, order.Currency);
        var (title, body) = kind switch
        {
            NotificationKind.OrderAwaitingConfirmation =>
                ($"New order {reference} to confirm", $"{Items(order)} for {total}. Accept or reject it before it expires."),
            NotificationKind.OrderPlaced => notice.Status == OrderStatus.AwaitingSellerConfirmation
                ? ($"Order {reference} placed", $"{Items(order)} for {total}. {order.SellerName} will confirm it before you pay.")
                : ($"Order {reference} placed", $"{Items(order)} for {total}: pay to complete it."),
            NotificationKind.OrderPaid => forStore
                ? ($"Order {reference} paid", $"{Items(order)} for {total}, ready to ship.")
                : ($"Payment received for order {reference}", $"{total} paid to {order.SellerName}. We will tell you when it ships."),
            NotificationKind.OrderCancelled => forStore
                ? ($"Order {reference} cancelled", "The buyer cancelled the order; its stock is back on sale.")
                : ($"Order {reference} cancelled", $"{order.SellerName} cancelled your order."),
            NotificationKind.OrderAccepted => ($"Order {reference} accepted", $"{order.SellerName} accepted your order: pay {total} to complete it."),
            NotificationKind.OrderRejected => ($"Order {reference} rejected", $"{order.SellerName} could not take your order."),
            NotificationKind.OrderExpired => ($"Order {reference} expired", "The order was not completed in time; nothing was charged."),
            NotificationKind.OrderShipped => ($"Order {reference} shipped",
                order.Shipment is { } s ? $"{order.SellerName} shipped it; tracking number {s.TrackingNumber}." : $"{order.SellerName} shipped it."),
            NotificationKind.OrderDelivered => ($"Order {reference} delivered", "Your parcel arrived. You can now review what you bought."),
            NotificationKind.RefundIssued => ($"Refund for order {reference}", $"{Money(notice.Amount ?? order.Total, order.Currency)} is on its way back to you."),
            _ => ($"Order {reference}", $"The order is now {notice.Status}."),
        };
        var facts = new Dictionary<string, string>
        {
            [NotificationFacts.Reference] = reference,
            [NotificationFacts.Store] = order.SellerName,
            [NotificationFacts.Items] = order.Lines.Sum(l => l.Quantity).ToString(CultureInfo.InvariantCulture),
            [NotificationFacts.Total] = order.Total.ToString(CultureInfo.InvariantCulture),
            [NotificationFacts.Currency] = order.Currency,
            [NotificationFacts.Side] = forStore ? "store" : "buyer",
        };
        if (kind == NotificationKind.OrderPlaced && notice.Status == OrderStatus.AwaitingSellerConfirmation)
        {
            facts[NotificationFacts.AwaitingConfirmation] = "true";
        }

        if (kind == NotificationKind.RefundIssued)
        {
            facts[NotificationFacts.Amount] = (notice.Amount ?? order.Total).ToString(CultureInfo.InvariantCulture);
        }

        if (order.Shipment is { } shipment)
        {
            facts[NotificationFacts.Tracking] = shipment.TrackingNumber;
        }

        return new NotificationDraft(notice.Key(orderId) + (forStore ? ":store" : ":buyer"), kind, title, body, $"/orders/{orderId}", facts);
    }

    /// <summary>An amount as people read it: minor units shifted by the currency's decimals, and the code.</summary>
    public static string Money(long minorUnits, string currency) => Currencies.Format(minorUnits, currency, CultureInfo.InvariantCulture);

    private static string ShortReference(string orderId) => "#" + orderId[^8..].ToUpperInvariant();

    private static string Items(OrderState order)
    {
        var count = order.Lines.Sum(l => l.Quantity);
        return count == 1 ? "1 item" : $"{count} items";
    }
}
