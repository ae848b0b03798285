using Marketplace.Contracts.Common;
using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Realtime;
using Marketplace.Grains.Orders;
using Marketplace.Grains.Shipping;

namespace Marketplace.Grains.Tests;

/// <summary>Returns as decisions on an order's state: who may ask what until when, and what each gives back (pure).</summary>
public sealed class OrderReturnsTests
{
    private static readonly DateTimeOffset Delivered = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static OrderTurn Turn(DateTimeOffset now) => new("ord_test", now, new OrderOptions(), []);

    /// <summary>Two lines (3 × 8,990 and 1 × 5,000) with 1,000 off the first, shipping 2,500, paid 27,470 + tax when excluded.</summary>
    private static OrderState Order(bool pricesIncludeTax = true, int windowDays = 30)
    {
        var order = new OrderState
        {
            Created = true, Status = OrderStatus.Delivered, Currency = "CLP", ShippingCost = 2_500, ReturnWindowDays = windowDays,
            Lines = [new("prd_a", "CAFE", "Café", 3, 8_990), new("prd_b", "MUG", "Taza", 1, 5_000)],
            LineDiscounts = [1_000, 0], Discount = 1_000, PricesIncludeTax = pricesIncludeTax,
            LineTaxes = pricesIncludeTax ? [4_146, 798] : [2_080, 400],
        };
        order.Subtotal = order.Lines.Sum(l => l.Total);
        order.Tax = order.LineTaxes.Sum();
        order.Total = OrderPlacement.TotalOf(order);
        order.Payments.Add(new PaymentAttemptState { PaymentId = "pay_1", Status = OrderPayments.Succeeded, Amount = order.Total });
        order.CapturedPaymentId = "pay_1";
        order.Timeline.Add(new OrderTimelineEntry(OrderStatus.Delivered, Delivered, null));
        return order;
    }

    private static ReturnState Receive(OrderState order, ReturnState ret, bool refundShipping = false)
    {
        OrderReturns.Approve(order, ret, refundShipping, writeOff: false, new ShipmentLabel("shp_" + ret.ReturnId, "TRK", "https://label", ShipmentStatus.LabelCreated), Turn(Delivered));
        Assert.True(OrderReturns.Track(order, new ShipmentEvent("evt_" + ret.ReturnId, ShipmentEventKind.Delivered, "shp_" + ret.ReturnId), Turn(Delivered.AddDays(2))));
        return ret;
    }

    [Fact]
    public void A_return_gives_back_each_units_share_and_all_of_a_line_gives_back_exactly_what_it_cost()
    {
        var order = Order();
        var first = Receive(order, OrderReturns.Request(order, [new ReturnLine("", "CAFE", 1)], "Torn", Turn(Delivered.AddDays(1))));
        // 8,990 less a third of the 1,000 discount, rounded down: 333.
        Assert.Equal(8_657, first.Refund);
        var rest = Receive(order, OrderReturns.Request(order, [new ReturnLine("", "CAFE", 2), new ReturnLine("prd_b", "MUG", 1)], "All of it", Turn(Delivered.AddDays(1))),
            refundShipping: true);
        // The rest of the coffee (17,980 − 667), the mug, and the shipping.
        Assert.Equal(17_313 + 5_000 + 2_500, rest.Refund);
        Assert.Equal(order.Total, first.Refund + rest.Refund);
        Assert.True(rest.StockPending);
        Assert.Equal(ReturnStatus.Received, rest.Status);
    }

    [Fact]
    public void Tax_added_on_top_goes_back_with_its_units()
    {
        var order = Order(pricesIncludeTax: false);
        var all = Receive(order, OrderReturns.Request(order, [new ReturnLine("", "CAFE", 3), new ReturnLine("", "MUG", 1)], "Wrong order", Turn(Delivered)));
        Assert.Equal(order.Total - order.ShippingCost, all.Refund);
    }

