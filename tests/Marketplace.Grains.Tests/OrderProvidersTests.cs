using Marketplace.Contracts.Common;
using Marketplace.Contracts.Orders;
using Marketplace.Grains.Common;
using Marketplace.Grains.Orders;
using Marketplace.Grains.Payments;
using Marketplace.Grains.Shipping;

namespace Marketplace.Grains.Tests;

/// <summary>An order's side of its payment gateway and carrier, against in-memory stand-ins that record each call.</summary>
public sealed class OrderProvidersTests
{
    private const string OrderId = "ord_0123456789abcdef0123456789";
    private static readonly CardDetails Card = new("4242424242424242", "visa", "Ana", "12/30");

    [Fact]
    public async Task A_buyer_asking_again_is_sent_to_the_same_open_session_without_a_new_call()
    {
        var gateway = new Gateway();
        var client = new OrderPaymentClient(gateway, OrderId, TimeProvider.System);
        var order = Awaiting();

        var first = await client.StartAsync(order, "https://shop/return", "https://shop/hook");
        var again = await client.StartAsync(order, "https://shop/return", "https://shop/hook");

        Assert.Equal(first, again);
        Assert.Equal([$"{OrderId}:pay:1"], gateway.Keys);
        Assert.Equal((first.PaymentId, 1, OrderPayments.Open), (order.Payments.Single().PaymentId, order.Payments.Single().Attempt, order.Payments.Single().Status));
    }

    [Fact]
    public async Task A_charge_is_recorded_as_the_next_attempt_under_its_own_key()
    {
        var gateway = new Gateway();
        var order = Awaiting();
        order.Payments.Add(new PaymentAttemptState { PaymentId = "pay_declined", Attempt = 1, Status = OrderPayments.Failed });

        var (attempt, charge) = await new OrderPaymentClient(gateway, OrderId, TimeProvider.System).ChargeAsync(order, Card, "https://shop/hook");

        Assert.Equal([$"{OrderId}:card:2"], gateway.Keys);
        Assert.Equal((charge.PaymentId, 2, "visa 4242", 8990L), (attempt.PaymentId, attempt.Attempt, attempt.Card, attempt.Amount));
        Assert.Same(attempt, order.Payments[^1]);
    }

    [Fact]
    public async Task A_gateway_that_cannot_be_reached_is_a_retryable_refusal_and_a_refused_card_a_validation_error()
    {
        var order = Awaiting();
        var down = new OrderPaymentClient(new Gateway { Failure = ExternalFailure.Unavailable }, OrderId, TimeProvider.System);
        var strict = new OrderPaymentClient(new Gateway { Failure = ExternalFailure.Refused }, OrderId, TimeProvider.System);

        var unreachable = await Assert.ThrowsAsync<DomainException>(() => down.StartAsync(order, "r", "w"));
        var chargeUnreachable = await Assert.ThrowsAsync<DomainException>(() => down.ChargeAsync(order, Card, "w"));
        var refused = await Assert.ThrowsAsync<DomainException>(() => strict.ChargeAsync(order, Card, "w"));

        Assert.Equal((DomainErrorKind.Unavailable, "payments-unavailable"), (unreachable.Kind, unreachable.Code));
        Assert.Equal((DomainErrorKind.Unavailable, "payments-unavailable"), (chargeUnreachable.Kind, chargeUnreachable.Code));
        Assert.Equal((DomainErrorKind.Validation, "card-refused"), (refused.Kind, refused.Code));
        Assert.DoesNotContain("4242424242424242", refused.Message, StringComparison.Ordinal);
        Assert.Empty(order.Payments);
    }

    [Fact]
    public async Task A_refund_gives_back_what_is_due_under_the_payments_one_key()
    {
        var gateway = new Gateway();
        var payment = new PaymentAttemptState { PaymentId = "pay_1", Amount = 8990, RefundDue = 3000 };

        var receipt = await new OrderPaymentClient(gateway, OrderId, TimeProvider.System).RefundAsync(payment);

        Assert.Equal(("pay_1", 3000L), (receipt.PaymentId, receipt.Amount));
        Assert.Equal([$"{OrderId}:refund:pay_1"], gateway.Keys);
    }

