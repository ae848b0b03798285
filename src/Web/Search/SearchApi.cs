using Marketplace.Web.Insights;
using Marketplace.Web.Catalog;
using Marketplace.Web.Infrastructure;
using Marketplace.Web.Media;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Web.Search;

public sealed record SearchItemResponse(
    string ProductId,
    string Title,
    long Price,
    string Currency,
    string SellerId,
    string SellerName,
    string? ImageUrl,
    bool InStock,
    string Category,
    RatingResponse Rating)
{
    public static SearchItemResponse From(SearchHit hit) => new(hit.ProductId, hit.Title, hit.Price, hit.Currency, hit.SellerId, hit.SellerName,
        hit.ImageKey is null ? null : MediaApi.UrlOf(hit.ImageKey), hit.InStock, hit.Category, RatingResponse.Of(hit.RatingSum, hit.RatingCount));
}

public sealed record SearchFacetsResponse(IReadOnlyList<FacetValue> Category, IReadOnlyList<FacetValue> Seller);

public sealed record SearchResponse(IReadOnlyList<SearchItemResponse> Items, int Total, int Page, int PageSize, SearchFacetsResponse Facets);

/// <summary>Search across every store's published products.</summary>
public static class SearchApi
{
    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/search", Search)
            .WithName("Search")
            .WithTags("Search")
            .WithSummary("Search published products across all stores, with facets")
            .WithDescription("q matches titles, categories, attributes, options and descriptions, ignoring case and accents; every " +
                             "word matches as a prefix. sort: relevance (default with q), newest (default without), priceAsc, " +
                             "priceDesc. Prices are minor units; combine price filters with currency. Facets ignore their own filter.")
            .AllowAnonymous()
            .RequireCors(PublicApi.CorsPolicy);
        return routes;
    }

    private static async Task<Results<Ok<SearchResponse>, ValidationProblem>> Search(
        ProductSearch search,
        HttpContext http,
        CancellationToken ct,
        string? q = null,
        string? sellerId = null,
        string? category = null,
        long? minPrice = null,
        long? maxPrice = null,
        bool? inStock = null,
        string? currency = null,
        string? sort = null,
        int? page = null,
        int? pageSize = null)
    {
        var (query, errors) = SearchRequest.Parse(q, sellerId, category, minPrice, maxPrice, inStock, currency, sort, page, pageSize);
        if (query is null)
        {
            return TypedResults.ValidationProblem(errors, title: "The search is not valid.");
        }

        var result = await search.SearchAsync(query, ct);
        SearchEvents.Record(http, q, query.Page, result.Total);
        return TypedResults.Ok(new SearchResponse(
            result.Items.Select(SearchItemResponse.From).ToList(),
            result.Total,
            query.Page,
            query.PageSize,
            new SearchFacetsResponse(result.Categories, result.Sellers)));
    }

}
