using Marketplace.Web.Accounts;
using Marketplace.Web.Orders;
using Marketplace.Web.Search;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Catalog.Pages.Stores;

/// <summary>A store's page: its profile and its published catalog, newest first, paged.</summary>
public sealed class ShowModel(ProductSearch search, IOptions<PublicUrlOptions> urls) : MarketplacePage
{
    public const int PageSize = 24;

    public StoreProfile Store { get; private set; } = null!;

    public SearchResult Products { get; private set; } = SearchResult.Empty;

    public Pager Pager { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string sellerId, [FromQuery(Name = "page")] int? pageNumber, CancellationToken ct)
    {
        if (!GrainKeys.IsSellerId(sellerId)
            || await Grains.GetGrain<ISellerGrain>(sellerId).GetProfile() is not { } store
            || !Access.CanSee(User, store))
        {
            return NotFound();
        }

        Store = store;
        var page = Math.Clamp(pageNumber ?? 1, 1, SearchRequest.MaxResultWindow / PageSize);
        Products = await search.SearchAsync(new SearchQuery(null, sellerId, null, null, null, false, null, SearchSort.Newest, page, PageSize), ct);
        Pager = new Pager(Links.Store(sellerId), Request.Query, page, PageSize, Products.Total);
        ViewData["Title"] = store.Name;
        ViewData["Description"] = string.IsNullOrWhiteSpace(store.Description) ? store.Name : store.Description.Trim();
        ViewData["Canonical"] = urls.Value.Resolve(Request, Links.Store(sellerId));
        return Page();
    }
}
