using Marketplace.Contracts.Orders;
using Marketplace.Grains.Common;
using Marketplace.Grains.Payments;
using Marketplace.Grains.Shipping;

namespace Marketplace.Grains.Orders;

/// <summary>
/// An order's side of the payment gateway: sessions and card charges under the order's idempotency keys, refunds of
/// what the state says is due, and the gateway's failures turned into answers for the caller. Each answer is recorded
/// in the state through <see cref="OrderPayments"/>; the grain stores it.
/// </summary>
public sealed class OrderPaymentClient(IPaymentGateway gateway, string orderId, TimeProvider clock)
{
    /// <summary>
    /// The session the buyer was already sent to, or a new one for the next attempt. The new attempt is kept in memory
    /// and stored with the order's next write, not on its own: its key is idempotent (asking again after a lost write
    /// gets the same session back), and an event for a session the order never stored is adopted.
    /// </summary>
    public async Task<PaymentStart> StartAsync(OrderState order, string returnUrl, string webhookUrl)
    {
        if (OrderPayments.OpenSession(order) is { } open)
        {
            return new PaymentStart(open.PaymentId, open.RedirectUrl!);
        }

        var attempt = OrderPayments.NextAttempt(order);
        PaymentSession session;
        try
        {
            session = await gateway.CreatePaymentAsync(
                orderId, order.Total, order.Currency, returnUrl, webhookUrl, OrderPayments.SessionKey(orderId, attempt));
        }
        catch (ExternalServiceException e)
        {
            throw ProviderFailures.Unreachable("payments", e);
        }

        OrderPayments.SessionOpened(order, session, attempt, clock.GetUtcNow());
        return new PaymentStart(session.PaymentId, session.RedirectUrl);
    }

    /// <summary>Charges the card for the next attempt and records the attempt (open); the charge says how it went.</summary>
    public async Task<(PaymentAttemptState Attempt, PaymentDetails Charge)> ChargeAsync(OrderState order, CardDetails card, string webhookUrl)
    {
        var attempt = OrderPayments.NextAttempt(order);
        PaymentDetails charge;
        try
        {
            charge = await gateway.ChargeCardAsync(orderId, order.Total, order.Currency, card, webhookUrl, OrderPayments.CardKey(orderId, attempt));
        }
        catch (ExternalServiceException e) when (e.Failure == ExternalFailure.Refused)
        {
            // The gateway's own rules (e.g. the number's length): nothing was charged, and asking again will not help.
            throw new DomainException(DomainErrorKind.Validation, "card-refused", $"The payment provider refused the card {card.Masked}: {e.Message}",
                new Dictionary<string, string[]> { ["card"] = ["The payment provider refused this card."] });
        }
        catch (ExternalServiceException e)
        {
            throw ProviderFailures.Unreachable("payments", e);
        }

        return (OrderPayments.CardCharged(order, charge, card.Masked, attempt, clock.GetUtcNow()), charge);
    }

    /// <summary>Gives back what the payment still has due; asking again never refunds twice (one key per payment).</summary>
    public Task<RefundReceipt> RefundAsync(PaymentAttemptState payment) =>
        gateway.RefundAsync(payment.PaymentId, payment.RefundDue, OrderPayments.RefundKey(orderId, payment));
}

/// <summary>An order's side of the carrier: one shipment per order, booked under the order's key and recorded in the state.</summary>
public sealed class OrderCarrierClient(ICarrier carrier, string orderId)
{
    public async Task<ShipmentLabel> BookAsync(OrderState order, string webhookUrl)
    {
        ShipmentLabel label;
        try
        {
            label = await carrier.CreateShipmentAsync(orderId, OrderShipping.Address(order.ShippingAddress!), webhookUrl, OrderShipping.Key(orderId));
        }
        catch (ExternalServiceException e)
        {
            throw ProviderFailures.Unreachable("shipping", e);
        }

        OrderShipping.Booked(order, label);
        return label;
    }

    /// <summary>Books a return's label to the store (one per return, by its key); the caller records it when it approves.</summary>
    public async Task<ShipmentLabel> BookReturnAsync(string returnId, ShippingAddress store, string webhookUrl)
    {
        try
        {
            return await carrier.CreateShipmentAsync(orderId, store, webhookUrl, OrderReturns.LabelKey(orderId, returnId), isReturn: true);
        }
        catch (ExternalServiceException e)
        {
            throw ProviderFailures.Unreachable("shipping", e);
        }
    }
}

/// <summary>How a provider's failure is answered to the caller of the order.</summary>
internal static class ProviderFailures
{
    /// <summary>Nothing was done at the provider that a retry with the same key would not find: 503, retry.</summary>
    public static DomainException Unreachable(string service, ExternalServiceException e) =>
        new(DomainErrorKind.Unavailable, $"{service}-unavailable", $"The {service} provider could not be reached ({e.Message}); retry.");
}
