using System.Globalization;
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
            .WithDescription("The ETag header carries the product's version.");
        group.MapPut("/{productId}/stock", SetStock)
            .WithName("SetStock")
            .WithSummary("Set on-hand units per SKU")
            .WithDescription("Refused with 409 when a SKU would have fewer units on hand than open orders reserve; nothing changes then.");
        return routes;
    }

    private static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> GetProduct(
        string productId, HttpResponse response, IGrainFactory grains)
    {
        if (!GrainKeys.IsProductId(productId))
        {
            return ApiProblems.NotFound("The product");
        }

        var details = await grains.GetGrain<IProductGrain>(productId).GetDetails();
        if (details is null)
        {
            return ApiProblems.NotFound("The product");
        }

        response.Headers.ETag = $"\"{details.Version.ToString(CultureInfo.InvariantCulture)}\"";
        return TypedResults.Ok(ProductResponse.From(details));
    }

    private static async Task<Results<Ok<StockResponse>, ProblemHttpResult>> SetStock(
        string productId, StockRequest request, IGrainFactory grains)
    {
        if (!GrainKeys.IsProductId(productId))
        {
            return ApiProblems.NotFound("The product");
        }

        var items = request.Items!.Select(i => new StockSetting(i.Sku!, i.OnHand!.Value)).ToList();
        var details = await grains.GetGrain<IProductGrain>(productId).SetStock(items);
        return TypedResults.Ok(StockResponse.From(details));
    }
}
