using System.Globalization;
using Marketplace.Contracts.Notifications;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Notifications;

/// <summary>
/// A notification worded in its reader's language, from its facts (<see cref="NotificationFacts"/>). The English
/// sentences are the keys of the shared texts, the same words the grains stored; a notification without the facts
/// its sentence needs (stored before they existed) keeps its stored words. What people wrote (a question, an answer,
/// a review) is never translated: it stays the body.
/// </summary>
public static class NotificationWords
{
    /// <summary>The title and body of a notification in <paramref name="culture"/>'s language, outside any request.</summary>
    public static (string Title, string Body) In(
        CultureInfo culture, NotificationKind kind, IReadOnlyDictionary<string, string>? facts, string title, string body, IStringLocalizer t)
    {
        var (ui, format) = (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture);
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = culture;
            return For(kind, facts, title, body, t);
        }
        finally
        {
            (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture) = (ui, format);
        }
    }

    /// <summary>The title and body of a notification in <see cref="CultureInfo.CurrentUICulture"/>'s language.</summary>
    public static (string Title, string Body) For(
        NotificationKind kind, IReadOnlyDictionary<string, string>? facts, string title, string body, IStringLocalizer t)
    {
        if (facts is null)
        {
            return (title, body);
        }

        string? Fact(string key) => facts.TryGetValue(key, out var value) && value.Length > 0 ? value : null;
        string Say(string english, params object?[] values) => string.Format(CultureInfo.CurrentCulture, t[english].Value, values);

        if (Fact(NotificationFacts.Reference) is { } reference)
        {
            return OrderWords(kind, reference, Fact, Say) is { } words ? words : (title, body);
        }

        return kind switch
        {
            NotificationKind.QuestionAsked when Fact(NotificationFacts.Product) is { } product => (Say("New question about {0}", product), body),
            NotificationKind.QuestionAnswered when Fact(NotificationFacts.Product) is { } product =>
                (Say("Your question about {0} was answered", product), body),
            NotificationKind.ReviewPosted when Fact(NotificationFacts.Product) is { } product && Rating(Fact(NotificationFacts.Rating)) is { } rating =>
                (Say("{0} for {1}", Stars(rating), product),
                    Fact(NotificationFacts.Author) is { } author ? Say("{0} rated it {1} of 5.", author, rating) : body),
            NotificationKind.LowStock when Fact(NotificationFacts.Sku) is { } sku && Fact(NotificationFacts.Available) is { } available =>
                (Say("Low stock: {0}", sku), available == "0" ? Say("{0} is sold out.", sku) : Say("Only {0} unit(s) of {1} left.", available, sku)),
            NotificationKind.WebhookDisabled when Fact(NotificationFacts.Url) is { } url =>
                (Say("Webhook endpoint disabled"), Say("{0} failed for a day and no longer receives events. Fix it, then enable it again.", url)),
            _ => (title, body),
        };
    }

    private static (string Title, string Body)? OrderWords(
        NotificationKind kind, string reference, Func<string, string?> fact, Func<string, object?[], string> say)
    {
        if (fact(NotificationFacts.Currency) is not { } currency || !long.TryParse(fact(NotificationFacts.Total), CultureInfo.InvariantCulture, out var totalUnits))
        {
            return null;
        }

        var store = fact(NotificationFacts.Store) ?? "";
        var count = int.TryParse(fact(NotificationFacts.Items), CultureInfo.InvariantCulture, out var n) ? n : 0;
        var items = count == 1 ? say("1 item", []) : say("{0} items", [count]);
        var total = Currencies.Format(totalUnits, currency, CultureInfo.CurrentCulture);
        var forStore = fact(NotificationFacts.Side) == "store";
        return kind switch
        {
            NotificationKind.OrderAwaitingConfirmation =>
                (say("New order {0} to confirm", [reference]), say("{0} for {1}. Accept or reject it before it expires.", [items, total])),
            NotificationKind.OrderPlaced => (say("Order {0} placed", [reference]), fact(NotificationFacts.AwaitingConfirmation) is not null
                ? say("{0} for {1}. {2} will confirm it before you pay.", [items, total, store])
                : say("{0} for {1}: pay to complete it.", [items, total])),
            NotificationKind.OrderPaid => forStore
                ? (say("Order {0} paid", [reference]), say("{0} for {1}, ready to ship.", [items, total]))
                : (say("Payment received for order {0}", [reference]), say("{0} paid to {1}. We will tell you when it ships.", [total, store])),
            NotificationKind.OrderCancelled => (say("Order {0} cancelled", [reference]), forStore
                ? say("The buyer cancelled the order; its stock is back on sale.", [])
                : say("{0} cancelled your order.", [store])),
            NotificationKind.OrderAccepted => (say("Order {0} accepted", [reference]), say("{0} accepted your order: pay {1} to complete it.", [store, total])),
            NotificationKind.OrderRejected => (say("Order {0} rejected", [reference]), say("{0} could not take your order.", [store])),
            NotificationKind.OrderExpired => (say("Order {0} expired", [reference]), say("The order was not completed in time; nothing was charged.", [])),
            NotificationKind.OrderShipped => (say("Order {0} shipped", [reference]), fact(NotificationFacts.Tracking) is { } tracking
                ? say("{0} shipped it; tracking number {1}.", [store, tracking])
                : say("{0} shipped it.", [store])),
            NotificationKind.OrderDelivered => (say("Order {0} delivered", [reference]), say("Your parcel arrived. You can now review what you bought.", [])),
            NotificationKind.RefundIssued when long.TryParse(fact(NotificationFacts.Amount), CultureInfo.InvariantCulture, out var amount) =>
                (say("Refund for order {0}", [reference]), say("{0} is on its way back to you.", [Currencies.Format(amount, currency, CultureInfo.CurrentCulture)])),
            _ => null,
        };
    }

    private static int? Rating(string? text) => int.TryParse(text, CultureInfo.InvariantCulture, out var rating) && rating is >= 1 and <= 5 ? rating : null;

    private static string Stars(int rating) => new string('★', rating) + new string('☆', 5 - rating);
}
