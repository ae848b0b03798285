using Marketplace.Contracts.Notifications;
using Marketplace.Contracts.Orders;
using Marketplace.Web.Cart;

namespace Marketplace.Web.Realtime;

/// <summary>The names of the hub's server-to-client events.</summary>
public static class HubEvents
{
    public const string StockChanged = "StockChanged";
    public const string CartChanged = "CartChanged";
    public const string Notification = "Notification";
    public const string OrderChanged = "OrderChanged";
}

public sealed record StockChangedMessage(string ProductId, string Sku, int Available, DateTimeOffset At);

public sealed record CartChangedMessage(CartResponse Cart);

public sealed record OrderChangedMessage(string OrderId, OrderStatus Status, DateTimeOffset At);

public sealed record NotificationMessage(string Id, NotificationKind Kind, string Title, string Body, string? Link, DateTimeOffset CreatedAt)
{
    public static NotificationMessage From(NotificationView n) => new(n.Id, n.Kind, n.Title, n.Body, n.Link, n.CreatedAt);
}
