using System.Text.RegularExpressions;
using Marketplace.WebClient.Infrastructure;
using Marketplace.WebClient.Search;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.WebClient.Api;

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
    RatingResponse Rating);

public sealed record SearchFacetsResponse(IReadOnlyList<FacetValue> Category, IReadOnlyList<FacetValue> Seller);

public sealed record SearchResponse(IReadOnlyList<SearchItemResponse> Items, int Total, int Page, int PageSize, SearchFacetsResponse Facets);

/// <summary>Search across every store's published products.</summary>
public static partial class SearchApi
{
    public const int MaxQueryLength = 200;

    /// <summary>How deep paging may go: every page up to the requested one is ranked, so deeper pages cost more.</summary>
    public const int MaxResultWindow = 10_000;

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
        var errors = new Dictionary<string, string[]>();
        if (q is { Length: > MaxQueryLength })
        {
            errors["q"] = [$"At most {MaxQueryLength} characters."];
        }

        if (sellerId is not null && !GrainKeys.IsSellerId(sellerId))
        {
            errors["sellerId"] = ["Not a store id."];
        }

        if (category is not null && !CategoryPattern().IsMatch(category))
        {
            errors["category"] = ["A category is 1-64 lowercase letters, digits or dashes."];
        }

        if (minPrice < 0 || maxPrice < 0 || minPrice > maxPrice)
        {
            errors["price"] = ["minPrice and maxPrice are minor units, not negative, with minPrice <= maxPrice."];
        }

        if (currency is not null && !CurrencyPattern().IsMatch(currency))
        {
            errors["currency"] = ["Use an ISO 4217 code such as CLP or USD."];
        }

        SearchSort? order = sort?.ToLowerInvariant() switch
        {
            null or "" => string.IsNullOrWhiteSpace(q) ? SearchSort.Newest : SearchSort.Relevance,
            "relevance" => SearchSort.Relevance,
            "newest" => SearchSort.Newest,
            "priceasc" => SearchSort.PriceAsc,
            "pricedesc" => SearchSort.PriceDesc,
            _ => null,
        };
        if (order is null)
        {
            errors["sort"] = ["Use relevance, newest, priceAsc or priceDesc."];
        }

        var paging = Paging.From(page, pageSize);
        if ((long)paging.Page * paging.PageSize > MaxResultWindow)
        {
            errors["page"] = [$"Results go {MaxResultWindow:N0} deep: narrow the search instead of paging further."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The search is not valid.");
        }

        var result = await search.SearchAsync(new SearchQuery(
            q, sellerId, category, minPrice, maxPrice, inStock ?? false, currency, order!.Value, paging.Page, paging.PageSize), ct);
        return TypedResults.Ok(new SearchResponse(
            result.Items.Select(i => new SearchItemResponse(i.ProductId, i.Title, i.Price, i.Currency, i.SellerId, i.SellerName,
                i.ImageKey is null ? null : MediaApi.UrlOf(i.ImageKey), i.InStock, i.Category, RatingResponse.Of(i.RatingSum, i.RatingCount))).ToList(),
            result.Total,
            paging.Page,
            paging.PageSize,
            new SearchFacetsResponse(result.Categories, result.Sellers)));
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
    private static partial Regex CategoryPattern();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();
}
