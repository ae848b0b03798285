using Marketplace.WebClient.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Marketplace.WebClient.Api;

/// <summary>Stores: create, read, update, and their product catalogs.</summary>
public static class SellersApi
{
    public static IEndpointRouteBuilder MapSellersApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/sellers").WithTags("Stores");

        group.MapPost("/", CreateStore)
            .WithName("CreateStore")
            .WithSummary("Create a store")
            .WithDescription("Accepts an Idempotency-Key header: repeating the request with the same key answers the same store.");
        group.MapGet("/{sellerId}", GetStore).WithName("GetStore").WithSummary("A store's public profile");
        group.MapPut("/{sellerId}", UpdateStore).WithName("UpdateStore").WithSummary("Replace a store's profile and settings");
        group.MapGet("/{sellerId}/products", ListProducts).WithName("ListStoreProducts").WithSummary("The store's published products, newest first");
        group.MapPost("/{sellerId}/products", CreateProduct)
            .WithName("CreateProduct")
            .WithSummary("Create a product with its variants and initial stock")
            .WithDescription("Accepts an Idempotency-Key header: repeating the request with the same key answers the same product.");
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

    private static async Task<Results<Ok<StoreResponse>, ProblemHttpResult>> GetStore(string sellerId, IGrainFactory grains)
    {
        if (!GrainKeys.IsSellerId(sellerId))
        {
            return ApiProblems.NotFound("The store");
        }

        var profile = await grains.GetGrain<ISellerGrain>(sellerId).GetProfile();
        return profile is null ? ApiProblems.NotFound("The store") : TypedResults.Ok(StoreResponse.From(profile));
    }

    private static async Task<Results<Ok<StoreResponse>, ProblemHttpResult>> UpdateStore(
        string sellerId, StoreRequest request, IGrainFactory grains)
    {
        if (!GrainKeys.IsSellerId(sellerId))
        {
            return ApiProblems.NotFound("The store");
        }

        var profile = await grains.GetGrain<ISellerGrain>(sellerId).Update(request.ToDraft());
        return TypedResults.Ok(StoreResponse.From(profile));
    }

    private static async Task<Results<Ok<PagedResponse<ProductResponse>>, ProblemHttpResult>> ListProducts(
        string sellerId, int? page, int? pageSize, IGrainFactory grains)
    {
        if (!GrainKeys.IsSellerId(sellerId))
        {
            return ApiProblems.NotFound("The store");
        }

        var store = grains.GetGrain<ISellerGrain>(sellerId);
        if (await store.GetProfile() is null)
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
        string sellerId, ProductRequest request, HttpRequest http, IGrainFactory grains, IOptions<JsonOptions> json)
    {
        if (!GrainKeys.IsSellerId(sellerId))
        {
            return ApiProblems.NotFound("The store");
        }

        if (!Idempotency.TryGetKey(http, out var key, out var error))
        {
            return BadHeader(error!);
        }

        var productId = key is null ? GrainKeys.NewProductId() : GrainKeys.DerivedId(GrainKeys.ProductPrefix, sellerId, key);
        var details = await grains.GetGrain<ISellerGrain>(sellerId)
            .CreateProduct(productId, request.ToDraft(), Idempotency.Fingerprint(request, json));
        return TypedResults.Created($"/api/products/{details.ProductId}", ProductResponse.From(details));
    }

    private static ProblemHttpResult BadHeader(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail,
            type: "https://httpstatuses.io/400");
}
