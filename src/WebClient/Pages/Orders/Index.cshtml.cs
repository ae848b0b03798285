using Marketplace.WebClient.Accounts;
using Marketplace.WebClient.Orders;
using Marketplace.WebClient.Web;

namespace Marketplace.WebClient.Pages.Orders;

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
