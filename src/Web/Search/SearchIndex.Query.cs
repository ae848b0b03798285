namespace Marketplace.Web.Search;

/// <summary>The query side of the index: matching, ranking, filters, facets and the order of results.</summary>
public sealed partial class SearchIndex
{
    public SearchResult Search(SearchQuery query)
    {
        var terms = SearchText.Terms(query.Text);
        gate.EnterReadLock();
        try
        {
            return Run(query, terms);
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    private SearchResult Run(SearchQuery query, IReadOnlyList<QueryTerm> terms)
    {
        // An unknown store or category matches nothing, but the facets still show what the other choices hold.
        int? sellerFilter = query.SellerId is null ? null : sellerSlot.GetValueOrDefault(query.SellerId, -1);
        int? categoryFilter = query.Category is null ? null : categorySlot.GetValueOrDefault(query.Category, -1);

        var sellerCounts = new int[sellers.Count];
        var categoryCounts = new int[categories.Count];
        var ranked = query.Sort == SearchSort.Relevance && terms.Count > 0;
        var top = new TopHits(Math.Max(1, query.Page) * query.PageSize, Comparer(query.Sort, ranked));
        var total = 0;

        void Consider(Doc doc, float score)
        {
            if (!sellers[doc.Seller].Active
                || (query.MinPrice is { } min && doc.Price < min)
                || (query.MaxPrice is { } max && doc.Price > max)
                || (query.InStockOnly && !doc.InStock)
                || (query.Currency is not null && !string.Equals(doc.Currency, query.Currency, StringComparison.Ordinal)))
            {
                return;
            }

            var sellerMatches = sellerFilter is null || doc.Seller == sellerFilter;
            var categoryMatches = categoryFilter is null || doc.Category == categoryFilter;
            if (sellerMatches)
            {
                categoryCounts[doc.Category]++;
            }

            if (categoryMatches)
            {
                sellerCounts[doc.Seller]++;
            }

            if (sellerMatches && categoryMatches)
            {
                total++;
                top.Add(new Hit(doc, score));
            }
        }

        if (terms.Count == 0)
        {
            foreach (var doc in docs)
            {
                if (doc is not null)
                {
                    Consider(doc, 0);
                }
            }
        }
        else
        {
            var scratch = Scratch.ForThisThread;
            foreach (var slot in Match(terms, scratch))
            {
                Consider(docs[slot]!, scratch.Scores[slot]);
            }
        }

        var page = top.Sorted().Skip((query.Page - 1) * query.PageSize).Select(h => new SearchHit(
            h.Doc.ProductId, h.Doc.Title, h.Doc.Price, h.Doc.Currency, sellers[h.Doc.Seller].SellerId, sellers[h.Doc.Seller].Name,
            h.Doc.ImageKey, h.Doc.InStock, categories[h.Doc.Category], h.Doc.RatingSum, h.Doc.RatingCount)).ToList();
        return new SearchResult(page, total, Facet(categoryCounts, i => categories[i], _ => null), Facet(sellerCounts, i => sellers[i].SellerId, i => sellers[i].Name));
    }

    /// <summary>
    /// Products that contain every term, with their relevance in <see cref="Scratch.Scores"/>: per term, the best weight
    /// of a matching word. Works in per-thread buffers, so a common word's ten thousand matches allocate nothing.
    /// </summary>
    private List<int> Match(IReadOnlyList<QueryTerm> terms, Scratch scratch)
    {
        var expansions = terms.Select(Expand).OrderBy(e => e.Sum(x => x.Postings.Count)).ToList();
        var generation = scratch.Next(docs.Count);
        var seen = scratch.Seen;
        var scores = scratch.Scores;
        var matched = scratch.Matched;
        Collect(expansions[0], seen, scores, generation, within: null, withinMark: 0, matched);

        foreach (var expansion in expansions.Skip(1))
        {
            // Either look each match up in the term's lists, or walk the lists once and mark what they hold; a short
            // prefix can start thousands of words, and probing each of them per match would cost their product.
            var walk = expansion.Sum(x => x.Postings.Count);
            if (walk < (long)matched.Count * expansion.Count)
            {
                var termGeneration = scratch.NextTerm(docs.Count);
                var termSeen = scratch.TermSeen;
                var termScores = scratch.TermScores;
                Collect(expansion, termSeen, termScores, termGeneration, within: seen, withinMark: generation, added: null);

                Keep(matched, slot => termSeen[slot] == termGeneration ? termScores[slot] : 0f);
            }
            else
            {
                Keep(matched, slot =>
                {
                    var best = 0f;
                    foreach (var (postings, factor) in expansion)
                    {
                        if (postings.TryGetValue(slot, out var weight))
                        {
                            best = Math.Max(best, Score(weight) * factor);
                        }
                    }

                    return best;
                });
            }
        }

        void Keep(List<int> slots, Func<int, float> termScore)
        {
            var kept = 0;
            for (var i = 0; i < slots.Count; i++)
            {
                var slot = slots[i];
                var best = termScore(slot);
                if (best > 0)
                {
                    scores[slot] += best;
                    slots[kept++] = slot;
                }
                else
                {
                    // No longer a match: later terms must not count it.
                    seen[slot] = 0;
                }
            }

            slots.RemoveRange(kept, slots.Count - kept);
        }

        return matched;
    }

    /// <summary>
    /// The best score of each product in a term's lists, written to <paramref name="best"/> for the products it stamps
    /// with <paramref name="mark"/> in <paramref name="marks"/>. With <paramref name="within"/>, only products already
    /// stamped there with <paramref name="withinMark"/> count; <paramref name="added"/> receives each product once.
    /// </summary>
    private static void Collect(List<(Dictionary<int, LexemeWeight> Postings, float Factor)> lists, int[] marks, float[] best, int mark,
        int[]? within, int withinMark, List<int>? added)
    {
        foreach (var (postings, factor) in lists)
        {
            foreach (var (slot, weight) in postings)
            {
                if (within is not null && within[slot] != withinMark)
                {
                    continue;
                }

                var score = Score(weight) * factor;
                if (marks[slot] != mark)
                {
                    marks[slot] = mark;
                    best[slot] = score;
                    added?.Add(slot);
                }
                else if (score > best[slot])
                {
                    best[slot] = score;
                }
            }
        }
    }

    /// <summary>The posting lists a term stands for: its own word, or every word it starts (exact words rank higher).</summary>
    private List<(Dictionary<int, LexemeWeight> Postings, float Factor)> Expand(QueryTerm term)
    {
        var lists = new List<(Dictionary<int, LexemeWeight>, float)>();
        if (!term.Prefix)
        {
            if (postings.TryGetValue(term.Text, out var exact))
            {
                lists.Add((exact, 1f));
            }

            return lists;
        }

        foreach (var word in words.GetViewBetween(term.Text, term.Text + char.MaxValue))
        {
            lists.Add((postings[word], word.Length == term.Text.Length ? 1f : PrefixDiscount));
        }

        return lists;
    }

    // PostgreSQL's default rank weights for A, B, C and D.
    private static float Score(LexemeWeight weight) => weight switch
    {
        LexemeWeight.A => 1f,
        LexemeWeight.B => 0.4f,
        LexemeWeight.C => 0.2f,
        _ => 0.1f,
    };

    private static List<FacetValue> Facet(int[] counts, Func<int, string> value, Func<int, string?> label)
    {
        var facet = new List<FacetValue>();
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] > 0)
            {
                facet.Add(new FacetValue(value(i), label(i), counts[i]));
            }
        }

