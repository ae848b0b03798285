using Marketplace.Web.Catalog;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Admin.Pages;

/// <summary>Stores, searched by name or id; suspending hides a store and stops its sales, reinstating undoes it.</summary>
public sealed class StoresModel(AdminQueries queries) : MarketplacePage
{
    public const int PageSize = 50;

    public PagedResponse<AdminStoreResponse> Stores { get; private set; } = new([], 0, 1, PageSize);

    public string? Q { get; private set; }

    public Pager Pager { get; private set; } = null!;

    public async Task OnGetAsync(string? q, int? page, CancellationToken ct)
    {
        ViewData["Title"] = T["Stores"].Value;
        ViewData["Section"] = "stores";
        Q = q is { Length: > 200 } ? q[..200] : q;
        Stores = await queries.StoresAsync(Q, null, Paging.From(page, PageSize), ct);
        Pager = new Pager("/admin/stores", Request.Query, Stores.Page, PageSize, Stores.Total);
    }

    public async Task<IActionResult> OnPostSuspendAsync(string sellerId, string? reason)
    {
        if (!GrainKeys.IsSellerId(sellerId))
        {
            return NotFound();
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            FlashError = T["Say why the store is suspended; its staff will see it."];
            return Reload();
        }

        await Grains.GetGrain<ISellerGrain>(sellerId).Suspend(reason.Trim());
        Flash = T["The store is suspended."];
        return Reload();
    }

    public async Task<IActionResult> OnPostReinstateAsync(string sellerId)
    {
        if (!GrainKeys.IsSellerId(sellerId))
        {
            return NotFound();
        }

        await Grains.GetGrain<ISellerGrain>(sellerId).Reinstate();
        Flash = T["The store is active again."];
        return Reload();
    }
}
