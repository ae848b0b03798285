namespace Marketplace.Sandbox.Infrastructure;

public sealed record Payment(
    string PaymentId,
    string OrderId,
    long Amount,
    string Currency,
    string ReturnUrl,
    string WebhookUrl,
    string RedirectUrl,
    string Status,
    long RefundedAmount,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt,
    string? Card = null);

public sealed record Refund(string RefundId, string PaymentId, long Amount, string Currency, DateTimeOffset CreatedAt);

public sealed record Address(string Name, string Line1, string City, string? Region, string Country, string? PostalCode, string? Phone);

public sealed record Shipment(
    string ShipmentId,
    string OrderId,
    string TrackingNumber,
    Address Address,
    string WebhookUrl,
    string LabelUrl,
    DateTimeOffset CreatedAt,
    DateTimeOffset InTransitAt,
    DateTimeOffset DeliveredAt,
    string Kind = "outbound");

/// <summary>A webhook to send: its body is fixed when the event happens, so every delivery carries the same bytes.</summary>
public sealed record WebhookEvent(string Id, WebhookChannel Channel, string Url, string Body, DateTimeOffset DueAt);

public enum WebhookChannel
{
    Payments,
    Shipping,
}

/// <summary>The answer given to the first request with an Idempotency-Key, replayed to every retry of it.</summary>
public sealed record IdempotentAnswer(string Scope, string Key, string Fingerprint, int Status, string Body);
