namespace Marketplace.Web.Search;

public enum SearchSort
{
    Relevance,
    Newest,
    PriceAsc,
    PriceDesc,
}

/// <summary>A search as the API received it, already checked.</summary>
public sealed record SearchQuery(
    string? Text,
    string? SellerId,
    string? Category,
    long? MinPrice,
    long? MaxPrice,
    bool InStockOnly,
    string? Currency,
    SearchSort Sort,
    int Page,
    int PageSize);

public sealed record SearchHit(
    string ProductId,
    string Title,
    long Price,
    string Currency,
    string SellerId,
    string SellerName,
    string? ImageKey,
    bool InStock,
    string Category,
    long RatingSum = 0,
    int RatingCount = 0);

public sealed record FacetValue(string Value, string? Label, int Count);

/// <summary>
/// A page of hits, the number of all hits, and the category and seller facets. Facets ignore their own filter (choosing
/// a category still shows the other categories' counts) and list the <see cref="FacetSize"/> largest values.
/// </summary>
public sealed record SearchResult(IReadOnlyList<SearchHit> Items, int Total, IReadOnlyList<FacetValue> Categories, IReadOnlyList<FacetValue> Sellers)
{
    public const int FacetSize = 20;

    public static SearchResult Empty { get; } = new([], 0, [], []);
}

/// <summary>Answers searches from this web host's index once it has been loaded.</summary>
public sealed class ProductSearch(SearchIndexFeed feed)
{
    /// <summary>How long a search waits for a web host that is still loading its index before answering 503.</summary>
    public static readonly TimeSpan LoadWait = TimeSpan.FromSeconds(5);

    public async Task<SearchResult> SearchAsync(SearchQuery query, CancellationToken cancellationToken = default)
    {
        SearchIndex index;
        try
        {
            index = await feed.LoadedIndexAsync(cancellationToken).WaitAsync(LoadWait, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new DomainException(DomainErrorKind.Unavailable, "search-loading",
                "Search is starting on this server and not ready yet. Try again in a moment.");
        }

        return index.Search(query);
    }
}
