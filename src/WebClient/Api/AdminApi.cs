using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Marketplace.WebClient.Accounts;
using Marketplace.WebClient.Infrastructure;
using Marketplace.WebClient.Operations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Marketplace.WebClient.Api;

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
        string? q, int? page, int? pageSize, AccountsDbContext db, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        var users = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var pattern = "%" + EscapeLike(q.Trim()) + "%";
            users = users.Where(u => EF.Functions.ILike(u.Email!, pattern, "\\") || EF.Functions.ILike(u.DisplayName, pattern, "\\"));
        }

        var total = await users.CountAsync(ct);
        var rows = await users.OrderByDescending(u => u.CreatedAt).ThenBy(u => u.Id).Skip(paging.Skip).Take(paging.PageSize)
            .Select(u => new
            {
                User = u,
                Roles = db.UserRoles.Where(r => r.UserId == u.Id).Select(r => r.RoleId).ToList(),
            })
            .ToListAsync(ct);
        var items = rows.Select(r => new AdminUserResponse(r.User.Id, r.User.Email!, r.User.DisplayName, r.Roles.Order(StringComparer.Ordinal).ToList(),
            r.User.SellerId, r.User.TwoFactorEnabled, r.User.LockoutEnd, r.User.CreatedAt)).ToList();
        return TypedResults.Ok(new PagedResponse<AdminUserResponse>(items, total, paging.Page, paging.PageSize));
    }

    private static async Task<Results<Ok<PagedResponse<AdminStoreResponse>>, ValidationProblem>> ListStores(
        string? q, string? status, int? page, int? pageSize, NpgsqlDataSource db, CancellationToken ct)
    {
        if (status is not (null or "active" or "suspended"))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["Use 'active' or 'suspended'."] });
        }

        var paging = Paging.From(page, pageSize);
        const string Filter = "(@q IS NULL OR name ILIKE @pattern OR seller_id = @q OR external_id = @q) AND (@status IS NULL OR status = @status)";
        await using var count = db.CreateCommand($"SELECT count(*) FROM store_directory WHERE {Filter}");
        await using var query = db.CreateCommand(
            $"""
            SELECT seller_id, name, status, owner_user_id, external_id, product_count, created_at, updated_at
            FROM store_directory WHERE {Filter} ORDER BY created_at DESC, seller_id LIMIT @take OFFSET @skip
            """);
        foreach (var command in new[] { count, query })
        {
            var text = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
            command.Parameters.Add(new NpgsqlParameter<string?>("q", text) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string?>("pattern", text is null ? null : "%" + EscapeLike(text) + "%")
            { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string?>("status", status) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        }

        query.Parameters.AddWithValue("take", paging.PageSize);
        query.Parameters.AddWithValue("skip", paging.Skip);
        var total = Convert.ToInt32(await count.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        var items = new List<AdminStoreResponse>();
        await using var reader = await query.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            items.Add(new AdminStoreResponse(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt32(5),
                reader.GetFieldValue<DateTimeOffset>(6), reader.GetFieldValue<DateTimeOffset>(7)));
        }

        return TypedResults.Ok(new PagedResponse<AdminStoreResponse>(items, total, paging.Page, paging.PageSize));
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
        TypedResults.Ok(await keys.ListAsync(ct));

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

        var (info, key) = await keys.CreateAsync(request.Name!.Trim(), request.Scopes!.Distinct().ToList(), user.UserId(), ct);
        return TypedResults.Created($"/api/admin/api-keys/{info.Id:N}", new CreatedApiKeyResponse(info, key));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(Guid keyId, ApiKeyStore keys, CancellationToken ct) =>
        await keys.RevokeAsync(keyId, ct) ? TypedResults.NoContent() : ApiProblems.NotFound("The API key");

    private static async Task<Ok<ClusterResponse>> Cluster(IGrainFactory grains)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: false);
        var stats = await management.GetSimpleGrainStatistics();
        var silos = hosts
            .Where(h => h.Status != SiloStatus.Dead)
            .Select(h => new SiloResponse(
                h.SiloAddress.ToString(),
                System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(h.Status.ToString()),
                stats.Where(s => s.SiloAddress.Equals(h.SiloAddress)).Sum(s => s.ActivationCount),
                new DateTimeOffset(DateTime.SpecifyKind(h.StartTime, DateTimeKind.Utc)),
                h.SiloName))
            .ToList();
        return TypedResults.Ok(new ClusterResponse(silos));
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
