using Marketplace.Contracts.Orders;
using Marketplace.Grains.Common;

namespace Marketplace.Grains.Payments;

/// <summary>Settings of the payment provider ("Payments" section; Payments__BaseUrl in the environment).</summary>
public sealed class PaymentGatewayOptions
{
    public const string Section = "Payments";

    public string? BaseUrl { get; set; }

    public string? ApiKey { get; set; }

    /// <summary>The secret the provider signs webhooks with; the web host checks them with it.</summary>
    public string? WebhookSecret { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>The payment gateway over the sandbox provider's HTTP API (/v1/payments, /v1/refunds).</summary>
public sealed class SandboxPaymentGateway : IPaymentGateway
{
    private readonly ProviderHttp http;

    /// <param name="client">A client with the provider's base address and the API key as its bearer authorization.</param>
    public SandboxPaymentGateway(HttpClient client) => http = new ProviderHttp(client, "The payment provider");

    public async Task<PaymentSession> CreatePaymentAsync(
        string orderId, long amount, string currency, string returnUrl, string webhookUrl, string idempotencyKey,
        CancellationToken cancellationToken = default)
    {
        var payment = await http.PostAsync<PaymentBody>("v1/payments",
            new { orderId, amount, currency, returnUrl, webhookUrl }, idempotencyKey, cancellationToken);
        return new PaymentSession(payment.PaymentId, payment.RedirectUrl, payment.Status);
    }

    public async Task<PaymentDetails> ChargeCardAsync(
        string orderId, long amount, string currency, CardDetails card, string webhookUrl, string idempotencyKey,
        CancellationToken cancellationToken = default)
    {
        var p = await http.PostAsync<PaymentBody>("v1/charges",
            new { orderId, amount, currency, card = new { number = card.Number, brand = card.Brand, holder = card.Holder, expiry = card.Expiry }, webhookUrl },
            idempotencyKey, cancellationToken);
        return new PaymentDetails(p.PaymentId, p.OrderId, p.Status, p.Amount, p.Currency, p.RefundedAmount, p.RedirectUrl);
    }

    public async Task<PaymentDetails?> GetPaymentAsync(string paymentId, CancellationToken cancellationToken = default) =>
        await http.GetAsync<PaymentBody>($"v1/payments/{Uri.EscapeDataString(paymentId)}", cancellationToken) is { } p
            ? new PaymentDetails(p.PaymentId, p.OrderId, p.Status, p.Amount, p.Currency, p.RefundedAmount, p.RedirectUrl)
            : null;

    public async Task<RefundReceipt> RefundAsync(
        string paymentId, long amount, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        var refund = await http.PostAsync<RefundBody>("v1/refunds", new { paymentId, amount }, idempotencyKey, cancellationToken);
        return new RefundReceipt(refund.RefundId, refund.PaymentId, refund.Amount, refund.Currency);
    }

    private sealed record PaymentBody(
        string PaymentId, string OrderId, PaymentStatus Status, long Amount, string Currency, long RefundedAmount, string RedirectUrl);

    private sealed record RefundBody(string RefundId, string PaymentId, long Amount, string Currency);
}