    [Fact]
    public void Refunds_are_queued_one_at_a_time_and_a_return_shows_refunded_once_its_money_went_back()
    {
        var order = Order();
        var first = Receive(order, OrderReturns.Request(order, [new ReturnLine("", "CAFE", 1)], "One", Turn(Delivered)));
        var second = Receive(order, OrderReturns.Request(order, [new ReturnLine("", "MUG", 1)], "Two", Turn(Delivered)));
        var payment = order.Payments[0];

        Assert.True(OrderReturns.QueueRefund(order));
        Assert.Equal(8_657, payment.RefundDue);
        Assert.False(OrderReturns.QueueRefund(order));
        Assert.Equal(ReturnStatus.Received, OrderReturns.StatusOf(order, first));

        OrderPayments.RecordRefund(order, payment, "ref_1", 8_657, Turn(Delivered));
        Assert.Equal((ReturnStatus.Refunded, ReturnStatus.Received), (OrderReturns.StatusOf(order, first), OrderReturns.StatusOf(order, second)));
        Assert.True(order.NeedsAttention);
        Assert.True(OrderReturns.QueueRefund(order));
        Assert.Equal(5_000, payment.RefundDue);
        OrderPayments.RecordRefund(order, payment, "ref_2", 5_000, Turn(Delivered));
        Assert.Equal(ReturnStatus.Refunded, OrderReturns.StatusOf(order, second));
    }

    [Fact]
    public void A_return_names_delivered_units_not_already_on_their_way_back_within_the_window()
    {
        var order = Order();
        var now = Turn(Delivered.AddDays(1));
        OrderReturns.Request(order, [new ReturnLine("", "CAFE", 2)], "Two", now);
        Assert.Contains("lines[0].quantity", Assert.Throws<DomainException>(() => OrderReturns.Request(order, [new ReturnLine("", "CAFE", 2)], "More", now)).Errors!.Keys);
        Assert.Contains("lines[0].sku", Assert.Throws<DomainException>(() => OrderReturns.Request(order, [new ReturnLine("", "NOPE", 1)], "?", now)).Errors!.Keys);
        Assert.Contains("reason", Assert.Throws<DomainException>(() => OrderReturns.Request(order, [new ReturnLine("", "MUG", 1)], " ", now)).Errors!.Keys);
        // A rejected return frees its units.
        OrderReturns.Reject(order, order.Returns[0], "No", now);
        Assert.Equal("r2", OrderReturns.Request(order, [new ReturnLine("", "CAFE", 3)], "All", now).ReturnId);

        Assert.Equal("return-window-closed", Assert.Throws<DomainException>(() =>
            OrderReturns.Request(Order(), [new ReturnLine("", "MUG", 1)], "Late", Turn(Delivered.AddDays(30).AddSeconds(1)))).Code);
        Assert.Equal("return-window-closed", Assert.Throws<DomainException>(() =>
            OrderReturns.Request(Order(windowDays: 0), [new ReturnLine("", "MUG", 1)], "None", now)).Code);
        var paidOnly = Order();
        paidOnly.Status = OrderStatus.Paid;
        Assert.Equal("not-returnable", Assert.Throws<DomainException>(() => OrderReturns.Request(paidOnly, [new ReturnLine("", "MUG", 1)], "Early", now)).Code);
    }

    [Fact]
    public void Every_step_is_on_the_timeline_and_live_to_both_sides()
    {
        var order = Order();
        var turn = Turn(Delivered);
        OrderReturns.Request(order, [new ReturnLine("", "MUG", 1)], "Chipped", turn);
        Assert.Equal("Return r1 requested: Chipped", order.Timeline[^1].Note);
        Assert.Equal(new OrderChanged("ord_test", OrderStatus.Delivered, Delivered), Assert.Single(turn.Unannounced));
        Assert.False(OrderReturns.Track(order, new ShipmentEvent("evt_x", ShipmentEventKind.Delivered, "shp_other"), turn));
    }
}
