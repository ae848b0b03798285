using System.Text.RegularExpressions;
using Marketplace.Web.Catalog;

namespace Marketplace.Web.Search;

/// <summary>Checks a search as the API and the search page receive it (query-string values) and builds the query.</summary>
public static partial class SearchRequest
{
    public const int MaxQueryLength = 200;

    /// <summary>How deep paging may go: every page up to the requested one is ranked, so deeper pages cost more.</summary>
    public const int MaxResultWindow = 10_000;

    /// <summary>The query, or null with field errors keyed by the query-string names.</summary>
    public static (SearchQuery? Query, Dictionary<string, string[]> Errors) Parse(
        string? q, string? sellerId, string? category, long? minPrice, long? maxPrice, bool? inStock, string? currency,
        string? sort, int? page, int? pageSize)
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

        return errors.Count > 0
            ? (null, errors)
            : (new SearchQuery(q, sellerId, category, minPrice, maxPrice, inStock ?? false, currency, order!.Value, paging.Page, paging.PageSize), errors);
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
    private static partial Regex CategoryPattern();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();
}
