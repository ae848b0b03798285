using Marketplace.Web.Orders;
using Marketplace.Web.Shared;

namespace Marketplace.Web.SellerConsole.Pages;

/// <summary>The store's orders, newest first, optionally of one status; each opens the order page with the store's actions.</summary>
public sealed class OrdersModel(OrderQueries queries) : SellerPage
{
    public override string Section => "orders";

    public OrderPage Orders { get; private set; } = new([], null);

    public string? Status { get; private set; }

    public async Task OnGetAsync(string? status, string? cursor, CancellationToken ct)
    {
        ViewData["Title"] = T["Orders"].Value;
        Status = OrderQueries.StatusNames.FirstOrDefault(s => s.Equals(status, StringComparison.OrdinalIgnoreCase));
        Orders = await queries.ListAsync(OrderScope.Seller, SellerId, Status, 20, cursor, ct);
    }
}
