using Marketplace.Contracts.Notifications;
using Marketplace.Contracts.Orders;
using Marketplace.Web.Cart;
using Marketplace.Web.Notifications;
using Marketplace.Web.Shared;
using Microsoft.Extensions.Localization;

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

/// <summary>A title and a body in one language.</summary>
public sealed record NotificationText(string Title, string Body);

/// <summary>
/// A new notification, pushed to every page its recipient has open. <see cref="Words"/> holds it in each language of the
/// site (by culture name): one message reaches all of the recipient's pages, and each page shows its own language.
/// </summary>
public sealed record NotificationMessage(
    string Id, NotificationKind Kind, string Title, string Body, string? Link, DateTimeOffset CreatedAt, IReadOnlyDictionary<string, NotificationText> Words)
{
    public static NotificationMessage From(NotificationView n, IStringLocalizer t) => new(n.Id, n.Kind, n.Title, n.Body, n.Link, n.CreatedAt,
        WebUi.Cultures.ToDictionary(c => c.Name, c =>
        {
            var (title, body) = NotificationWords.In(c, n.Kind, n.Facts, n.Title, n.Body, t);
            return new NotificationText(title, body);
        }));
}
