using Marketplace.Contracts.Common;
using Marketplace.Contracts.Notifications;
using Marketplace.Contracts.Orders;
using Marketplace.Grains.Orders;
using Marketplace.Grains.Shipping;

namespace Marketplace.Grains.Tests;

/// <summary>The shipment of an order and the provider events it has applied, without a cluster or a carrier.</summary>
public sealed class OrderShippingTests
{
    private const string OrderId = "ord_0123456789abcdef0123456789";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_booked_shipment_is_tracked_in_transit_once_then_delivered_and_out_of_order_events_change_nothing()
    {
        var order = Shipped();
        var turn = new OrderTurn(OrderId, Now, new OrderOptions(), []);

        Assert.Equal(TrackingOutcome.InTransit, OrderShipping.Track(order, new ShipmentEvent("e1", ShipmentEventKind.InTransit, "shp_1"), turn));
        Assert.Equal(TrackingOutcome.Unchanged, OrderShipping.Track(order, new ShipmentEvent("e2", ShipmentEventKind.InTransit, "shp_1"), turn));
        Assert.Equal(TrackingOutcome.Delivered, OrderShipping.Track(order, new ShipmentEvent("e3", ShipmentEventKind.Delivered, "shp_1"), turn));
        Assert.Equal(TrackingOutcome.Unchanged, OrderShipping.Track(order, new ShipmentEvent("e4", ShipmentEventKind.InTransit, "shp_1"), turn));
        Assert.Equal(TrackingOutcome.UnknownShipment, OrderShipping.Track(order, new ShipmentEvent("e5", ShipmentEventKind.Delivered, "shp_other"), turn));

        Assert.Equal((OrderStatus.Delivered, OrderShipping.Delivered), (order.Status, order.Shipment!.Status));
        Assert.Equal(new string?[] { "In transit.", null }, order.Timeline.Select(t => t.Note));
        Assert.Equal(NotificationKind.OrderDelivered, Assert.Single(order.Notices).BuyerKind);
    }

    [Fact]
    public void Delivered_after_the_order_was_refunded_is_noted_on_the_shipment_only()
    {
        var order = Shipped();
        order.Status = OrderStatus.Refunded;

        Assert.Equal(TrackingOutcome.Delivered,
            OrderShipping.Track(order, new ShipmentEvent("e1", ShipmentEventKind.Delivered, "shp_1"), new OrderTurn(OrderId, Now, new OrderOptions(), [])));

        Assert.Equal((OrderStatus.Refunded, OrderShipping.Delivered), (order.Status, order.Shipment!.Status));
        Assert.Empty(order.Timeline);
    }

    [Fact]
    public void A_label_is_recorded_with_the_carriers_status_and_shown_as_the_orders_shipment()
    {
        var order = new OrderState();
        Assert.Null(OrderShipping.View(order));

        OrderShipping.Booked(order, new ShipmentLabel("shp_1", "TRK1", "https://label/1", ShipmentStatus.InTransit));

        Assert.Equal(new OrderShipment("shp_1", "TRK1", "https://label/1", OrderShipping.InTransit), OrderShipping.View(order));
        Assert.Equal($"{OrderId}:ship", OrderShipping.Key(OrderId));
    }

    [Fact]
    public void An_order_with_money_on_its_way_back_does_not_ship()
    {
        var order = new OrderState { Payments = [new PaymentAttemptState { PaymentId = "pay_1" }] };
        OrderShipping.RequireNoRefundDue(order);

        order.Payments[0].RefundDue = 1;
        Assert.Equal("refund-pending", Assert.Throws<DomainException>(() => OrderShipping.RequireNoRefundDue(order)).Code);
    }

    [Fact]
    public void An_order_remembers_the_last_provider_events_it_applied()
    {
        var order = new OrderState();
        for (var i = 0; i < ProviderEvents.Memory + 5; i++)
        {
            ProviderEvents.Remember(order, $"evt_{i}");
        }

        Assert.Equal(ProviderEvents.Memory, order.AppliedEvents.Count);
        Assert.False(ProviderEvents.Seen(order, "evt_4"));
        Assert.True(ProviderEvents.Seen(order, "evt_5"));
        Assert.True(ProviderEvents.Seen(order, $"evt_{ProviderEvents.Memory + 4}"));
    }

    private static OrderState Shipped() => new()
    {
        Created = true, Status = OrderStatus.Shipped,
        Shipment = new ShipmentState { ShipmentId = "shp_1", TrackingNumber = "TRK1", LabelUrl = "https://label/1", Status = OrderShipping.LabelCreated },
    };
}
