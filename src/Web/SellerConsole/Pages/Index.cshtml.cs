using Marketplace.Web.Orders;
using Marketplace.Web.Shared;

namespace Marketplace.Web.SellerConsole.Pages;

/// <summary>The seller's dashboard: orders by status, open quotations, revenue per day, best sellers, low stock.</summary>
public sealed class IndexModel(OrderQueries queries) : SellerPage
{
    public override string Section => "dashboard";

    public StoreProfile Profile { get; private set; } = null!;

    public StoreDashboard Dashboard { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var profile = Store.GetProfile();
        Dashboard = await queries.DashboardAsync(SellerId, ct);
        Profile = await profile ?? throw DomainException.NotFound("The store");
        ViewData["Title"] = T["Seller console"].Value;
    }
}
