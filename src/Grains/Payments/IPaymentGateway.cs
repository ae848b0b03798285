using Marketplace.Contracts.Orders;

namespace Marketplace.Grains.Payments;

/// <summary>
/// A hosted-checkout payment provider. Implementations talk to the sandbox locally and to a real provider in
/// production; nothing else in the marketplace knows which. Failures surface as
/// <see cref="Common.ExternalServiceException"/>.
/// </summary>
public interface IPaymentGateway
{
    /// <summary>
    /// Opens a payment the shopper completes on the provider's page. The same idempotency key with the same arguments
    /// returns the same session, so a retry never opens a second payment.
    /// </summary>
    Task<PaymentSession> CreatePaymentAsync(
        string orderId, long amount, string currency, string returnUrl, string webhookUrl, string idempotencyKey,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Charges a card the shopper handed over (card present, or a stored card): approved or declined in the answer,
    /// with no page to visit. The same idempotency key with the same arguments answers the same charge.
    /// </summary>
    Task<PaymentDetails> ChargeCardAsync(
        string orderId, long amount, string currency, CardDetails card, string webhookUrl, string idempotencyKey,
        CancellationToken cancellationToken = default);

    /// <summary>The payment as the provider sees it now; null when it does not know the id.</summary>
    Task<PaymentDetails?> GetPaymentAsync(string paymentId, CancellationToken cancellationToken = default);

    /// <summary>Refunds part or all of a succeeded payment, once per idempotency key.</summary>
    Task<RefundReceipt> RefundAsync(string paymentId, long amount, string idempotencyKey, CancellationToken cancellationToken = default);
}

public enum PaymentStatus
{
    Open,
    Succeeded,
    Failed,
}

/// <summary>Where to send the shopper to pay.</summary>
public sealed record PaymentSession(string PaymentId, string RedirectUrl, PaymentStatus Status);

public sealed record PaymentDetails(
    string PaymentId, string OrderId, PaymentStatus Status, long Amount, string Currency, long RefundedAmount, string RedirectUrl);

public sealed record RefundReceipt(string RefundId, string PaymentId, long Amount, string Currency);
