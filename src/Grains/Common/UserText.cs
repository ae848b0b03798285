namespace Marketplace.Grains.Common;

/// <summary>Text people write (questions, answers, replies), and text of theirs quoted back in notifications.</summary>
internal static class UserText
{
    /// <summary>How much of a question or review a notification quotes.</summary>
    public const int ExcerptLength = 200;

    /// <summary>The trimmed text when it has 1 to <paramref name="maxLength"/> characters; otherwise a validation error on the field.</summary>
    public static string Require(string? text, string field, int maxLength)
    {
        var clean = text?.Trim() ?? "";
        if (clean.Length == 0 || clean.Length > maxLength)
        {
            throw DomainException.Invalid(new Dictionary<string, string[]> { [field] = [$"Between 1 and {maxLength} characters."] });
        }

        if (!StorableText.IsStorable(clean))
        {
            throw DomainException.Invalid(new Dictionary<string, string[]> { [field] = [StorableText.Refusal] });
        }

        return clean;
    }

    /// <summary>At most <paramref name="maxLength"/> characters, ending in "…" where it was cut.</summary>
    public static string Clip(string text, int maxLength) => text.Length <= maxLength ? text : text[..(maxLength - 1)] + "…";

    /// <summary>The start of a text, as a notification quotes it.</summary>
    public static string Excerpt(string text) => Clip(text, ExcerptLength);
}
