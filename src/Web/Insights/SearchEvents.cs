namespace Marketplace.Web.Insights;

/// <summary>The search events of the search API and page, and the clicks on their results.</summary>
public static class SearchEvents
{
    /// <summary>The query-string names a result link carries, so the product page can tell a click from a visit.</summary>
    public const string QueryParameter = "sq";

    public const string PositionParameter = "sp";

    /// <summary>A search with words (browsing a category without words is not a search), on its first page only.</summary>
    public static void Record(HttpContext http, string? query, int page, long total)
    {
        if (!string.IsNullOrWhiteSpace(query) && page == 1)
        {
            http.RecordEvent(new PageEvent(PageEventKinds.Search, Query: Trim(query), ResultCount: (int)Math.Min(total, int.MaxValue)));
        }
    }

    /// <summary>The link of a search result that says which search and which position it came from.</summary>
    public static string ResultLink(string productLink, string query, int position) =>
        $"{productLink}?{QueryParameter}={Uri.EscapeDataString(Trim(query))}&{PositionParameter}={position}";

    /// <summary>The click a product page was opened by, if it was opened from a search result.</summary>
    public static PageEvent? ClickOf(HttpRequest request, string productId, string sellerId) =>
        request.Query[QueryParameter].ToString() is { Length: > 0 } query
        && int.TryParse(request.Query[PositionParameter], out var position) && position is > 0 and <= 10_000
            ? new PageEvent(PageEventKinds.SearchClick, productId, sellerId, Trim(query), Position: position)
            : null;

    private static string Trim(string query)
    {
        var trimmed = query.Trim();
        return trimmed.Length <= 200 ? trimmed : trimmed[..200];
    }
}
