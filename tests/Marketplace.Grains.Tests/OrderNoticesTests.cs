using Marketplace.Contracts.Notifications;
using Marketplace.Contracts.Orders;
using Marketplace.Grains.Orders;
using static Marketplace.Contracts.Notifications.NotificationKind;

namespace Marketplace.Grains.Tests;

/// <summary>Who is told what when an order changes status: every status change the state machine allows, against a table.</summary>
public sealed class OrderNoticesTests
{
    private static readonly Dictionary<(OrderStatus, OrderEvent), (NotificationKind? Buyer, NotificationKind? Store)> Expected = new()
    {
        [(OrderStatus.Placed, OrderEvent.PlacedNeedingConfirmation)] = (OrderPlaced, OrderAwaitingConfirmation),
        [(OrderStatus.Placed, OrderEvent.PlacedReadyToPay)] = (OrderPlaced, null),
        [(OrderStatus.Placed, OrderEvent.BuyerCancelled)] = (null, null),
        [(OrderStatus.Placed, OrderEvent.SellerCancelled)] = (null, null),
        [(OrderStatus.AwaitingSellerConfirmation, OrderEvent.SellerAccepted)] = (OrderAccepted, null),
        [(OrderStatus.AwaitingSellerConfirmation, OrderEvent.SellerRejected)] = (OrderRejected, null),
        [(OrderStatus.AwaitingSellerConfirmation, OrderEvent.ConfirmationTimedOut)] = (OrderExpired, null),
        [(OrderStatus.AwaitingSellerConfirmation, OrderEvent.BuyerCancelled)] = (null, OrderCancelled),
        [(OrderStatus.AwaitingSellerConfirmation, OrderEvent.SellerCancelled)] = (OrderCancelled, null),
        [(OrderStatus.AwaitingPayment, OrderEvent.PaymentSucceeded)] = (OrderPaid, OrderPaid),
        [(OrderStatus.AwaitingPayment, OrderEvent.PaymentTimedOut)] = (OrderExpired, null),
        [(OrderStatus.AwaitingPayment, OrderEvent.BuyerCancelled)] = (null, OrderCancelled),
        [(OrderStatus.AwaitingPayment, OrderEvent.SellerCancelled)] = (OrderCancelled, null),
        [(OrderStatus.Paid, OrderEvent.Shipped)] = (OrderShipped, null),
        [(OrderStatus.Paid, OrderEvent.RefundSucceeded)] = (RefundIssued, null),
        [(OrderStatus.Shipped, OrderEvent.Delivered)] = (OrderDelivered, null),
        [(OrderStatus.Shipped, OrderEvent.RefundSucceeded)] = (RefundIssued, null),
    };

    public static TheoryData<OrderStatus, OrderEvent> StatusChanges()
    {
        var data = new TheoryData<OrderStatus, OrderEvent>();
        foreach (var (status, @event) in Changes())
        {
            data.Add(status, @event);
        }

        return data;
    }

    /// <summary>Every (status, event) the machine answers by moving to another status.</summary>
    private static IEnumerable<(OrderStatus, OrderEvent)> Changes() =>
        from status in Enum.GetValues<OrderStatus>()
        from @event in Enum.GetValues<OrderEvent>()
        let t = OrderStateMachine.Apply(status, @event)
        where t.Kind == TransitionKind.Moved && t.Next != status
        select (status, @event);

    [Theory]
    [MemberData(nameof(StatusChanges))]
    public void Every_status_change_tells_the_buyer_and_the_store_what_the_table_says(OrderStatus from, OrderEvent @event)
    {
        var transition = OrderStateMachine.Apply(from, @event);

        Assert.True(Expected.TryGetValue((from, @event), out var expected), $"No expectation for {from} + {@event}.");
        Assert.Equal(expected, OrderNotices.For(from, transition.Next, transition.Effects));
    }

    [Fact]
    public void Every_expectation_is_a_status_change_the_machine_makes()
    {
        var changes = Changes().ToHashSet();

        Assert.DoesNotContain(Expected.Keys, k => !changes.Contains(k));
    }

    [Fact]
    public void A_notice_reads_like_a_message_with_the_amount_in_the_currencys_units()
    {
        var order = new OrderState
        {
            Currency = "USD", Total = 123_456, SellerName = "Maya's Toys",
            Lines = [new OrderLine("prd_x", "A", "Top", 2, 61_728)],
        };
        var notice = new OrderNotice { Sequence = 3, Status = OrderStatus.Paid, StoreKind = OrderPaid, BuyerKind = null };

        var draft = OrderNotices.Draft(order, "ord_0123456789abcdef0123456789", notice, forStore: true)!;

        Assert.Equal(("Order #23456789 paid", "2 items for 1,234.56 USD, ready to ship.", "/orders/ord_0123456789abcdef0123456789"),
            (draft.Title, draft.Body, draft.Link));
        Assert.Equal("ord_0123456789abcdef0123456789:notice:3:store", draft.SourceKey);
        // What the words say, for pages and emails that word it in their reader's language.
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["reference"] = "#23456789", ["store"] = "Maya's Toys", ["items"] = "2", ["total"] = "123456", ["currency"] = "USD", ["side"] = "store",
            },
            draft.Facts);
        Assert.Null(OrderNotices.Draft(order, "ord_0123456789abcdef0123456789", notice, forStore: false));
        Assert.Equal("8,990 CLP", OrderNotices.Money(8990, "CLP"));
    }
}
