using System.Collections.Frozen;
using System.Text;

namespace Marketplace.Contracts.Common;

/// <summary>
/// How search folds text, on both sides: the search read model folds documents when a product is written, and the web
/// hosts fold queries the same way, so 'Café' and 'cafe' meet.
/// </summary>
public static class TextFolding
{
    // Accented lower-case Latin letters and their base letters, position by position (Latin-1, Latin Extended-A/B and
    // Latin Extended Additional): the letters unaccent folds. The host runs without ICU, so Unicode normalization is
    // not available to do this.
    private const string Accented =
        "àáâãäåçèéêëìíîïñòóôõöùúûüýÿāăąćĉċčďēĕėęěĝğġģĥĩīĭįĵķĺļľńņňōŏőŕŗřśŝşšţťũūŭůűųŵŷźżžơưǎǐǒǔǖǘǚǜǟǡǧǩǫǭǰǵǹǻȁȃȅȇȉȋȍȏȑȓȕȗșțȟȧȩȫȭȯȱȳ" +
        "ḁḃḅḇḉḋḍḏḑḓḕḗḙḛḝḟḡḣḥḧḩḫḭḯḱḳḵḷḹḻḽḿṁṃṅṇṉṋṍṏṑṓṕṗṙṛṝṟṡṣṥṧṩṫṭṯṱṳṵṷṹṻṽṿẁẃẅẇẉẋẍẏẑẓẕẖẗẘẙạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ";

    private const string Unaccented =
        "aaaaaaceeeeiiiinooooouuuuyyaaaccccdeeeeegggghiiiijklllnnnooorrrssssttuuuuuuwyzzzouaiouuuuuaagkoojgnaaaeeiioorruusthaeooooy" +
        "abbbcdddddeeeeefghhhhhiikkkllllmmmnnnnoooopprrrrsssssttttuuuuuvvwwwwwxxyzzzhtwyaaaaaaaaaaaaeeeeeeeeiioooooooooooouuuuuuuyyyy";

    private static readonly FrozenDictionary<char, char> BaseLetter =
        Accented.Zip(Unaccented).ToFrozenDictionary(p => p.First, p => p.Second);

    /// <summary>
    /// Lower case without accents (the letters PostgreSQL's unaccent folds, for the ones catalogs use); combining accents
    /// are dropped and the letters that have no base letter are spelled out.
    /// </summary>
    public static string Fold(string text)
    {
        var folded = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is >= '\u0300' and <= '\u036f')
            {
                continue;
            }

            var lower = char.ToLowerInvariant(c);
            switch (lower)
            {
                case 'ß': folded.Append("ss"); break;
                case 'æ': folded.Append("ae"); break;
                case 'œ': folded.Append("oe"); break;
                case 'ø': folded.Append('o'); break;
                case 'ł': folded.Append('l'); break;
                case 'đ' or 'ð': folded.Append('d'); break;
                case 'þ': folded.Append("th"); break;
                case 'ı': folded.Append('i'); break;
                default: folded.Append(BaseLetter.GetValueOrDefault(lower, lower)); break;
            }
        }

        return folded.ToString();
    }

    /// <summary>
    /// The words of a text for search: runs of letters and digits of its folded form. Documents and queries are split by
    /// this one rule, so a word a product is found by is the word a shopper types.
    /// </summary>
    public static IEnumerable<string> Words(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            yield break;
        }

        var folded = Fold(text);
        var start = -1;
        for (var i = 0; i <= folded.Length; i++)
        {
            var inWord = i < folded.Length && char.IsLetterOrDigit(folded[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                yield return folded[start..i];
                start = -1;
            }
        }
    }
}
