using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Marketplace.Web.Accounts;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Web.Integrations;

public sealed record StoreApiKeyRequest
{
    /// <summary>Named after the system that will use it ("ERP", "Shop sync").</summary>
    [Required, StringLength(100, MinimumLength = 1)]
    public string? Name { get; init; }
}

/// <summary>A store's key as its staff see it (never its secret).</summary>
public sealed record StoreApiKeyResponse(Guid Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    public static StoreApiKeyResponse From(ApiKeyInfo k) => new(k.Id, k.Name, k.CreatedAt, k.LastUsedAt, k.RevokedAt);
}

/// <summary>A new key: <see cref="Key"/> is the whole key, shown this once (only its hash is kept).</summary>
public sealed record CreatedStoreApiKeyResponse(Guid Id, string Name, string Key, DateTimeOffset CreatedAt);

/// <summary>
/// A store's own API keys: its staff create (shown once) and revoke them; a request with the key in <c>X-Api-Key</c>
/// acts for that store only, on its catalog, stock, orders and webhooks (<see cref="StoreApiKeys"/>). Managing keys
/// needs a staff member's token: a key cannot make more keys.
/// </summary>
public static class StoreApiKeysApi
{
    public static IEndpointRouteBuilder MapStoreApiKeysApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/seller/api-keys").WithTags("Integrations").RequireAuthorization(AuthorizationSetup.SellerPolicy);
        group.MapPost("/", Create).WithName("CreateStoreApiKey")
            .WithSummary("Create an API key for the store's catalog, stock, orders and webhooks; the key is in the answer only")
            .WithDescription("Send the key as the X-Api-Key header. Example: curl -H 'X-Api-Key: mk_…' https://marketplace.example/api/seller/orders. " +
                             "It acts for this store only, on the endpoints that say so, and is limited to RateLimits:ApiKeyRequestsPerSecond.");
        group.MapGet("/", List).WithName("ListStoreApiKeys").WithSummary("The store's API keys, newest first (never their secrets)");
        group.MapDelete("/{keyId:guid}", Revoke).WithName("RevokeStoreApiKey").WithSummary("Revoke a key: it stops working at once");
        return routes;
    }

    private static async Task<Results<Created<CreatedStoreApiKeyResponse>, ProblemHttpResult>> Create(
        StoreApiKeyRequest request, ClaimsPrincipal user, ApiKeyStore keys, CancellationToken ct)
    {
        var storeId = user.SellerId()!;
        if (await keys.CountActiveAsync(storeId, ct) >= ApiKeyStore.MaxActivePerStore)
        {
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "too-many-keys",
                $"A store may have at most {ApiKeyStore.MaxActivePerStore} keys in use: revoke one first.");
        }

        var (info, key) = await keys.CreateAsync(request.Name!.Trim(), [ApiKeyStore.StoreScope], user.UserId(), storeId, ct);
        return TypedResults.Created($"/api/seller/api-keys/{info.Id}", new CreatedStoreApiKeyResponse(info.Id, info.Name, key, info.CreatedAt));
    }

    private static async Task<Ok<IReadOnlyList<StoreApiKeyResponse>>> List(ClaimsPrincipal user, ApiKeyStore keys, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<StoreApiKeyResponse>>((await keys.ListAsync(user.SellerId(), ct)).Select(StoreApiKeyResponse.From).ToList());

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(Guid keyId, ClaimsPrincipal user, ApiKeyStore keys, CancellationToken ct) =>
        await keys.RevokeAsync(keyId, user.SellerId(), ct) ? TypedResults.NoContent() : ApiProblems.NotFound("The API key");
}
