namespace Marketplace.Web.Notifications;

/// <summary>A text in both languages the marketplace writes in.</summary>
public sealed record LocalizedText
{
    public string? En { get; init; }

    public string? Es { get; init; }

    /// <summary>The text for a recipient's language (English for any other).</summary>
    public string For(string culture) => (culture == "es" ? Es : En) ?? "";
}

/// <summary>What an admin (to a segment) or a store (to its past buyers) asks to announce.</summary>
public sealed record AnnouncementRequest
{
    /// <summary><c>sellers</c>, <c>shoppers</c> or <c>storeBuyers</c> (an admin); a store's own announcement has none.</summary>
    public string? Segment { get; init; }

    public string? SellerId { get; init; }

    public LocalizedText? Subject { get; init; }

    public LocalizedText? Body { get; init; }
}

/// <summary>Who an announcement goes to.</summary>
public static class AnnouncementSegments
{
    /// <summary>Every account that runs or works for a store.</summary>
    public const string Sellers = "sellers";

    /// <summary>Every account that does not act for a store.</summary>
    public const string Shoppers = "shoppers";

    /// <summary>Every account that paid for an order of one store.</summary>
    public const string StoreBuyers = "storeBuyers";

    public static IReadOnlyList<string> All { get; } = [Sellers, Shoppers, StoreBuyers];
}

/// <summary>The rules of an announcement, pure: what a valid one is, and how often a store may write to its buyers.</summary>
public static class AnnouncementRules
{
    public const int MaxSubjectLength = 150;
    public const int MaxBodyLength = 10_000;

    /// <summary>A store writes to its past buyers at most once in this long.</summary>
    public static readonly TimeSpan StoreInterval = TimeSpan.FromDays(7);

    /// <summary>The field errors of a request (empty when valid). <paramref name="byStore"/>: a store's own, with no segment to choose.</summary>
    public static Dictionary<string, string[]> Validate(AnnouncementRequest request, bool byStore)
    {
        var errors = new Dictionary<string, string[]>();
        if (!byStore)
        {
            if (request.Segment is null || !AnnouncementSegments.All.Contains(request.Segment))
            {
                errors["segment"] = [$"The segment is one of: {string.Join(", ", AnnouncementSegments.All)}."];
            }
            else if (request.Segment == AnnouncementSegments.StoreBuyers && string.IsNullOrWhiteSpace(request.SellerId))
            {
                errors["sellerId"] = ["Name the store whose buyers hear of it."];
            }
        }

        Text(errors, "subject", request.Subject, MaxSubjectLength, singleLine: true);
        Text(errors, "body", request.Body, MaxBodyLength, singleLine: false);
        return errors;
    }

    /// <summary>Whether a store whose last announcement was at <paramref name="last"/> may announce now; when not, from when.</summary>
    public static DateTimeOffset? StoreMayAnnounceFrom(DateTimeOffset? last, DateTimeOffset now) =>
        last is { } at && now < at + StoreInterval ? at + StoreInterval : null;

    private static void Text(Dictionary<string, string[]> errors, string field, LocalizedText? text, int max, bool singleLine)
    {
        foreach (var (language, value) in new[] { ("en", text?.En), ("es", text?.Es) })
        {
            var name = $"{field}.{language}";
            if (string.IsNullOrWhiteSpace(value))
            {
                errors[name] = [$"Write the {field} in {(language == "en" ? "English" : "Spanish")}."];
            }
            else if (value.Length > max)
            {
                errors[name] = [$"At most {max} characters."];
            }
            else if (singleLine && value.Any(char.IsControl))
            {
                // A line break in a subject would end the header it is written into.
                errors[name] = ["A subject is one line, without control characters."];
            }
            else if (value.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
            {
                errors[name] = ["Control characters are not allowed."];
            }
        }
    }
}
