using Marketplace.Web.Search;
using Marketplace.Web.Shared;

namespace Marketplace.Web.Catalog.Pages;

public sealed class IndexModel(ProductSearch search) : MarketplacePage
{
    public IReadOnlyList<SearchHit> Newest { get; private set; } = [];

    public IReadOnlyList<FacetValue> Categories { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var result = await search.SearchAsync(new SearchQuery(null, null, null, null, null, false, null, SearchSort.Newest, 1, 12), ct);
        Newest = result.Items;
        Categories = result.Categories;
    }
}
