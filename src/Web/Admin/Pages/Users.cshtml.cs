using Marketplace.Web.Catalog;
using Marketplace.Web.Shared;

namespace Marketplace.Web.Admin.Pages;

/// <summary>Accounts, searched by email or name.</summary>
public sealed class UsersModel(AdminQueries queries) : MarketplacePage
{
    public const int PageSize = 50;

    public PagedResponse<AdminUserResponse> Users { get; private set; } = new([], 0, 1, PageSize);

    public string? Q { get; private set; }

    public Pager Pager { get; private set; } = null!;

    public async Task OnGetAsync(string? q, int? page, CancellationToken ct)
    {
        ViewData["Title"] = T["Users"].Value;
        ViewData["Section"] = "users";
        Q = q is { Length: > 200 } ? q[..200] : q;
        Users = await queries.UsersAsync(Q, Paging.From(page, PageSize), ct);
        Pager = new Pager("/admin/users", Request.Query, Users.Page, PageSize, Users.Total);
    }
}
