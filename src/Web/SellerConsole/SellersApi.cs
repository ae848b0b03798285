using System.Security.Claims;
using Marketplace.Web.Accounts;
using Marketplace.Web.Catalog;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.SellerConsole;

/// <summary>Stores: create, read, update, their product catalogs and their staff.</summary>
public static class SellersApi
{
    public static IEndpointRouteBuilder MapSellersApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/sellers").WithTags("Stores");

        group.MapPost("/", CreateStore).IdempotentWithKey()
            .WithName("CreateStore")
            .WithSummary("Create an unclaimed store (admins; sellers get theirs at registration)")
            .WithDescription("Accepts an Idempotency-Key header: repeating the request with the same key answers the same store.")
            .RequireAuthorization(AuthorizationSetup.AdminPolicy);
        group.MapGet("/{sellerId}", GetStore).WithName("GetStore").WithSummary("A store's public profile").AllowAnonymous()
            .RequireCors(PublicApi.CorsPolicy);
        group.MapPut("/{sellerId}", UpdateStore).WithName("UpdateStore").WithSummary("Replace a store's profile and settings")
            .RequireAuthorization(AuthorizationSetup.SellerPolicy);
        group.MapGet("/{sellerId}/products", ListProducts).WithName("ListStoreProducts")
            .WithSummary("The store's published products, newest first").AllowAnonymous().RequireCors(PublicApi.CorsPolicy);
        group.MapPost("/{sellerId}/products", CreateProduct).IdempotentWithKey()
            .WithName("CreateProduct")
            .WithSummary("Create a product with its variants and initial stock")
            .WithDescription("Accepts an Idempotency-Key header: repeating the request with the same key answers the same product.")
            .RequireAuthorization(AuthorizationSetup.SellerPolicy).AllowStoreApiKeys();
        group.MapPost("/{sellerId}/invitations", InviteStaff).WithName("InviteStaff")
            .WithSummary("Invite someone to the store's staff (owner): the invitee is emailed the link; the answer has the token too")
            .RequireAuthorization(AuthorizationSetup.SellerPolicy);
        group.MapGet("/{sellerId}/staff", ListStaff).WithName("ListStaff").WithSummary("The store's staff (staff and admins)");
        group.MapDelete("/{sellerId}/staff/{userId}", RemoveStaff).WithName("RemoveStaff")
            .WithSummary("Remove a staff member (owner); their sessions end at once")
            .RequireAuthorization(AuthorizationSetup.SellerPolicy);
        return routes;
    }

    private static async Task<Results<Created<StoreResponse>, ProblemHttpResult>> CreateStore(
        StoreRequest request, HttpRequest http, IGrainFactory grains, IOptions<JsonOptions> json)
    {
        if (!Idempotency.TryGetKey(http, out var key, out var error))
        {
            return BadHeader(error!);
        }

        var sellerId = key is null ? GrainKeys.NewSellerId() : GrainKeys.DerivedId(GrainKeys.SellerPrefix, "store", key);
        var profile = await grains.GetGrain<ISellerGrain>(sellerId).Create(request.ToDraft(), Idempotency.Fingerprint(request, json));
        return TypedResults.Created($"/api/sellers/{profile.SellerId}", StoreResponse.From(profile));
    }

    private static async Task<Results<Ok<StoreResponse>, ProblemHttpResult>> GetStore(string sellerId, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!GrainKeys.IsSellerId(sellerId))
        {
            return ApiProblems.NotFound("The store");
        }

        var profile = await grains.GetGrain<ISellerGrain>(sellerId).GetProfile();
        return profile is null || !Access.CanSee(user, profile)
            ? ApiProblems.NotFound("The store")
            : TypedResults.Ok(StoreResponse.From(profile));
    }

    private static async Task<Results<Ok<StoreResponse>, ProblemHttpResult>> UpdateStore(
        string sellerId, StoreRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (Access.RequireStoreStaff(user, sellerId) is { } refused)
        {
            return refused;
        }

        var profile = await grains.GetGrain<ISellerGrain>(sellerId).Update(request.ToDraft());
        return TypedResults.Ok(StoreResponse.From(profile));
    }

    private static async Task<Results<Ok<PagedResponse<ProductResponse>>, ProblemHttpResult>> ListProducts(
        string sellerId, int? page, int? pageSize, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!GrainKeys.IsSellerId(sellerId))
        {
            return ApiProblems.NotFound("The store");
        }

        var store = grains.GetGrain<ISellerGrain>(sellerId);
        if (await store.GetProfile() is not { } profile || !Access.CanSee(user, profile))
        {
            return ApiProblems.NotFound("The store");
        }

        var paging = Paging.From(page, pageSize);
        var ids = await store.GetProductIds(paging.Skip, paging.PageSize, publishedOnly: true);
        var details = await Task.WhenAll(ids.Ids.Select(id => grains.GetGrain<IProductGrain>(id).GetDetails()));
        var items = details
            .Where(d => d is { Status: ProductStatus.Published })
            .Select(d => ProductResponse.From(d!))
            .ToList();
        return TypedResults.Ok(new PagedResponse<ProductResponse>(items, ids.Total, paging.Page, paging.PageSize));
    }

    private static async Task<Results<Created<ProductResponse>, ProblemHttpResult>> CreateProduct(
        string sellerId, ProductRequest request, HttpRequest http, ClaimsPrincipal user, ProductEditing editing)
    {
        if (Access.RequireStoreStaff(user, sellerId) is { } refused)
        {
            return refused;
        }

        if (!Idempotency.TryGetKey(http, out var key, out var error))
        {
            return BadHeader(error!);
        }

        var details = await editing.CreateAsync(sellerId, request.ToDraft(), key);
        return TypedResults.Created($"/api/products/{details.ProductId}", ProductResponse.From(details));
    }

    private static async Task<Results<Created<InvitationResponse>, ProblemHttpResult>> InviteStaff(
        string sellerId, InvitationRequest request, ClaimsPrincipal user, StaffInvitations invitations, CancellationToken ct)
    {
        if (Access.RequireStoreStaff(user, sellerId) is { } refused)
        {
            return refused;
        }

        var sent = await invitations.InviteAsync(sellerId, user.UserId(), AccountService.NormalizeEmail(request.Email!), ct);
        return TypedResults.Created($"/api/sellers/{sellerId}/staff",
            new InvitationResponse(sent.Invitation.Email, sent.Invitation.Token, sent.Invitation.ExpiresAt));
    }

    private static async Task<Results<Ok<IReadOnlyList<StaffResponse>>, ProblemHttpResult>> ListStaff(
        string sellerId, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!user.IsAdmin() && Access.RequireStoreStaff(user, sellerId) is { } refused)
        {
            return refused;
        }

        if (!GrainKeys.IsSellerId(sellerId))
        {
            return ApiProblems.NotFound("The store");
        }

        var staff = await grains.GetGrain<ISellerGrain>(sellerId).GetStaff();
        return TypedResults.Ok<IReadOnlyList<StaffResponse>>(staff.Select(m => new StaffResponse(m.UserId, m.Email, m.Role, m.AddedAt)).ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveStaff(
        string sellerId, string userId, ClaimsPrincipal user, IGrainFactory grains, AccountService accounts, CancellationToken ct)
    {
        if (Access.RequireStoreStaff(user, sellerId) is { } refused)
        {
            return refused;
        }

        await grains.GetGrain<ISellerGrain>(sellerId).RemoveStaff(userId);
        await accounts.LeaveStoreAsync(userId, sellerId, ct);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult BadHeader(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail,
            type: "https://httpstatuses.io/400");
}
