using Marketplace.Web.Search;

namespace Marketplace.Web.Tests;

/// <summary>The in-memory index on its own: what the read model hands it and what searches get back.</summary>
public sealed class SearchIndexTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Words_match_folded_and_as_prefixes_with_title_words_first()
    {
        var index = Catalog();

        Assert.Equal(["p1"], Ids(index, "CAFÉ"));
        Assert.Equal(["p2", "p3"], Ids(index, "zapa").Order());
        // "cuero" is p2's title and p4's description.
        Assert.Equal(["p2", "p4"], Ids(index, "cuero"));
        Assert.Equal(["p2"], Ids(index, "zapatos cuero"));
        Assert.Empty(Ids(index, "zapatos running"));
        Assert.Empty(Ids(index, "nada"));
    }

    [Fact]
    public void A_prefix_that_starts_many_words_is_matched_by_walking_its_lists()
    {
        var index = new SearchIndex();
        index.Apply(
            [new SearchSeller("s1", "Store One", Active: true)],
            [
                Doc("p1", "Alpha beta", "misc", 1, "'alpha':1A 'beta':2A"),
                Doc("p2", "Alpha betamax", "misc", 1, "'alpha':1A 'betamax':2A"),
                Doc("p3", "Alpha bet", "misc", 1, "'alpha':1A 'bet':2"),
                Doc("p4", "Alpha", "misc", 1, "'alpha':1A"),
                Doc("p5", "Bets", "misc", 1, "'bets':1A"),
                Doc("p6", "Beth", "misc", 1, "'beth':1A"),
            ],
            []);

        // "alpha" (4 products) drives; "be" starts five words whose lists hold 5 products, cheaper to walk than to
        // probe 4 × 5 times. p3 has "bet" only in its description, so it ranks last.
        Assert.Equal(["p1", "p2", "p3"], Ids(index, "alpha be").Order());
        Assert.Equal("p3", Ids(index, "alpha be")[^1]);
        // The word itself ranks above a longer word it starts.
        Assert.Equal(["p1", "p2"], Ids(index, "alpha be beta"));
    }

    [Fact]
    public void Filters_sorts_pages_and_facets_that_ignore_their_own_filter()
    {
        var index = Catalog();

        Assert.Equal(["p1", "p4", "p3", "p2"], Ids(index, null, SearchSort.PriceAsc));
        Assert.Equal(["p2", "p3"], Ids(index, null, SearchSort.PriceDesc, category: "shoes", currency: "CLP"));
        Assert.Equal(["p2"], Ids(index, null, inStock: true, minPrice: 40000));

        var result = index.Search(Query(null, SearchSort.Newest, category: "shoes", page: 2, pageSize: 1));
        Assert.Equal(3, result.Total);
        Assert.Equal(["p3"], result.Items.Select(i => i.ProductId));
        Assert.Equal([("shoes", 3), ("coffee", 1)], result.Categories.Select(f => (f.Value, f.Count)));
        Assert.Equal([("s1", "Store One", 3)], result.Sellers.Select(f => (f.Value, f.Label, f.Count)));
    }

    [Fact]
    public void Changes_replace_words_removals_and_suspended_stores_hide_products()
    {
        var index = Catalog();

        index.Apply([], [Doc("p1", "Té verde", "tea", 5000, "'te':1A 'verde':2A 'tea':3B")], ["p2"]);
        Assert.Empty(Ids(index, "cafe"));
        Assert.Equal(["p1"], Ids(index, "verde"));
        Assert.Empty(Ids(index, "zapatos"));
        Assert.Equal(3, index.Count);

        index.Apply([new SearchSeller("s1", "Store One", Active: false)], [], []);
        Assert.Equal(0, index.Search(Query(null, SearchSort.Newest)).Total);
    }

    [Theory]
    [InlineData("'cafe':1A,4 'de':2A 'huila':7C 'tostado':9", "cafe:A de:A huila:C tostado:D")]
    [InlineData("'it''s':1B 'a\\\\b':2", "a\\b:D it's:B")]
    [InlineData("'solo'", "solo:D")]
    public void Tsvector_text_is_read_with_the_best_weight_of_each_word(string document, string expected)
    {
        var lexemes = SearchText.ParseTsVector(document);
        Assert.Equal(expected, string.Join(' ', lexemes.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}:{l.Value}")));
    }

    [Fact]
    public void Query_words_are_folded_deduplicated_and_only_letters_and_digits()
    {
        Assert.Equal(
            [new QueryTerm("cafe", true), new QueryTerm("x", false), new QueryTerm("strasse", true), new QueryTerm("250g", true)],
            SearchText.Terms("Café & x | !STRAßE (café) 250g :*"));
        Assert.Empty(SearchText.Terms(" -- "));
        // Precomposed and combining accents alike, as PostgreSQL's unaccent folds documents.
        Assert.Equal("nandu cafe senor oeuvre lodz", SearchText.Fold("ÑANDÚ cafe\u0301 Señor Œuvre Łódź"));
    }

    private static SearchIndex Catalog()
    {
        var index = new SearchIndex();
        index.Apply(
            [new SearchSeller("s1", "Store One", Active: true)],
            [
                Doc("p1", "Café de Colombia", "coffee", 8990, "'cafe':1A 'de':2A 'colombia':3A 'coffee':4B 'huila':5C", minutes: 1),
                Doc("p2", "Zapatos de cuero", "shoes", 45990, "'zapatos':1A 'de':2A 'cuero':3A 'shoes':4B", minutes: 2),
                Doc("p3", "Zapatillas running", "shoes", 39990, "'zapatillas':1A 'running':2A 'shoes':3B", minutes: 3, inStock: false),
                Doc("p4", "Leather boots", "shoes", 12000, "'leather':1A 'boots':2A 'shoes':3B 'botas':4 'cuero':6", minutes: 4, currency: "USD"),
            ],
            []);
        return index;
    }

    private static SearchDocument Doc(string id, string title, string category, long price, string document, int minutes = 0,
        bool inStock = true, string currency = "CLP") =>
        new(id, "s1", title, category, currency, price, null, inStock, Start.AddMinutes(minutes), document);

    private static SearchQuery Query(string? text, SearchSort sort, string? category = null, string? currency = null,
        bool inStock = false, long? minPrice = null, int page = 1, int pageSize = 20) =>
        new(text, null, category, minPrice, null, inStock, currency, sort, page, pageSize);

    private static string[] Ids(SearchIndex index, string? text, SearchSort sort = SearchSort.Relevance, string? category = null,
        string? currency = null, bool inStock = false, long? minPrice = null) =>
        index.Search(Query(text, sort, category, currency, inStock, minPrice)).Items.Select(i => i.ProductId).ToArray();
}
