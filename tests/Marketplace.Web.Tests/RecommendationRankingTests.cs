using Marketplace.Testing;
using Marketplace.Web.Insights;

namespace Marketplace.Web.Tests;

/// <summary>How recommendations are ranked (pure), and the offline evaluation of the model against "most popular".</summary>
public sealed class RecommendationRankingTests
{
    private static readonly Dictionary<string, IReadOnlyList<RelatedProduct>> Related = new()
    {
        ["a"] = [new("b", 0.9), new("c", 0.5), new("x", 0.4)],
        ["d"] = [new("c", 0.6), new("e", 0.3)],
    };

    [Fact]
    public void Related_scores_add_up_across_seeds_and_popular_products_fill_the_rest_without_repeats()
    {
        var ranked = RecommendationRanking.Rank([("a", 1), ("d", 1)], p => Related.GetValueOrDefault(p) ?? [], ["p1", "c", "p2"], new HashSet<string>()).ToList();

        // c: 0.5 + 0.6 beats b: 0.9; the seeds themselves are never recommended.
        Assert.Equal(["c", "b", "x", "e", "p1", "p2"], ranked);
    }

    [Fact]
    public void Excluded_products_and_seeds_never_come_back()
    {
        var ranked = RecommendationRanking.Rank([("a", 1)], p => Related.GetValueOrDefault(p) ?? [], ["a", "b", "p1"], new HashSet<string> { "b" }).ToList();

        Assert.Equal(["c", "x", "p1"], ranked);
    }

    [Fact]
    public void A_purchase_weighs_more_than_a_cart_and_a_cart_more_than_a_view_and_older_ones_less()
    {
        var seeds = RecommendationRanking.Seeds(new VisitorHistory(["b1", "b2"], ["c1"], ["v1"])).ToDictionary(s => s.ProductId, s => s.Weight);

        Assert.True(seeds["b1"] > seeds["b2"]);
        Assert.True(seeds["b2"] > seeds["c1"] && seeds["c1"] > seeds["v1"]);
        Assert.Empty(RecommendationRanking.Seeds(VisitorHistory.None));
    }

    [Fact]
    public void On_a_time_split_of_history_with_planted_bundles_co_purchase_beats_most_popular()
    {
        var (model, popular) = RecommendationEvaluation.Run(new PurchaseHistory(Customers: 800), Path.Combine(Path.GetTempPath(), "recommendation-evaluation"));
        TestContext.Current.TestOutputHelper?.WriteLine($"{model}; {popular}");

        Assert.True(model.Customers > 500, model.ToString());
        Assert.True(model.Rate > 2 * popular.Rate, $"{model}; {popular}");
    }
}