    [Fact]
    public async Task A_shipment_is_booked_once_under_the_orders_key_and_recorded()
    {
        var carrier = new Carrier();
        var order = Awaiting();

        var label = await new OrderCarrierClient(carrier, OrderId).BookAsync(order, "https://shop/hook");
        var unreachable = await Assert.ThrowsAsync<DomainException>(() => new OrderCarrierClient(new Carrier { Down = true }, OrderId).BookAsync(order, "w"));

        Assert.Equal([$"{OrderId}:ship"], carrier.Keys);
        Assert.Equal((label.ShipmentId, OrderShipping.LabelCreated), (order.Shipment!.ShipmentId, order.Shipment.Status));
        Assert.Equal("Santiago", carrier.To!.City);
        Assert.Equal("shipping-unavailable", unreachable.Code);
    }

    private static OrderState Awaiting() => new()
    {
        Created = true, Currency = "CLP", Status = OrderStatus.AwaitingPayment, Total = 8990,
        ShippingAddress = new PostalAddress("Ana", "Calle 1", "Santiago", null, "CL", null, null),
    };

    /// <summary>A gateway that answers from memory, or fails the way it is told to.</summary>
    private sealed class Gateway : IPaymentGateway
    {
        public List<string> Keys { get; } = [];

        public ExternalFailure? Failure { get; init; }

        public Task<PaymentSession> CreatePaymentAsync(string orderId, long amount, string currency, string returnUrl, string webhookUrl,
            string idempotencyKey, CancellationToken cancellationToken = default) =>
            Answer(idempotencyKey, () => new PaymentSession("pay_" + idempotencyKey, "https://pay/" + idempotencyKey, PaymentStatus.Open));

        public Task<PaymentDetails> ChargeCardAsync(string orderId, long amount, string currency, CardDetails card, string webhookUrl,
            string idempotencyKey, CancellationToken cancellationToken = default) =>
            Answer(idempotencyKey, () => new PaymentDetails("pay_" + idempotencyKey, orderId, PaymentStatus.Succeeded, amount, currency, 0, ""));

        public Task<PaymentDetails?> GetPaymentAsync(string paymentId, CancellationToken cancellationToken = default) =>
            Task.FromResult<PaymentDetails?>(null);

        public Task<RefundReceipt> RefundAsync(string paymentId, long amount, string idempotencyKey, CancellationToken cancellationToken = default) =>
            Answer(idempotencyKey, () => new RefundReceipt("ref_" + idempotencyKey, paymentId, amount, "CLP"));

        private Task<T> Answer<T>(string key, Func<T> answer)
        {
            if (Failure is { } failure)
            {
                throw new ExternalServiceException("payments", failure, null, null, "no");
            }

            Keys.Add(key);
            return Task.FromResult(answer());
        }
    }

    private sealed class Carrier : ICarrier
    {
        public List<string> Keys { get; } = [];

        public ShippingAddress? To { get; private set; }

        public bool Down { get; init; }

        public Task<ShipmentLabel> CreateShipmentAsync(string orderId, ShippingAddress address, string webhookUrl, string idempotencyKey,
            bool isReturn = false, CancellationToken cancellationToken = default)
        {
            if (Down)
            {
                throw new ExternalServiceException("shipping", ExternalFailure.Unavailable, 503, null, "down");
            }

            Keys.Add(idempotencyKey);
            To = address;
            return Task.FromResult(new ShipmentLabel("shp_1", "TRK1", "https://label/1", ShipmentStatus.LabelCreated));
        }

        public Task<ShipmentDetails?> GetShipmentAsync(string shipmentId, CancellationToken cancellationToken = default) =>
            Task.FromResult<ShipmentDetails?>(null);
    }
}
