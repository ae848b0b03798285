using System.Text;
using Marketplace.Contracts.Common;

namespace Marketplace.Web.Search;

/// <summary>One word of a query: matched exactly, or as the start of a word while the shopper is typing.</summary>
public readonly record struct QueryTerm(string Text, bool Prefix);

/// <summary>
/// Lexeme weights as PostgreSQL writes them in a tsvector: A title, B category, C attributes and options,
/// D description. The best weight of a word in a document is what counts for ranking.
/// </summary>
public enum LexemeWeight : byte
{
    D = 0,
    C = 1,
    B = 2,
    A = 3,
}

/// <summary>Text rules of the query side; documents are prepared by the search read model with the same folding.</summary>
public static class SearchText
{
    public const int MaxTerms = 8;

    /// <summary>
    /// Words of a query, folded the way documents are folded (lower case, no accents). Every word of two or more
    /// characters matches as a prefix ("zap" finds "zapatos"); only letters and digits make words, so nothing in the
    /// text has any other meaning.
    /// </summary>
    public static IReadOnlyList<QueryTerm> Terms(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var terms = new List<QueryTerm>();
        foreach (var word in TextFolding.Words(text))
        {
            if (terms.Count == MaxTerms)
            {
                break;
            }

            var term = new QueryTerm(word, word.Length >= 2);
            if (!terms.Contains(term))
            {
                terms.Add(term);
            }
        }

        return terms;
    }

    /// <summary>Lower case without accents, as search documents are folded when they are written.</summary>
    public static string Fold(string text) => TextFolding.Fold(text);

    /// <summary>
    /// The lexemes of a tsvector in PostgreSQL's text form (<c>'cafe':1A,4 'huila':7C</c>) with the best weight each
    /// has. A position without a letter is weight D; a lexeme without positions too.
    /// </summary>
    public static Dictionary<string, LexemeWeight> ParseTsVector(string document)
    {
        var lexemes = new Dictionary<string, LexemeWeight>(StringComparer.Ordinal);
        var i = 0;
        var lexeme = new StringBuilder();
        while (i < document.Length)
        {
            if (document[i] != '\'')
            {
                i++;
                continue;
            }

            // A quoted lexeme: '' is a quote and a backslash escapes the next character.
            lexeme.Clear();
            i++;
            while (i < document.Length)
            {
                var c = document[i];
                if (c == '\\' && i + 1 < document.Length)
                {
                    lexeme.Append(document[i + 1]);
                    i += 2;
                }
                else if (c == '\'' && i + 1 < document.Length && document[i + 1] == '\'')
                {
                    lexeme.Append('\'');
                    i += 2;
                }
                else if (c == '\'')
                {
                    i++;
                    break;
                }
                else
                {
                    lexeme.Append(c);
                    i++;
                }
            }

            var weight = LexemeWeight.D;
            if (i < document.Length && document[i] == ':')
            {
                i++;
                while (i < document.Length && document[i] != ' ')
                {
                    var w = document[i] switch
                    {
                        'A' => LexemeWeight.A,
                        'B' => LexemeWeight.B,
                        'C' => LexemeWeight.C,
                        _ => LexemeWeight.D,
                    };
                    if (w > weight)
                    {
                        weight = w;
                    }

                    i++;
                }
            }

            var key = lexeme.ToString();
            if (!lexemes.TryGetValue(key, out var existing) || weight > existing)
            {
                lexemes[key] = weight;
            }
        }

        return lexemes;
    }
}
