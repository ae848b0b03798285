using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Marketplace.Contracts.Integrations;
using Marketplace.Web.Accounts;
using Marketplace.Web.Catalog;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Web.Integrations;

/// <summary>An endpoint as its owner asks for it: where to post, which events (see <see cref="WebhookEvents.All"/>).</summary>
public sealed record WebhookEndpointBody
{
    [Required]
    public string? Url { get; init; }

    [Required]
    public List<string>? Events { get; init; }

    public string? Description { get; init; }

    /// <summary>On a change: false stops deliveries, true starts them again (default true).</summary>
    public bool? Enabled { get; init; }

    public WebhookEndpointDraft ToDraft() => new(Url!, Events!, Description);
}

/// <summary>A new endpoint or a rotated secret: the secret is shown this once.</summary>
public sealed record WebhookSecretResponse(
    string Id, string Secret, string Url, IReadOnlyList<string> Events, string? Description, bool Enabled, DateTimeOffset? PreviousSecretUntil)
{
    public static WebhookSecretResponse From(WebhookSecret s) => new(s.Endpoint.Id, s.Secret, s.Endpoint.Url, s.Endpoint.Events,
        s.Endpoint.Description, s.Endpoint.Enabled, s.Endpoint.PreviousSecretUntil);
}

/// <summary>
/// Outbound webhooks for integrators (docs/architecture.md, "Webhooks"): a store's staff register endpoints for their
/// store's events under /api/seller/webhooks, admins for every store's under /api/admin/webhooks. The grain checks the
/// caller again; another owner's endpoint answers 404.
/// </summary>
public static class WebhookEndpointsApi
{
    public static IEndpointRouteBuilder MapWebhookEndpointsApi(this IEndpointRouteBuilder routes)
    {
        Map(routes.MapGroup("/seller/webhooks").RequireAuthorization(AuthorizationSetup.SellerPolicy).AllowStoreApiKeys(), "Store", u => u.SellerId());
        Map(routes.MapGroup("/admin/webhooks").RequireAuthorization(AuthorizationSetup.AdminPolicy), "Marketplace", _ => null);
        return routes;
    }

    private static void Map(RouteGroupBuilder group, string who, Func<ClaimsPrincipal, string?> ownerOf)
    {
        group.WithTags("Webhooks");
        group.MapGet("/", (ClaimsPrincipal user, WebhookQueries queries, CancellationToken ct) => List(ownerOf(user), queries, ct))
            .WithName($"List{who}Webhooks").WithSummary("The webhook endpoints, with their health");
        group.MapPost("/", (WebhookEndpointBody body, ClaimsPrincipal user, IGrainFactory grains) => Create(body, ownerOf(user), grains))
            .WithName($"Create{who}Webhook")
            .WithSummary("Register an endpoint for events; the answer carries its signing secret, shown once");
        group.MapGet("/{endpointId}", Get).WithName($"Get{who}Webhook").WithSummary("One endpoint");
        group.MapPut("/{endpointId}", Update).WithName($"Update{who}Webhook")
            .WithSummary("Change an endpoint's address, events or description, or disable it / enable it again");
        group.MapDelete("/{endpointId}", Delete).WithName($"Delete{who}Webhook").WithSummary("Delete an endpoint and its delivery log");
        group.MapPost("/{endpointId}/secret", Rotate).WithName($"Rotate{who}WebhookSecret")
            .WithSummary("A new signing secret, shown once; the previous one keeps signing beside it for the grace period");
        group.MapGet("/{endpointId}/deliveries", Deliveries).WithName($"List{who}WebhookDeliveries")
            .WithSummary("The endpoint's delivery log, newest first: status, attempts, the receiver's last answer");
        group.MapPost("/{endpointId}/deliveries/{deliveryId:long}/redeliver", Redeliver).WithName($"Redeliver{who}Webhook")
            .WithSummary("Send a delivery again");
    }

    private static IWebhookEndpointGrain Endpoint(IGrainFactory grains, string endpointId) => grains.GetGrain<IWebhookEndpointGrain>(endpointId);

    private static bool IsEndpointId(string id) => id.Length == 36 && id.StartsWith("whe_", StringComparison.Ordinal) && id[4..].All(char.IsAsciiHexDigitLower);

    private static async Task<Ok<IReadOnlyList<WebhookEndpointView>>> List(string? storeId, WebhookQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.EndpointsAsync(storeId, ct));

    private static async Task<Created<WebhookSecretResponse>> Create(WebhookEndpointBody body, string? storeId, IGrainFactory grains)
    {
        var id = "whe_" + Guid.NewGuid().ToString("N");
        var created = await Endpoint(grains, id).Create(storeId, body.ToDraft());
        var path = storeId is null ? "/api/admin/webhooks/" : "/api/seller/webhooks/";
        return TypedResults.Created(path + id, WebhookSecretResponse.From(created));
    }

    private static async Task<Results<Ok<WebhookEndpointView>, ProblemHttpResult>> Get(string endpointId, IGrainFactory grains) =>
        IsEndpointId(endpointId) ? TypedResults.Ok(await Endpoint(grains, endpointId).Get()) : ApiProblems.NotFound("The webhook endpoint");

    private static async Task<Results<Ok<WebhookEndpointView>, ProblemHttpResult>> Update(string endpointId, WebhookEndpointBody body, IGrainFactory grains) =>
        IsEndpointId(endpointId)
            ? TypedResults.Ok(await Endpoint(grains, endpointId).Update(body.ToDraft(), body.Enabled ?? true))
            : ApiProblems.NotFound("The webhook endpoint");

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string endpointId, IGrainFactory grains)
    {
        if (!IsEndpointId(endpointId))
        {
            return ApiProblems.NotFound("The webhook endpoint");
        }

        await Endpoint(grains, endpointId).Delete();
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<WebhookSecretResponse>, ProblemHttpResult>> Rotate(string endpointId, IGrainFactory grains) =>
        IsEndpointId(endpointId)
            ? TypedResults.Ok(WebhookSecretResponse.From(await Endpoint(grains, endpointId).RotateSecret()))
            : ApiProblems.NotFound("The webhook endpoint");

    private static async Task<Results<Ok<PagedResponse<WebhookDeliveryRow>>, ProblemHttpResult>> Deliveries(
        string endpointId, int? page, int? pageSize, IGrainFactory grains, WebhookQueries queries, CancellationToken ct)
    {
        if (!IsEndpointId(endpointId))
        {
            return ApiProblems.NotFound("The webhook endpoint");
        }

        // The grain answers only to the endpoint's owner (404 otherwise), so the log is read only after it did.
        await Endpoint(grains, endpointId).Get();
        var paging = Paging.From(page, pageSize);
        return TypedResults.Ok(await queries.DeliveriesAsync(endpointId, paging.Page, paging.PageSize, ct));
    }

    private static async Task<Results<Accepted, ProblemHttpResult>> Redeliver(string endpointId, long deliveryId, IGrainFactory grains)
    {
        if (!IsEndpointId(endpointId))
        {
            return ApiProblems.NotFound("The webhook endpoint");
        }

        await Endpoint(grains, endpointId).Redeliver(deliveryId);
        return TypedResults.Accepted($"/api/seller/webhooks/{endpointId}/deliveries");
    }
}
