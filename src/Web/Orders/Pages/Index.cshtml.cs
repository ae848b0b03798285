using Marketplace.Web.Accounts;
using Marketplace.Web.Shared;

namespace Marketplace.Web.Orders.Pages;

/// <summary>The shopper's orders, newest first.</summary>
public sealed class IndexModel(OrderQueries queries) : MarketplacePage
{
    public OrderPage Orders { get; private set; } = new([], null);

    public async Task OnGetAsync(string? cursor, CancellationToken ct)
    {
        ViewData["Title"] = T["My orders"].Value;
        ViewData["NoIndex"] = true;
        Orders = await queries.ListAsync(OrderScope.Buyer, User.UserId(), null, 20, cursor, ct);
    }
}