        return facet
            .OrderByDescending(f => f.Count)
            .ThenBy(f => f.Label ?? f.Value, StringComparer.Ordinal)
            .Take(SearchResult.FacetSize)
            .ToList();
    }

    private static IComparer<Hit> Comparer(SearchSort sort, bool ranked) => Comparer<Hit>.Create(sort switch
    {
        SearchSort.PriceAsc => (x, y) => Then(x.Doc.Price.CompareTo(y.Doc.Price), x, y),
        SearchSort.PriceDesc => (x, y) => Then(y.Doc.Price.CompareTo(x.Doc.Price), x, y),
        _ when ranked => (x, y) =>
        {
            var byScore = y.Score.CompareTo(x.Score);
            return byScore != 0 ? byScore : Then(y.Doc.CreatedTicks.CompareTo(x.Doc.CreatedTicks), x, y);
        },
        _ => (x, y) => Then(y.Doc.CreatedTicks.CompareTo(x.Doc.CreatedTicks), x, y),
    });

    private static int Then(int order, Hit x, Hit y) =>
        order != 0 ? order : string.CompareOrdinal(x.Doc.ProductId, y.Doc.ProductId);

    private readonly record struct Hit(Doc Doc, float Score);

    /// <summary>Buffers of one thread's searches, sized to the index; a generation number marks what this search wrote.</summary>
    private sealed class Scratch
    {
        [ThreadStatic]
        private static Scratch? current;

        private int generation;
        private int termGeneration;

        public static Scratch ForThisThread => current ??= new Scratch();

        public int[] Seen { get; private set; } = [];

        public float[] Scores { get; private set; } = [];

        public int[] TermSeen { get; private set; } = [];

        public float[] TermScores { get; private set; } = [];

        public List<int> Matched { get; } = [];

        public int Next(int size)
        {
            Matched.Clear();
            if (Seen.Length < size || generation == int.MaxValue)
            {
                var length = Math.Max(size, Seen.Length) + 1024;
                Seen = new int[length];
                Scores = new float[length];
                generation = 0;
            }

            return ++generation;
        }

        public int NextTerm(int size)
        {
            if (TermSeen.Length < size || termGeneration == int.MaxValue)
            {
                var length = Math.Max(size, TermSeen.Length) + 1024;
                TermSeen = new int[length];
                TermScores = new float[length];
                termGeneration = 0;
            }

            return ++termGeneration;
        }
    }

    /// <summary>The best <c>capacity</c> hits seen so far, kept in a heap whose root is the worst of them.</summary>
    private sealed class TopHits(int capacity, IComparer<Hit> order)
    {
        private readonly PriorityQueue<Hit, Hit> heap = new(Comparer<Hit>.Create((x, y) => order.Compare(y, x)));

        public void Add(Hit hit)
        {
            if (heap.Count < capacity)
            {
                heap.Enqueue(hit, hit);
            }
            else if (order.Compare(hit, heap.Peek()) < 0)
            {
                heap.DequeueEnqueue(hit, hit);
            }
        }

        public List<Hit> Sorted()
        {
            var hits = heap.UnorderedItems.Select(i => i.Element).ToList();
            hits.Sort(order);
            return hits;
        }
    }
}
