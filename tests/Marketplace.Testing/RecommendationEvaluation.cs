using Marketplace.Grains.Insights;
using Marketplace.Web.Insights;

namespace Marketplace.Testing;

/// <summary>
/// Generated purchase history with a planted structure: products come in bundles, and each customer mostly buys from one
/// or two bundles they like, otherwise a product drawn by overall popularity (a few products sell far more than the rest).
/// A recommender that learns "bought together" finds a customer's next product among the bundle's; one that only knows
/// what is popular does not. Fixed seed: the same options give the same history.
/// </summary>
public sealed record PurchaseHistory(
    int Customers = 1500, int Bundles = 40, int BundleSize = 10, int MinPurchases = 4, int MaxPurchases = 8, double BundleShare = 0.7, int Seed = 42)
{
    public int Products => Bundles * BundleSize;

    /// <summary>Every purchase, in time order per customer: (customer, product, when).</summary>
    public IReadOnlyList<(string Customer, string Product, DateTimeOffset At)> Generate()
    {
        var random = new Random(Seed);
        // Zipf-like popularity: product k is bought in proportion to 1/(k+1).
        var weights = Enumerable.Range(0, Products).Select(k => 1.0 / (k + 1)).ToArray();
        var cumulative = new double[Products];
        for (var k = 0; k < Products; k++)
        {
            cumulative[k] = weights[k] + (k > 0 ? cumulative[k - 1] : 0);
        }

        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var purchases = new List<(string, string, DateTimeOffset)>();
        for (var c = 0; c < Customers; c++)
        {
            var liked = Enumerable.Range(0, 1 + random.Next(2)).Select(_ => random.Next(Bundles)).ToArray();
            var count = random.Next(MinPurchases, MaxPurchases + 1);
            var at = start.AddHours(random.Next(24 * 30));
            for (var i = 0; i < count; i++)
            {
                var product = random.NextDouble() < BundleShare
                    ? liked[random.Next(liked.Length)] * BundleSize + random.Next(BundleSize)
                    : ByPopularity(cumulative, random.NextDouble() * cumulative[^1]);
                purchases.Add(($"cus_{c}", $"prd_{Math.Min(product, Products - 1)}", at));
                at = at.AddHours(1 + random.Next(24 * 7));
            }
        }

        return purchases;
    }

    private static int ByPopularity(double[] cumulative, double point)
    {
        var found = Array.BinarySearch(cumulative, point);
        return found >= 0 ? found : ~found;
    }
}

/// <summary>Hit rate at 10 of one recommender on a time split: each customer's last new product, from what they bought before.</summary>
public sealed record HitRate(string Model, int Customers, int Hits)
{
    public double Rate => Customers == 0 ? 0 : Hits / (double)Customers;

    public override string ToString() => $"{Model}: hit-rate@10 {Rate:P1} ({Hits} of {Customers})";
}

/// <summary>
/// The offline evaluation: the production model (the warehouse's co-purchase pairs, ranked by the web host's
/// <see cref="RecommendationRanking"/>, with popular products filling) against "most popular" on the same split.
/// </summary>
public static class RecommendationEvaluation
{
    public const int K = 10;

    public static (HitRate Model, HitRate Popular) Run(PurchaseHistory history, string folder)
    {
        var purchases = history.Generate();
        // The split: a customer's last purchase of a product they had not bought before is held out; the rest trains.
        var test = new Dictionary<string, string>(StringComparer.Ordinal);
        var train = new List<(string Customer, string Product, DateTimeOffset At)>();
        foreach (var group in purchases.GroupBy(p => p.Customer))
        {
            var ordered = group.OrderBy(p => p.At).ToList();
            var last = ordered[^1];
            var before = ordered.Take(ordered.Count - 1).ToList();
            if (before.Count > 0 && before.All(p => p.Product != last.Product))
            {
                test[group.Key] = last.Product;
            }

            train.AddRange(ordered.Count > 1 ? before : ordered);
        }

        Directory.CreateDirectory(folder);
        using var warehouse = new Warehouse(Path.Combine(folder, $"evaluation-{Guid.NewGuid():N}.duckdb"));
        var orders = train.Select((p, i) => new OrderFact($"ord_{i}", "slr_eval", p.Customer, "CLP", "delivered", 1000, 0, 1000, 0, 100, 1, p.At, p.At, p.At)).ToList();
        var lines = train.Select((p, i) => new OrderLineFact($"ord_{i}", 1, p.Product, "SKU", p.Product, 1, 1000)).ToList();
        warehouse.LoadOrders([], orders, lines, SourceMark.Start);
        IReadOnlyList<ProductPair> pairs;
        using (var connection = warehouse.Connect())
        {
            pairs = RecommendationModel.Pairs(connection);
        }

        var related = pairs.GroupBy(p => p.ProductId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<RelatedProduct>)g.OrderByDescending(p => p.Score).Select(p => new RelatedProduct(p.RelatedId, p.Score)).ToList(),
                StringComparer.Ordinal);
        var popular = train.GroupBy(p => p.Product).OrderByDescending(g => g.Select(p => p.Customer).Distinct().Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key).ToList();
        var bought = train.GroupBy(p => p.Customer).ToDictionary(g => g.Key, g => g.OrderByDescending(p => p.At).Select(p => p.Product).Distinct().ToList());

        int modelHits = 0, popularHits = 0;
        foreach (var (customer, next) in test)
        {
            var history2 = new VisitorHistory(bought[customer], [], []);
            var excluded = bought[customer].ToHashSet(StringComparer.Ordinal);
            var model = RecommendationRanking.Rank(RecommendationRanking.Seeds(history2), p => related.GetValueOrDefault(p) ?? [], popular, excluded).Take(K);
            var baseline = popular.Where(p => !excluded.Contains(p)).Take(K);
            modelHits += model.Contains(next) ? 1 : 0;
            popularHits += baseline.Contains(next) ? 1 : 0;
        }

        return (new HitRate("co-purchase", test.Count, modelHits), new HitRate("most popular", test.Count, popularHits));
    }
}
