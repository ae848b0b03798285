namespace Marketplace.Email;

/// <summary>How a person wants to hear of one kind of business event.</summary>
public enum EmailChannel
{
    /// <summary>An email as it happens (and the inbox).</summary>
    Email,

    /// <summary>Gathered into one email a day (and the inbox).</summary>
    Digest,

    /// <summary>Only the marketplace's own inbox and bell.</summary>
    InApp,
}

/// <summary>
/// The kinds of business email a person chooses a channel for, their defaults, and reading a choice. Security emails
/// (address, password) are no kind here: they are always sent.
/// </summary>
public static class EmailPreferences
{
    /// <summary>A buyer's orders: placed, accepted or rejected, paid, shipped, delivered, refunded.</summary>
    public const string Orders = "orders";

    /// <summary>A store's orders: quotations waiting, new paid orders, cancellations.</summary>
    public const string StoreOrders = "storeOrders";

    /// <summary>Questions shoppers ask a store.</summary>
    public const string Questions = "questions";

    /// <summary>Answers to the questions one asked.</summary>
    public const string Answers = "answers";

    /// <summary>Reviews of a store's products.</summary>
    public const string Reviews = "reviews";

    /// <summary>A store's SKUs running low.</summary>
    public const string LowStock = "lowStock";

    /// <summary>Announcements from the marketplace and from stores one bought from.</summary>
    public const string Announcements = "announcements";

    /// <summary>
    /// Not a kind a person chooses: the unsubscribe link of an invitation, for an address that may have no account
    /// (the address is then not invited again by email).
    /// </summary>
    public const string Invitations = "invitations";

    /// <summary>Not a kind either: the digest's unsubscribe link, which moves every kind now gathered in it to the inbox only.</summary>
    public const string DigestKinds = "digest";

    public static IReadOnlyDictionary<string, EmailChannel> Defaults { get; } = new Dictionary<string, EmailChannel>(StringComparer.Ordinal)
    {
        [Orders] = EmailChannel.Email,
        [StoreOrders] = EmailChannel.Email,
        [Questions] = EmailChannel.Email,
        [Answers] = EmailChannel.Email,
        [Reviews] = EmailChannel.Digest,
        [LowStock] = EmailChannel.Digest,
        [Announcements] = EmailChannel.Email,
    };

    public static IReadOnlyList<string> Kinds { get; } = [.. Defaults.Keys];

    public static bool IsKind(string kind) => Defaults.ContainsKey(kind);

    /// <summary>The channel's name in the API ("email", "digest", "inApp").</summary>
    public static string Name(EmailChannel channel) => channel switch
    {
        EmailChannel.Email => "email",
        EmailChannel.Digest => "digest",
        _ => "inApp",
    };

    public static EmailChannel? Parse(string? name) => name switch
    {
        "email" => EmailChannel.Email,
        "digest" => EmailChannel.Digest,
        "inApp" => EmailChannel.InApp,
        _ => null,
    };

    /// <summary>Every kind's channel: the stored choices over the defaults (choices of kinds no longer offered are ignored).</summary>
    public static IReadOnlyDictionary<string, EmailChannel> Effective(IReadOnlyDictionary<string, EmailChannel> stored) =>
        Defaults.ToDictionary(d => d.Key, d => stored.TryGetValue(d.Key, out var chosen) ? chosen : d.Value, StringComparer.Ordinal);
}
