using Marketplace.Contracts.Orders;
using Marketplace.Grains.Orders;
using static Marketplace.Grains.Orders.OrderEffects;

namespace Marketplace.Grains.Tests;

public sealed class OrderStateMachineTests
{
    private const OrderEffects Buyer = NotifyBuyer;
    private const OrderEffects Seller = NotifySeller;

    /// <summary>Every pair that is not refused, with what it must do. Everything else must be refused.</summary>
    private static readonly Dictionary<(OrderStatus, OrderEvent), Transition> Allowed = new()
    {
        [(OrderStatus.Placed, OrderEvent.PlacedNeedingConfirmation)] = Move(OrderStatus.AwaitingSellerConfirmation, Seller | Buyer),
        [(OrderStatus.Placed, OrderEvent.PlacedReadyToPay)] = Move(OrderStatus.AwaitingPayment, Buyer),
        [(OrderStatus.Placed, OrderEvent.BuyerCancelled)] = Move(OrderStatus.Cancelled, ReleaseStock),
        [(OrderStatus.Placed, OrderEvent.SellerCancelled)] = Move(OrderStatus.Cancelled, ReleaseStock),

        [(OrderStatus.AwaitingSellerConfirmation, OrderEvent.SellerAccepted)] = Move(OrderStatus.AwaitingPayment, Buyer),
        [(OrderStatus.AwaitingSellerConfirmation, OrderEvent.SellerRejected)] = Move(OrderStatus.Rejected, ReleaseStock | Buyer),
        [(OrderStatus.AwaitingSellerConfirmation, OrderEvent.ConfirmationTimedOut)] = Move(OrderStatus.Expired, ReleaseStock | Buyer | Seller),
        [(OrderStatus.AwaitingSellerConfirmation, OrderEvent.PaymentTimedOut)] = Ignored(OrderStatus.AwaitingSellerConfirmation),
        [(OrderStatus.AwaitingSellerConfirmation, OrderEvent.BuyerCancelled)] = Move(OrderStatus.Cancelled, ReleaseStock | Seller),
        [(OrderStatus.AwaitingSellerConfirmation, OrderEvent.SellerCancelled)] = Move(OrderStatus.Cancelled, ReleaseStock | Buyer),

        [(OrderStatus.AwaitingPayment, OrderEvent.PaymentSucceeded)] = Move(OrderStatus.Paid, CommitStock | Seller | Buyer),
        [(OrderStatus.AwaitingPayment, OrderEvent.PaymentFailed)] = Move(OrderStatus.AwaitingPayment, Buyer),
        [(OrderStatus.AwaitingPayment, OrderEvent.PaymentTimedOut)] = Move(OrderStatus.Expired, ReleaseStock | Buyer | Seller),
        [(OrderStatus.AwaitingPayment, OrderEvent.ConfirmationTimedOut)] = Ignored(OrderStatus.AwaitingPayment),
        [(OrderStatus.AwaitingPayment, OrderEvent.BuyerCancelled)] = Move(OrderStatus.Cancelled, ReleaseStock | Seller),
        [(OrderStatus.AwaitingPayment, OrderEvent.SellerCancelled)] = Move(OrderStatus.Cancelled, ReleaseStock | Buyer),

        [(OrderStatus.Paid, OrderEvent.SellerCancelled)] = Move(OrderStatus.Paid, Refund | ReleaseStock),
        [(OrderStatus.Paid, OrderEvent.Shipped)] = Move(OrderStatus.Shipped, Buyer),
        [(OrderStatus.Paid, OrderEvent.RefundSucceeded)] = Move(OrderStatus.Refunded, Buyer | Seller),
        [(OrderStatus.Paid, OrderEvent.PaymentSucceeded)] = Ignored(OrderStatus.Paid),
        [(OrderStatus.Paid, OrderEvent.PaymentFailed)] = Ignored(OrderStatus.Paid),
        [(OrderStatus.Paid, OrderEvent.ConfirmationTimedOut)] = Ignored(OrderStatus.Paid),
        [(OrderStatus.Paid, OrderEvent.PaymentTimedOut)] = Ignored(OrderStatus.Paid),

        [(OrderStatus.Shipped, OrderEvent.InTransit)] = Ignored(OrderStatus.Shipped),
        [(OrderStatus.Shipped, OrderEvent.Delivered)] = Move(OrderStatus.Delivered, Buyer | Seller),
        [(OrderStatus.Shipped, OrderEvent.Returned)] = Move(OrderStatus.Shipped, Refund),
        [(OrderStatus.Shipped, OrderEvent.RefundSucceeded)] = Move(OrderStatus.Refunded, Buyer | Seller),
        [(OrderStatus.Shipped, OrderEvent.PaymentSucceeded)] = Ignored(OrderStatus.Shipped),
        [(OrderStatus.Shipped, OrderEvent.PaymentFailed)] = Ignored(OrderStatus.Shipped),
        [(OrderStatus.Shipped, OrderEvent.ConfirmationTimedOut)] = Ignored(OrderStatus.Shipped),
        [(OrderStatus.Shipped, OrderEvent.PaymentTimedOut)] = Ignored(OrderStatus.Shipped),

        [(OrderStatus.Delivered, OrderEvent.InTransit)] = Ignored(OrderStatus.Delivered),
        [(OrderStatus.Delivered, OrderEvent.Delivered)] = Ignored(OrderStatus.Delivered),
        [(OrderStatus.Delivered, OrderEvent.PaymentSucceeded)] = Ignored(OrderStatus.Delivered),
        [(OrderStatus.Delivered, OrderEvent.PaymentFailed)] = Ignored(OrderStatus.Delivered),
        [(OrderStatus.Delivered, OrderEvent.ConfirmationTimedOut)] = Ignored(OrderStatus.Delivered),
        [(OrderStatus.Delivered, OrderEvent.PaymentTimedOut)] = Ignored(OrderStatus.Delivered),

        [(OrderStatus.Refunded, OrderEvent.RefundSucceeded)] = Ignored(OrderStatus.Refunded),
        [(OrderStatus.Refunded, OrderEvent.PaymentSucceeded)] = Ignored(OrderStatus.Refunded),
        [(OrderStatus.Refunded, OrderEvent.PaymentFailed)] = Ignored(OrderStatus.Refunded),
        [(OrderStatus.Refunded, OrderEvent.ConfirmationTimedOut)] = Ignored(OrderStatus.Refunded),
        [(OrderStatus.Refunded, OrderEvent.PaymentTimedOut)] = Ignored(OrderStatus.Refunded),
    };

