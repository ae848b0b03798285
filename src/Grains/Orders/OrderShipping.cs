using Marketplace.Contracts.Orders;
using Marketplace.Grains.Shipping;

namespace Marketplace.Grains.Orders;

/// <summary>What a carrier's tracking event did to an order's shipment.</summary>
public enum TrackingOutcome
{
    /// <summary>The event names a shipment the order does not have: noted in the log, nothing stored.</summary>
    UnknownShipment,
    /// <summary>The parcel arrived: the order moved to Delivered if it still could.</summary>
    Delivered,
    InTransit,
    /// <summary>Nothing new (in transit after delivered: events arrive out of order).</summary>
    Unchanged,
}

/// <summary>
/// The shipment of an order as decisions on its state: when it may be booked, the carrier's idempotency key, and what a
/// tracking event changes. A tracking event never fails: the carrier would retry it for a day. Pure.
/// </summary>
public static class OrderShipping
{
    public const string LabelCreated = "labelCreated";
    public const string InTransit = "inTransit";
    public const string Delivered = "delivered";

    /// <summary>One shipment per order at the carrier: booking again answers the same one.</summary>
    public static string Key(string orderId) => $"{orderId}:ship";

    /// <summary>Money on its way back means the order is being undone; it does not ship.</summary>
    public static void RequireNoRefundDue(OrderState order)
    {
        if (order.Payments.Any(p => p.RefundDue > 0))
        {
            throw DomainException.Conflict("refund-pending", "The order's payment is being refunded; it cannot ship.");
        }
    }

    public static ShippingAddress Address(PostalAddress to) => new(to.Name, to.Line1, to.City, to.Region, to.Country, to.PostalCode, to.Phone);

    public static void Booked(OrderState order, ShipmentLabel label) => order.Shipment = new ShipmentState
    {
        ShipmentId = label.ShipmentId, TrackingNumber = label.TrackingNumber, LabelUrl = label.LabelUrl, Status = StatusName(label.Status),
    };

    public static TrackingOutcome Track(OrderState order, ShipmentEvent shipmentEvent, OrderTurn turn)
    {
        var shipment = order.Shipment;
        if (shipment is null || !string.Equals(shipment.ShipmentId, shipmentEvent.ShipmentId, StringComparison.Ordinal))
        {
            return TrackingOutcome.UnknownShipment;
        }

        if (shipmentEvent.Kind == ShipmentEventKind.Delivered)
        {
            shipment.Status = Delivered;
            // Never refused: one that no longer fits (the order was refunded meanwhile) changes only the shipment.
            OrderTransitions.Record(order, turn, OrderStateMachine.Apply(order.Status, OrderEvent.Delivered), null);
            return TrackingOutcome.Delivered;
        }

        if (shipment.Status != LabelCreated)
        {
            return TrackingOutcome.Unchanged;
        }

        shipment.Status = InTransit;
        order.Timeline.Add(new OrderTimelineEntry(order.Status, turn.Now, "In transit."));
        return TrackingOutcome.InTransit;
    }

    public static OrderShipment? View(OrderState order) => order.Shipment is { } s
        ? new OrderShipment(s.ShipmentId, s.TrackingNumber, s.LabelUrl, s.Status)
        : null;

    private static string StatusName(ShipmentStatus status) => status switch
    {
        ShipmentStatus.InTransit => InTransit,
        ShipmentStatus.Delivered => Delivered,
        _ => LabelCreated,
    };
}
