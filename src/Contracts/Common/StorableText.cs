using System.Buffers;

namespace Marketplace.Contracts.Common;

/// <summary>
/// Text the database can keep. PostgreSQL's <c>text</c> refuses U+0000 and its <c>jsonb</c> refuses the escape
/// <c>\u0000</c> and a surrogate that is not half of a pair; .NET strings may hold all three. The web hosts refuse such
/// text at the edge, and the grains' validation of free text applies the same rule to calls that come another way.
/// </summary>
public static class StorableText
{
    /// <summary>What a refusal says, once for every field.</summary>
    public const string Refusal = "Text may not contain the character U+0000 or an unpaired surrogate.";

    // NUL and the whole surrogate block: a hit is rare, so the search stays vectorized and the pairs are looked at only then.
    private static readonly SearchValues<char> Suspects = SearchValues.Create("\0" + string.Concat(
        Enumerable.Range(0xD800, 0xE000 - 0xD800).Select(c => (char)c)));

    public static bool IsStorable(string? text) => text is null || IsStorable(text.AsSpan());

    public static bool IsStorable(ReadOnlySpan<char> text)
    {
        while (true)
        {
            var at = text.IndexOfAny(Suspects);
            if (at < 0)
            {
                return true;
            }

            if (!char.IsHighSurrogate(text[at]) || at + 1 >= text.Length || !char.IsLowSurrogate(text[at + 1]))
            {
                return false;
            }

            text = text[(at + 2)..];
        }
    }
}
