using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Search.Pages;

/// <summary>The search results page: a plain GET form, so results have URLs and work without scripts.</summary>
public sealed class SearchModel(ProductSearch search) : MarketplacePage
{
    public const int PageSize = 24;

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Category { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? SellerId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Sort { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Min { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Max { get; set; }

    [BindProperty(SupportsGet = true)]
    public string Currency { get; set; } = "CLP";

    [BindProperty(SupportsGet = true)]
    public bool InStock { get; set; }

    [BindProperty(SupportsGet = true, Name = "page")]
    public int? PageNumber { get; set; }

    public SearchResult Result { get; private set; } = SearchResult.Empty;

    public Dictionary<string, string[]> Errors { get; private set; } = [];

    public Pager Pager { get; private set; } = null!;

    public IReadOnlyList<(string Value, string Label)> SortOptions =>
    [
        (string.IsNullOrWhiteSpace(Q) ? "newest" : "relevance", string.IsNullOrWhiteSpace(Q) ? "Newest" : "Best match"),
        (string.IsNullOrWhiteSpace(Q) ? "relevance" : "newest", string.IsNullOrWhiteSpace(Q) ? "Best match" : "Newest"),
        ("priceAsc", "Price: low to high"),
        ("priceDesc", "Price: high to low"),
    ];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Category = FormValues.OrNull(Category);
        SellerId = FormValues.OrNull(SellerId);
        Currency = Currencies.IsSupported(Currency) ? Currency : "CLP";
        long? min = Money.Parse(Min, Currency), max = Money.Parse(Max, Currency);
        if (!string.IsNullOrWhiteSpace(Min) && min is null || !string.IsNullOrWhiteSpace(Max) && max is null)
        {
            Errors["price"] = ["Prices are amounts such as 5000."];
        }

        var (query, errors) = SearchRequest.Parse(Q, SellerId, Category, min, max, InStock, min is null && max is null ? null : Currency,
            FormValues.OrNull(Sort), PageNumber, PageSize);
        foreach (var (key, messages) in errors)
        {
            Errors[key] = messages;
        }

        Pager = new Pager("/search", Request.Query, query?.Page ?? 1, PageSize, 0);
        if (Errors.Count > 0 || query is null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        Result = await search.SearchAsync(query, ct);
        Pager = Pager with { Total = Result.Total };
        Insights.SearchEvents.Record(HttpContext, Q, query.Page, Result.Total);
    }

    /// <summary>This search with one filter set (or removed), back on its first page.</summary>
    public string With(string key, string? value) => Links.WithQuery("/search", Request.Query, key, value);
}
