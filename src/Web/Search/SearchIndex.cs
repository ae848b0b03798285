namespace Marketplace.Web.Search;

/// <summary>A searchable product as the read model holds it; <see cref="Document"/> is its tsvector in text form.</summary>
public sealed record SearchDocument(
    string ProductId,
    string SellerId,
    string Title,
    string Category,
    string Currency,
    long Price,
    string? ImageKey,
    bool InStock,
    DateTimeOffset CreatedAt,
    string Document,
    long RatingSum = 0,
    int RatingCount = 0);

/// <summary>A store as search needs it: its name for results and facets, and whether its products may be shown.</summary>
public sealed record SearchSeller(string SellerId, string Name, bool Active);

/// <summary>
/// The search read model held in memory: an inverted index from folded words to products with the word's best weight,
/// plus the fields that filters, sorts and facets need. Thread-safe: many searches at once, changes applied between
/// them. A search costs microseconds per matching product, where the same work in PostgreSQL cost tens of milliseconds
/// for a common word (see docs/architecture.md). This file holds the contents and how changes apply;
/// SearchIndex.Query.cs answers searches.
/// </summary>
public sealed partial class SearchIndex
{
    private const float PrefixDiscount = 0.9f;

    private readonly ReaderWriterLockSlim gate = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, int> slotOf = new(StringComparer.Ordinal);
    private readonly List<Doc?> docs = [];
    private readonly Stack<int> freeSlots = new();
    private readonly Dictionary<string, Dictionary<int, LexemeWeight>> postings = new(StringComparer.Ordinal);
    private readonly SortedSet<string> words = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> sellerSlot = new(StringComparer.Ordinal);
    private readonly List<SearchSeller> sellers = [];
    private readonly Dictionary<string, int> categorySlot = new(StringComparer.Ordinal);
    private readonly List<string> categories = [];

    /// <summary>Products currently searchable (their store may still be suspended).</summary>
    public int Count
    {
        get
        {
            gate.EnterReadLock();
            try
            {
                return slotOf.Count;
            }
            finally
            {
                gate.ExitReadLock();
            }
        }
    }

    /// <summary>Applies one batch of changes from the read model; products are removed before upserts are applied.</summary>
    public void Apply(IReadOnlyCollection<SearchSeller> sellerChanges, IReadOnlyCollection<SearchDocument> upserts, IReadOnlyCollection<string> removals)
    {
        // Parsing happens outside the lock, so searches wait only for the pointer work.
        var parsed = upserts.Select(d => (Doc: d, Lexemes: SearchText.ParseTsVector(d.Document))).ToList();
        gate.EnterWriteLock();
        try
        {
            foreach (var seller in sellerChanges)
            {
                var slot = SellerSlot(seller.SellerId);
                sellers[slot] = seller;
            }

            foreach (var productId in removals)
            {
                Remove(productId);
            }

            foreach (var (doc, lexemes) in parsed)
            {
                Upsert(doc, lexemes);
            }
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    private void Upsert(SearchDocument document, Dictionary<string, LexemeWeight> lexemes)
    {
        if (slotOf.TryGetValue(document.ProductId, out var slot))
        {
            var current = docs[slot]!;
            if (!SameWords(current.Lexemes, lexemes))
            {
                RemovePostings(slot, current);
                current.Lexemes = AddPostings(slot, lexemes);
            }

            current.Update(document, SellerSlot(document.SellerId), CategorySlot(document.Category));
            return;
        }

        slot = freeSlots.Count > 0 ? freeSlots.Pop() : Append();
        var doc = new Doc(document.ProductId);
        doc.Update(document, SellerSlot(document.SellerId), CategorySlot(document.Category));
        doc.Lexemes = AddPostings(slot, lexemes);
        docs[slot] = doc;
        slotOf[document.ProductId] = slot;
    }

    private int Append()
    {
        docs.Add(null);
        return docs.Count - 1;
    }

    private void Remove(string productId)
    {
        if (!slotOf.Remove(productId, out var slot))
        {
            return;
        }

        RemovePostings(slot, docs[slot]!);
        docs[slot] = null;
        freeSlots.Push(slot);
    }

    private (string Word, LexemeWeight Weight)[] AddPostings(int slot, Dictionary<string, LexemeWeight> lexemes)
    {
        var stored = new (string, LexemeWeight)[lexemes.Count];
        var i = 0;
        foreach (var (word, weight) in lexemes)
        {
            if (!postings.TryGetValue(word, out var list))
            {
                list = [];
                postings[word] = list;
                words.Add(word);
            }

            list[slot] = weight;
            // Keep the index's own copy of the word, so a million products share one string per word.
            stored[i++] = (words.TryGetValue(word, out var shared) ? shared : word, weight);
        }

        return stored;
    }

    private void RemovePostings(int slot, Doc doc)
    {
        foreach (var (word, _) in doc.Lexemes)
        {
            if (postings.TryGetValue(word, out var list) && list.Remove(slot) && list.Count == 0)
            {
                postings.Remove(word);
                words.Remove(word);
            }
        }
    }

    private static bool SameWords((string Word, LexemeWeight Weight)[] current, Dictionary<string, LexemeWeight> next)
    {
        if (current.Length != next.Count)
        {
            return false;
        }

        foreach (var (word, weight) in current)
        {
            if (!next.TryGetValue(word, out var w) || w != weight)
            {
                return false;
            }
        }

        return true;
    }

    private int SellerSlot(string sellerId)
    {
        if (!sellerSlot.TryGetValue(sellerId, out var slot))
        {
            // Until its directory row arrives, a store's products are not shown (as before the store exists).
            slot = sellers.Count;
            sellers.Add(new SearchSeller(sellerId, sellerId, Active: false));
            sellerSlot[sellerId] = slot;
        }

        return slot;
    }

    private int CategorySlot(string category)
    {
        if (!categorySlot.TryGetValue(category, out var slot))
        {
            slot = categories.Count;
            categories.Add(category);
            categorySlot[category] = slot;
        }

        return slot;
    }

    private sealed class Doc(string productId)
    {
        public string ProductId { get; } = productId;

        public int Seller { get; private set; }

        public int Category { get; private set; }

        public string Title { get; private set; } = "";

        public string Currency { get; private set; } = "";

        public long Price { get; private set; }

        public string? ImageKey { get; private set; }

        public bool InStock { get; private set; }

        public long CreatedTicks { get; private set; }

        public long RatingSum { get; private set; }

        public int RatingCount { get; private set; }

        public (string Word, LexemeWeight Weight)[] Lexemes { get; set; } = [];

        public void Update(SearchDocument document, int seller, int category)
        {
            Seller = seller;
            Category = category;
            Title = document.Title;
            Currency = document.Currency;
            Price = document.Price;
            ImageKey = document.ImageKey;
            InStock = document.InStock;
            CreatedTicks = document.CreatedAt.UtcTicks;
            RatingSum = document.RatingSum;
            RatingCount = document.RatingCount;
        }
    }
}
