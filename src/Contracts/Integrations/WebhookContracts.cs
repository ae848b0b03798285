namespace Marketplace.Contracts.Integrations;

/// <summary>The events an endpoint can ask for, as their names travel in the <c>Marketplace-Event</c> header.</summary>
public static class WebhookEvents
{
    public const string OrderPlaced = "order.placed";
    public const string OrderPaid = "order.paid";
    public const string OrderShipped = "order.shipped";
    public const string OrderCancelled = "order.cancelled";
    public const string ProductCreated = "product.created";
    public const string ProductUpdated = "product.updated";
    public const string StockChanged = "stock.changed";
    public const string QuestionAsked = "question.asked";
    public const string ReviewPosted = "review.posted";

    public static IReadOnlyList<string> All { get; } =
    [
        OrderPlaced, OrderPaid, OrderShipped, OrderCancelled, ProductCreated, ProductUpdated, StockChanged, QuestionAsked,
        ReviewPosted,
    ];

    public static bool IsKnown(string? name) => name is not null && All.Contains(name, StringComparer.Ordinal);
}

/// <summary>An endpoint as its owner asks for it.</summary>
[GenerateSerializer, Immutable, Alias("mk.WebhookEndpointDraft")]
public sealed record WebhookEndpointDraft(
    [property: Id(0)] string Url,
    [property: Id(1)] IReadOnlyList<string> Events,
    [property: Id(2)] string? Description);

/// <summary>An endpoint as its owner sees it (never its secret).</summary>
/// <param name="StoreId">The store whose events it hears; null for an operator's endpoint, which hears every store's.</param>
/// <param name="FailingSince">Since when every attempt failed; null while the endpoint answers.</param>
[GenerateSerializer, Immutable, Alias("mk.WebhookEndpointView")]
public sealed record WebhookEndpointView(
    [property: Id(0)] string Id,
    [property: Id(1)] string? StoreId,
    [property: Id(2)] string Url,
    [property: Id(3)] IReadOnlyList<string> Events,
    [property: Id(4)] string? Description,
    [property: Id(5)] bool Enabled,
    [property: Id(6)] string? DisabledReason,
    [property: Id(7)] DateTimeOffset? FailingSince,
    [property: Id(8)] DateTimeOffset? PreviousSecretUntil,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] DateTimeOffset UpdatedAt);

/// <summary>What creating an endpoint or rotating its secret answers: the secret, shown this once.</summary>
[GenerateSerializer, Immutable, Alias("mk.WebhookSecret")]
public sealed record WebhookSecret(
    [property: Id(0)] WebhookEndpointView Endpoint,
    [property: Id(1)] string Secret);

/// <summary>
/// One webhook endpoint: its settings, and the delivery of every event it asked for, in order per resource, retried with
/// exponential backoff for a day. Keyed by the endpoint's id. Store staff act on their store's endpoints, admins on
/// any; the caller travels in the request context.
/// </summary>
[Alias("mk.IWebhookEndpointGrain")]
public interface IWebhookEndpointGrain : IGrainWithStringKey
{
    /// <summary>Creates the endpoint for <paramref name="storeId"/> (null: every store's events, admins only).</summary>
    [Alias("Create")]
    Task<WebhookSecret> Create(string? storeId, WebhookEndpointDraft draft);

    [Alias("Get")]
    Task<WebhookEndpointView> Get();

    /// <summary>Changes the address, events or description; enabling a disabled endpoint starts it again.</summary>
    [Alias("Update")]
    Task<WebhookEndpointView> Update(WebhookEndpointDraft draft, bool enabled);

    /// <summary>A new secret; the previous one keeps signing (as a second signature) for the grace period.</summary>
    [Alias("RotateSecret")]
    Task<WebhookSecret> RotateSecret();

    /// <summary>Deletes the endpoint and its delivery log.</summary>
    [Alias("Delete")]
    Task Delete();

    /// <summary>Sends a delivery again (whatever became of it), as soon as the ones before it on its resource are done.</summary>
    [Alias("Redeliver")]
    Task Redeliver(long deliveryId);

    /// <summary>Fans out new events and sends what is due now (normally done on the endpoint's own timer).</summary>
    [Alias("Pump")]
    Task Pump();
}
