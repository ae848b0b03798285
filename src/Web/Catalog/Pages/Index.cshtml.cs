using Marketplace.Web.Search;
using Marketplace.Web.Shared;

namespace Marketplace.Web.Catalog.Pages;

public sealed class IndexModel(ProductSearch search, Insights.Recommender recommender) : MarketplacePage
{
    public IReadOnlyList<SearchHit> Newest { get; private set; } = [];

    /// <summary>For a visitor with history, what suits them; otherwise what is popular in their language.</summary>
    public IReadOnlyList<SearchHit> Recommended { get; private set; } = [];

    public bool Personal { get; private set; }

    public IReadOnlyList<FacetValue> Categories { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var result = await search.SearchAsync(new SearchQuery(null, null, null, null, null, false, null, SearchSort.Newest, 1, 12), ct);
        Newest = result.Items;
        Categories = result.Categories;
        var history = await recommender.HistoryAsync(Insights.RecommendationsApi.Visitor(User), ct);
        Personal = !history.IsEmpty;
        Recommended = await recommender.ForYouAsync(history, System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName, 8, ct);
    }
}
