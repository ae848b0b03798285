using System.Globalization;
using System.Security.Claims;
using Marketplace.WebClient.Accounts;
using Marketplace.WebClient.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.WebClient.Api;

/// <summary>Products: details with live availability, and stock.</summary>
public static class ProductsApi
{
    public static IEndpointRouteBuilder MapProductsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/products").WithTags("Products");
        group.MapGet("/{productId}", GetProduct)
            .WithName("GetProduct")
            .WithSummary("A product with its variants and the units available per SKU")
            .WithDescription("The ETag header carries the product's version. Drafts are visible to their store's staff only.")
            .AllowAnonymous();
        group.MapPut("/{productId}/stock", SetStock)
            .WithName("SetStock")
            .WithSummary("Set on-hand units per SKU")
            .WithDescription("Refused with 409 when a SKU would have fewer units on hand than open orders reserve; nothing changes then.")
            .RequireAuthorization(AuthorizationSetup.SellerPolicy);
        return routes;
    }

    private static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> GetProduct(
        string productId, HttpResponse response, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!GrainKeys.IsProductId(productId))
        {
            return ApiProblems.NotFound("The product");
        }

        var details = await grains.GetGrain<IProductGrain>(productId).GetDetails();
        if (details is null || !Access.CanSee(user, details))
        {
            return ApiProblems.NotFound("The product");
        }

        response.Headers.ETag = $"\"{details.Version.ToString(CultureInfo.InvariantCulture)}\"";
        return TypedResults.Ok(ProductResponse.From(details));
    }

    private static async Task<Results<Ok<StockResponse>, ProblemHttpResult>> SetStock(
        string productId, StockRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!GrainKeys.IsProductId(productId))
        {
            return ApiProblems.NotFound("The product");
        }

        var product = grains.GetGrain<IProductGrain>(productId);
        if (await product.GetDetails() is not { } current || !Access.CanSee(user, current))
        {
            return ApiProblems.NotFound("The product");
        }

        if (Access.RequireStoreStaff(user, current.SellerId) is { } refused)
        {
            return refused;
        }

        var items = request.Items!.Select(i => new StockSetting(i.Sku!, i.OnHand!.Value)).ToList();
        var details = await product.SetStock(items);
        return TypedResults.Ok(StockResponse.From(details));
    }
}
