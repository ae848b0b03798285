using System.Globalization;
using System.Text.Json.Nodes;
using Marketplace.Contracts.Orders;
using Marketplace.Email;

namespace Marketplace.Web.Notifications;

/// <summary>A stored notification as the mailer takes it from the intake (migration 0014).</summary>
public sealed record IntakeNotice(
    long Id, string UserId, string NotificationId, string SourceKey, string Kind, string Title, string Body, string? Link, DateTimeOffset CreatedAt,
    Dictionary<string, string>? Facts = null);

/// <summary>Where a notification goes for its recipient: an email of this kind now, or into their digest.</summary>
public sealed record NoticeRoute(EmailKind Kind, EmailChannel Channel);

/// <summary>
/// Which notifications become emails and how: the email kind of each notification kind (and side: an order's
/// notices to its store end in ":store"), and the recipient's channel for it. Pure, so the table is tested alone.
/// </summary>
public static class NotificationMail
{
    /// <summary>The email kind of a notification, or null when that notification is never emailed.</summary>
    public static EmailKind? KindOf(string notificationKind, string sourceKey) => notificationKind switch
    {
        "questionAsked" => EmailKind.QuestionAsked,
        "questionAnswered" => EmailKind.QuestionAnswered,
        "reviewPosted" => EmailKind.ReviewPosted,
        "lowStock" => EmailKind.LowStock,
        "orderAwaitingConfirmation" => EmailKind.StoreOrder,
        "orderPaid" or "orderCancelled" or "orderExpired" or "orderDelivered" or "refundIssued" =>
            sourceKey.EndsWith(":store", StringComparison.Ordinal) ? EmailKind.StoreOrder : EmailKind.OrderUpdate,
        "orderPlaced" or "orderAccepted" or "orderRejected" or "orderShipped" => EmailKind.OrderUpdate,
        _ => null,
    };

    /// <summary>
    /// The route of a notification given its recipient's channels; null when it stays in the inbox only. A store's
    /// delivered and refunded orders are worth a line in the digest, never an email of their own.
    /// </summary>
    public static NoticeRoute? Route(IntakeNotice notice, IReadOnlyDictionary<string, EmailChannel> channels)
    {
        if (KindOf(notice.Kind, notice.SourceKey) is not { Preference: { } preference } kind
            || !channels.TryGetValue(preference, out var channel) || channel == EmailChannel.InApp)
        {
            return null;
        }

        var quiet = kind == EmailKind.StoreOrder && notice.Kind is "orderDelivered" or "refundIssued";
        return new NoticeRoute(kind, quiet ? EmailChannel.Digest : channel);
    }

    /// <summary>An order's id from its notification's link (<c>/orders/{id}</c>).</summary>
    public static string? OrderIdOf(string? link) =>
        link is not null && link.StartsWith("/orders/", StringComparison.Ordinal) && link.Length > 8 && !link[8..].Contains('/')
            ? link[8..]
            : null;

    /// <summary>An amount as the recipient reads it: minor units in the currency's decimals, in their language, and the code.</summary>
    public static string Money(long minorUnits, string currency, string culture) =>
        Currencies.Format(minorUnits, currency, CultureInfo.GetCultureInfo(culture));

    /// <summary>What an order email shows of the order: lines, totals, the address, the parcel's tracking number.</summary>
    public static JsonObject OrderModel(OrderView order, string culture, string publicUrl)
    {
        string Amount(long value) => Money(value, order.Currency, culture);
        var address = order.ShippingAddress;
        var reason = order.Timeline.LastOrDefault(t => t.Status == order.Status)?.Note;
        return new JsonObject
        {
            ["reference"] = "#" + order.OrderId[^8..].ToUpperInvariant(),
            ["status"] = order.Status.ToString(),
            ["awaiting_confirmation"] = order.Status == OrderStatus.AwaitingSellerConfirmation,
            ["lines"] = new JsonArray([.. order.Lines.Select(l => (JsonNode)new JsonObject
            {
                ["title"] = l.Title,
                ["sku"] = l.Sku,
                ["quantity"] = l.Quantity,
                ["price"] = Amount(l.UnitPrice),
                ["total"] = Amount(l.Total),
            })]),
            ["subtotal"] = Amount(order.Subtotal),
            ["shipping"] = order.ShippingCost > 0 ? Amount(order.ShippingCost) : null,
            ["total"] = Amount(order.Total),
            ["tax"] = order.Tax > 0 ? Amount(order.Tax) : null,
            ["discount"] = order.Discount > 0 ? Amount(order.Discount) : null,
            ["discount_code"] = order.Discounts?.FirstOrDefault() is { } d ? (d.Automatic ? d.Description ?? d.Code : d.Code) : null,
            ["tax_included"] = order.PricesIncludeTax,
            ["refunded"] = order.RefundedAmount > 0 ? Amount(order.RefundedAmount) : null,
            ["address"] = string.Join(", ", new[] { address.Name, address.Line1, address.PostalCode, address.City, address.Region, address.Country }
                .Where(p => !string.IsNullOrWhiteSpace(p))),
            ["note"] = order.Note,
            ["reason"] = reason,
            ["tracking"] = order.Shipment?.TrackingNumber,
            ["review_url"] = order.Lines.Count > 0 ? $"{publicUrl}/products/{order.Lines[0].ProductId}" : null,
        };
    }
}
