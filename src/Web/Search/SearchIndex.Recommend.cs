namespace Marketplace.Web.Search;

/// <summary>
/// What recommendations ask of the index: which products may be shown (listed, in stock, from an active store), and
/// which listed products resemble one (same category, shared title words, a near price), which needs no sales history
/// and so works for a product added a minute ago.
/// </summary>
public sealed partial class SearchIndex
{
    /// <summary>
    /// The products of <paramref name="productIds"/> that may be recommended now, in the order given, at most
    /// <paramref name="limit"/>: drafts, archived products, products of suspended stores and those out of stock are left out.
    /// </summary>
    public IReadOnlyList<SearchHit> Recommendable(IEnumerable<string> productIds, int limit)
    {
        var hits = new List<SearchHit>(limit);
        gate.EnterReadLock();
        try
        {
            foreach (var productId in productIds)
            {
                if (hits.Count == limit)
                {
                    break;
                }

                if (slotOf.TryGetValue(productId, out var slot) && docs[slot] is { InStock: true } doc && sellers[doc.Seller].Active)
                {
                    hits.Add(HitOf(doc));
                }
            }
        }
        finally
        {
            gate.ExitReadLock();
        }

        return hits;
    }

    /// <summary>
    /// Products like <paramref name="productId"/>, best first, with a score: a product of the same category scores 1, each
    /// title word they share adds by how rare the word is, and a price within a factor of two of its own adds up to 1
    /// (same currency only). Products sharing neither category nor a title word are not similar. Empty for a product
    /// the index does not list.
    /// </summary>
    public IReadOnlyList<(string ProductId, double Score)> Similar(string productId, int limit)
    {
        gate.EnterReadLock();
        try
        {
            if (!slotOf.TryGetValue(productId, out var slot) || docs[slot] is not { } seed)
            {
                return [];
            }

            var scores = new Dictionary<int, double>();
            var titleWords = seed.Lexemes.Where(l => l.Weight == LexemeWeight.A).Select(l => l.Word).Distinct(StringComparer.Ordinal).ToList();
            foreach (var word in titleWords)
            {
                if (!postings.TryGetValue(word, out var withWord) || withWord.Count > docs.Count / 2 + 1)
                {
                    // A word most products share says nothing about likeness.
                    continue;
                }

                var rarity = Math.Log(1 + docs.Count / (double)withWord.Count);
                foreach (var (other, weight) in withWord)
                {
                    if (other != slot && weight == LexemeWeight.A)
                    {
                        scores[other] = scores.GetValueOrDefault(other) + rarity / Math.Max(1, titleWords.Count);
                    }
                }
            }

            for (var other = 0; other < docs.Count; other++)
            {
                if (other != slot && docs[other] is { } doc && doc.Category == seed.Category)
                {
                    scores[other] = scores.GetValueOrDefault(other) + 1;
                }
            }

            return scores
                .Select(s => (Doc: docs[s.Key]!, Score: s.Value + PriceLikeness(seed, docs[s.Key]!)))
                .OrderByDescending(s => s.Score).ThenBy(s => s.Doc.ProductId, StringComparer.Ordinal)
                .Take(limit)
                .Select(s => (s.Doc.ProductId, s.Score))
                .ToList();
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    private static double PriceLikeness(Doc seed, Doc other) =>
        !string.Equals(seed.Currency, other.Currency, StringComparison.Ordinal) || seed.Price <= 0 || other.Price <= 0
            ? 0
            : Math.Max(0, 1 - Math.Abs(Math.Log2(other.Price / (double)seed.Price)));

    private SearchHit HitOf(Doc doc) => new(
        doc.ProductId, doc.Title, doc.Price, doc.Currency, sellers[doc.Seller].SellerId, sellers[doc.Seller].Name, doc.ImageKey, doc.InStock,
        categories[doc.Category], doc.RatingSum, doc.RatingCount);
}
