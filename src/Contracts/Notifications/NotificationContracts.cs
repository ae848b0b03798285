namespace Marketplace.Contracts.Notifications;

/// <summary>What a notification is about. Sellers get the first group, shoppers the second.</summary>
[GenerateSerializer, Alias("mk.NotificationKind")]
public enum NotificationKind
{
    QuestionAsked = 0,
    OrderAwaitingConfirmation = 1,
    OrderPaid = 2,
    OrderCancelled = 3,
    ReviewPosted = 4,
    LowStock = 5,
    WebhookDisabled = 6,
    QuestionAnswered = 20,
    OrderAccepted = 21,
    OrderRejected = 22,
    OrderExpired = 23,
    OrderShipped = 24,
    OrderDelivered = 25,
    RefundIssued = 26,
    OrderPlaced = 27,
}

/// <summary>
/// A notification to deliver. <see cref="SourceKey"/> names the event that caused it (an order's transition, a
/// question): delivering the same source to the same user again stores and pushes nothing. <see cref="Title"/> and
/// <see cref="Body"/> are the English words; <see cref="Facts"/> (keys of <see cref="NotificationFacts"/>) are what the
/// words say, so a page or an email can word it again in its reader's language.
/// </summary>
[GenerateSerializer, Immutable, Alias("mk.NotificationDraft")]
public sealed record NotificationDraft(
    [property: Id(0)] string SourceKey,
    [property: Id(1)] NotificationKind Kind,
    [property: Id(2)] string Title,
    [property: Id(3)] string Body,
    [property: Id(4)] string? Link,
    [property: Id(5)] Dictionary<string, string>? Facts = null);

/// <summary>The keys of a notification's facts. Amounts are minor units of <see cref="Currency"/>, as digits.</summary>
public static class NotificationFacts
{
    public const string Product = "product";
    public const string Rating = "rating";
    public const string Author = "author";
    public const string Sku = "sku";
    public const string Available = "available";
    public const string Reference = "reference";
    public const string Store = "store";
    public const string Items = "items";
    public const string Total = "total";
    public const string Amount = "amount";
    public const string Currency = "currency";
    public const string Tracking = "tracking";
    public const string AwaitingConfirmation = "awaitingConfirmation";
    public const string Url = "url";

    /// <summary>An order's notice to its store (<c>store</c>) or to its buyer (<c>buyer</c>).</summary>
    public const string Side = "side";
}

/// <summary>A stored notification as its recipient sees it.</summary>
[GenerateSerializer, Immutable, Alias("mk.NotificationView")]
public sealed record NotificationView(
    [property: Id(0)] string Id,
    [property: Id(1)] NotificationKind Kind,
    [property: Id(2)] string Title,
    [property: Id(3)] string Body,
    [property: Id(4)] string? Link,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] bool Read,
    [property: Id(7)] Dictionary<string, string>? Facts = null);

/// <summary>One page of an inbox, newest first, with the inbox's totals.</summary>
[GenerateSerializer, Immutable, Alias("mk.NotificationPage")]
public sealed record NotificationPage(
    [property: Id(0)] IReadOnlyList<NotificationView> Items,
    [property: Id(1)] int Total,
    [property: Id(2)] int Unread);

/// <summary>
/// A user's notifications, keyed by user id. A notification is stored before it is pushed to the user's live feed, so
/// a user who was offline finds it on the next visit. Only the owner reads or marks the inbox.
/// </summary>
[Alias("mk.INotificationInboxGrain")]
public interface INotificationInboxGrain : IGrainWithStringKey
{
    /// <summary>Stores the notification once per source key, then pushes it live. Called by grains, not by users.</summary>
    [Alias("Deliver")]
    Task Deliver(NotificationDraft draft);

    [Alias("List")]
    Task<NotificationPage> List(bool unreadOnly, int page, int pageSize);

    [Alias("GetUnreadCount")]
    Task<int> GetUnreadCount();

    /// <summary>Marks one notification read; false when the inbox has no such notification.</summary>
    [Alias("MarkRead")]
    Task<bool> MarkRead(string notificationId);

    /// <summary>Marks every notification read; answers how many were unread.</summary>
    [Alias("MarkAllRead")]
    Task<int> MarkAllRead();
}
