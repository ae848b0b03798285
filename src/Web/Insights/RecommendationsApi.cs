using System.Globalization;
using System.Security.Claims;
using Marketplace.Contracts.Cart;
using Marketplace.Web.Accounts;
using Marketplace.Web.Infrastructure;
using Marketplace.Web.Search;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Web.Insights;

public sealed record RecommendationsResponse(string Kind, IReadOnlyList<SearchItemResponse> Items);

/// <summary>
/// Recommendations where people shop: with a product ("bought together", "similar"), for the visitor (from their
/// purchases, carts and views; popular products in their language otherwise) and for their cart. Only listed, in-stock
/// products of active stores, never what the visitor already bought.
/// </summary>
public static class RecommendationsApi
{
    public const string BoughtTogether = "boughtTogether";
    public const string Similar = "similar";

    public static IEndpointRouteBuilder MapRecommendationsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/products/{productId}/recommendations", ForProduct).WithTags("Recommendations").WithName("ProductRecommendations")
            .WithSummary("Products bought by the same customers (kind=boughtTogether, the default) or like this one (kind=similar)")
            .AllowAnonymous()
            .RequireCors(PublicApi.CorsPolicy);
        routes.MapGet("/recommendations/for-you", ForYou).WithTags("Recommendations").WithName("RecommendedForYou")
            .WithSummary("Products for the caller (an account or a guest token), from what they bought, carted and viewed")
            .RequireAuthorization(AuthorizationSetup.VisitorPolicy);
        routes.MapGet("/cart/recommendations", ForCart).WithTags("Recommendations").WithName("CartRecommendations")
            .WithSummary("Products that go with the caller's cart (\"complete your order\")")
            .RequireAuthorization(AuthorizationSetup.VisitorPolicy);
        return routes;
    }

    private static async Task<Results<Ok<RecommendationsResponse>, ProblemHttpResult>> ForProduct(
        string productId, ClaimsPrincipal user, Recommender recommender, CancellationToken ct, string? kind = null, int limit = 8)
    {
        if (!GrainKeys.IsProductId(productId))
        {
            return ApiProblems.NotFound("The product");
        }

        var visitor = Visitor(user);
        var items = (kind ?? BoughtTogether) switch
        {
            BoughtTogether => await recommender.BoughtTogetherAsync(productId, visitor, limit, ct),
            Similar => await recommender.SimilarAsync(productId, visitor, limit, ct),
            _ => null,
        };
        return items is null
            ? TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { ["kind"] = [$"One of {BoughtTogether}, {Similar}."] })
            {
                Status = StatusCodes.Status400BadRequest, Title = "The request is not valid.",
            })
            : TypedResults.Ok(new RecommendationsResponse(kind ?? BoughtTogether, items.Select(SearchItemResponse.From).ToList()));
    }

    private static async Task<Ok<RecommendationsResponse>> ForYou(ClaimsPrincipal user, Recommender recommender, CancellationToken ct, int limit = 12) =>
        TypedResults.Ok(new RecommendationsResponse("forYou",
            (await recommender.ForYouAsync(Visitor(user), Language, limit, ct)).Select(SearchItemResponse.From).ToList()));

    private static async Task<Ok<RecommendationsResponse>> ForCart(
        ClaimsPrincipal user, IGrainFactory grains, Recommender recommender, CancellationToken ct, int limit = 8)
    {
        var cart = await grains.GetGrain<ICartGrain>(user.UserId()).Get();
        var products = cart.Sellers.SelectMany(s => s.Lines).Select(l => l.ProductId).Distinct(StringComparer.Ordinal).ToList();
        return TypedResults.Ok(new RecommendationsResponse("cart",
            (await recommender.ForCartAsync(products, Visitor(user), Language, limit, ct)).Select(SearchItemResponse.From).ToList()));
    }

    /// <summary>The visitor's id (an account's or a guest's), or null for an anonymous request.</summary>
    public static string? Visitor(ClaimsPrincipal user) => CallerIdentity.From(user)?.UserId;

    private static string Language => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
}
