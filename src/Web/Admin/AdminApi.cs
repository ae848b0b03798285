using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Marketplace.Web.Accounts;
using Marketplace.Web.Catalog;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Web.Admin;

public sealed record SuspendRequest
{
    [Required, StringLength(500, MinimumLength = 1)]
    public string? Reason { get; init; }
}

public sealed record ApiKeyRequest
{
    [Required, StringLength(100, MinimumLength = 1)]
    public string? Name { get; init; }

    [Required, Length(1, 10)]
    public List<string>? Scopes { get; init; }
}

public sealed record AdminUserResponse(string UserId, string Email, string DisplayName, IReadOnlyList<string> Roles, string? SellerId,
    bool TwoFactorEnabled, DateTimeOffset? LockedUntil, DateTimeOffset CreatedAt);

public sealed record AdminStoreResponse(string SellerId, string Name, string Status, string? OwnerUserId, string? ExternalId,
    int ProductCount, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record CreatedApiKeyResponse(ApiKeyInfo Key, string ApiKey);

public sealed record ClaimCodeResponse(string SellerId, string ClaimCode);

public sealed record SiloResponse(string Address, string Status, int Activations, DateTimeOffset? StartedAt, string? SiloName);

public sealed record ClusterResponse(IReadOnlyList<SiloResponse> Silos);

/// <summary>Operator tools: users, stores (suspend, claim codes), integration API keys, cluster status.</summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin").WithTags("Admin").RequireAuthorization(AuthorizationSetup.AdminPolicy);
        admin.MapGet("/users", ListUsers).WithName("AdminListUsers").WithSummary("Users, searched by email or name");
        admin.MapGet("/stores", ListStores).WithName("AdminListStores").WithSummary("Stores, searched by name, optionally by status");
        admin.MapPost("/stores/{sellerId}/suspend", Suspend).WithName("SuspendStore")
            .WithSummary("Hide a store and stop it selling; its existing orders go on");
        admin.MapPost("/stores/{sellerId}/reinstate", Reinstate).WithName("ReinstateStore").WithSummary("Lift a suspension");
        admin.MapPost("/stores/{sellerId}/claim-code", IssueClaimCode).WithName("AdminIssueClaimCode")
            .WithSummary("A new claim code for an unclaimed store (replaces the previous one)");
        admin.MapGet("/api-keys", ListKeys).WithName("ListApiKeys").WithSummary("Integration API keys (without secrets)");
        admin.MapPost("/api-keys", CreateKey).WithName("CreateApiKey").WithSummary("Create an integration API key; the key is shown once");
        admin.MapDelete("/api-keys/{keyId:guid}", RevokeKey).WithName("RevokeApiKey").WithSummary("Revoke an integration API key");
        admin.MapGet("/cluster", Cluster).WithName("AdminCluster").WithSummary("The silos of the cluster");
        admin.MapDashboardSession();
        return routes;
    }

    private static async Task<Ok<PagedResponse<AdminUserResponse>>> ListUsers(
        string? q, int? page, int? pageSize, AdminQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.UsersAsync(q, Paging.From(page, pageSize), ct));

    private static async Task<Results<Ok<PagedResponse<AdminStoreResponse>>, ValidationProblem>> ListStores(
        string? q, string? status, int? page, int? pageSize, AdminQueries queries, CancellationToken ct)
    {
        if (status is not (null or "active" or "suspended"))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["Use 'active' or 'suspended'."] });
        }

        return TypedResults.Ok(await queries.StoresAsync(q, status, Paging.From(page, pageSize), ct));
    }

    private static async Task<Results<Ok<StoreResponse>, ProblemHttpResult>> Suspend(string sellerId, SuspendRequest request, IGrainFactory grains)
    {
        if (!GrainKeys.IsSellerId(sellerId))
        {
            return ApiProblems.NotFound("The store");
        }

        return TypedResults.Ok(StoreResponse.From(await grains.GetGrain<ISellerGrain>(sellerId).Suspend(request.Reason!)));
    }

    private static async Task<Results<Ok<StoreResponse>, ProblemHttpResult>> Reinstate(string sellerId, IGrainFactory grains)
    {
        if (!GrainKeys.IsSellerId(sellerId))
        {
            return ApiProblems.NotFound("The store");
        }

        return TypedResults.Ok(StoreResponse.From(await grains.GetGrain<ISellerGrain>(sellerId).Reinstate()));
    }

    private static async Task<Results<Ok<ClaimCodeResponse>, ProblemHttpResult>> IssueClaimCode(string sellerId, IGrainFactory grains)
    {
        if (!GrainKeys.IsSellerId(sellerId))
        {
            return ApiProblems.NotFound("The store");
        }

        return TypedResults.Ok(new ClaimCodeResponse(sellerId, await grains.GetGrain<ISellerGrain>(sellerId).IssueClaimCode()));
    }

    private static async Task<Ok<IReadOnlyList<ApiKeyInfo>>> ListKeys(ApiKeyStore keys, CancellationToken ct) =>
        TypedResults.Ok(await keys.ListAsync(null, ct));

    private static async Task<Results<Created<CreatedApiKeyResponse>, ValidationProblem>> CreateKey(
        ApiKeyRequest request, ClaimsPrincipal user, ApiKeyStore keys, CancellationToken ct)
    {
        var unknown = request.Scopes!.Where(s => !ApiKeyStore.KnownScopes.Contains(s)).ToList();
        if (unknown.Count > 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["scopes"] = [$"Unknown scope(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", ApiKeyStore.KnownScopes)}."],
            });
        }

        var (info, key) = await keys.CreateAsync(request.Name!.Trim(), request.Scopes!.Distinct().ToList(), user.UserId(), null, ct);
        return TypedResults.Created($"/api/admin/api-keys/{info.Id:N}", new CreatedApiKeyResponse(info, key));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(Guid keyId, ApiKeyStore keys, CancellationToken ct) =>
        await keys.RevokeAsync(keyId, null, ct) ? TypedResults.NoContent() : ApiProblems.NotFound("The API key");

    private static async Task<Ok<ClusterResponse>> Cluster(AdminQueries queries) => TypedResults.Ok(await queries.ClusterAsync());

}