    static OrderStateMachineTests()
    {
        // Orders that can no longer be sold: late money is refunded, everything else late is ignored.
        foreach (var ended in new[] { OrderStatus.Expired, OrderStatus.Cancelled, OrderStatus.Rejected })
        {
            Allowed[(ended, OrderEvent.PaymentSucceeded)] = Move(ended, Refund | Buyer);
            Allowed[(ended, OrderEvent.PaymentFailed)] = Ignored(ended);
            Allowed[(ended, OrderEvent.RefundSucceeded)] = Ignored(ended);
            Allowed[(ended, OrderEvent.ConfirmationTimedOut)] = Ignored(ended);
            Allowed[(ended, OrderEvent.PaymentTimedOut)] = Ignored(ended);
        }
    }

    public static TheoryData<OrderStatus, OrderEvent> EveryPair()
    {
        var pairs = new TheoryData<OrderStatus, OrderEvent>();
        foreach (var status in Enum.GetValues<OrderStatus>())
        {
            foreach (var @event in Enum.GetValues<OrderEvent>())
            {
                pairs.Add(status, @event);
            }
        }

        return pairs;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Every_status_and_event_has_exactly_the_specified_outcome(OrderStatus status, OrderEvent @event)
    {
        var expected = Allowed.TryGetValue((status, @event), out var allowed)
            ? allowed
            : new Transition(TransitionKind.Refused, status, None);

        Assert.Equal(expected, OrderStateMachine.Apply(status, @event));
    }

    [Fact]
    public void Every_way_out_that_is_not_a_sale_lets_the_stock_go_and_only_payment_sells_it()
    {
        var holding = new[] { OrderStatus.Placed, OrderStatus.AwaitingSellerConfirmation, OrderStatus.AwaitingPayment };
        foreach (var ((from, @event), transition) in Allowed)
        {
            if (transition.Kind != TransitionKind.Moved)
            {
                continue;
            }

            // A store taking back a paid order unsells it too: the money goes back, and so do the units.
            var endsUnsold = (holding.Contains(from) && OrderStateMachine.IsTerminal(transition.Next))
                || (from == OrderStatus.Paid && @event == OrderEvent.SellerCancelled);
            Assert.True(endsUnsold == transition.Effects.HasFlag(ReleaseStock), $"{from} + {@event}");
            Assert.True((transition.Next == OrderStatus.Paid && from != OrderStatus.Paid) == transition.Effects.HasFlag(CommitStock), $"{from} + {@event}");
        }
    }

    [Fact]
    public void A_finished_order_never_moves_again()
    {
        foreach (var status in Enum.GetValues<OrderStatus>().Where(OrderStateMachine.IsTerminal))
        {
            foreach (var @event in Enum.GetValues<OrderEvent>())
            {
                Assert.Equal(status, OrderStateMachine.Apply(status, @event).Next);
            }
        }
    }

    [Fact]
    public void A_quotation_and_a_direct_order_both_reach_delivery()
    {
        OrderStatus Run(params OrderEvent[] events) =>
            events.Aggregate(OrderStatus.Placed, (status, e) =>
            {
                var transition = OrderStateMachine.Apply(status, e);
                Assert.NotEqual(TransitionKind.Refused, transition.Kind);
                return transition.Next;
            });

        Assert.Equal(OrderStatus.Delivered, Run(OrderEvent.PlacedNeedingConfirmation, OrderEvent.SellerAccepted,
            OrderEvent.PaymentFailed, OrderEvent.PaymentSucceeded, OrderEvent.PaymentSucceeded, OrderEvent.Shipped,
            OrderEvent.InTransit, OrderEvent.Delivered, OrderEvent.InTransit));
        Assert.Equal(OrderStatus.Refunded, Run(OrderEvent.PlacedReadyToPay, OrderEvent.PaymentSucceeded, OrderEvent.SellerCancelled,
            OrderEvent.RefundSucceeded));
    }

    private static Transition Move(OrderStatus next, OrderEffects effects = None) => Transition.Move(next, effects);

    private static Transition Ignored(OrderStatus status) => new(TransitionKind.Ignored, status, None);
}
