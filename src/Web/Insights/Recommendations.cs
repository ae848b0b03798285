using System.Collections.Frozen;
using Marketplace.Web.Search;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Web.Insights;

/// <summary>A product the model relates to another, and how strongly.</summary>
public sealed record RelatedProduct(string ProductId, double Score);

/// <summary>The recommendation model as one web host holds it: related products per product, popular ones per language.</summary>
public sealed class RecommendationSnapshot(
    long version, FrozenDictionary<string, RelatedProduct[]> related, FrozenDictionary<string, string[]> popular)
{
    public static RecommendationSnapshot Empty { get; } = new(0, FrozenDictionary<string, RelatedProduct[]>.Empty, FrozenDictionary<string, string[]>.Empty);

    public long Version { get; } = version;

    public int Products => related.Count;

    public IReadOnlyList<RelatedProduct> RelatedTo(string productId) => related.GetValueOrDefault(productId) ?? [];

    /// <summary>Popular products for visitors of a language, then for everyone.</summary>
    public IEnumerable<string> PopularFor(string language) =>
        (popular.GetValueOrDefault(language) ?? []).Concat(popular.GetValueOrDefault("") ?? []).Distinct(StringComparer.Ordinal);
}

/// <summary>What a visitor did lately, newest first: the seeds of "for you" and what not to offer again.</summary>
/// <param name="Bought">Products the visitor paid for (never recommended back to them).</param>
public sealed record VisitorHistory(IReadOnlyList<string> Bought, IReadOnlyList<string> Carted, IReadOnlyList<string> Viewed)
{
    public static VisitorHistory None { get; } = new([], [], []);

    public bool IsEmpty => Bought.Count == 0 && Carted.Count == 0 && Viewed.Count == 0;
}

/// <summary>
/// How recommendations are ranked (pure): candidates related to weighted seeds add up their scores, the seeds and the
/// excluded products are left out, and popular products fill what remains. Availability (listed, in stock, store
/// active) is the index's to judge afterwards, so the ranking returns more than it is asked for.
/// </summary>
public static class RecommendationRanking
{
    /// <summary>How much a seed counts: a purchase more than a cart, a cart more than a view; older ones less.</summary>
    public static IEnumerable<(string ProductId, double Weight)> Seeds(VisitorHistory history, IEnumerable<string>? extra = null)
    {
        IEnumerable<(string, double)> Decayed(IReadOnlyList<string> products, double weight) =>
            products.Select((p, i) => (p, weight * Math.Pow(0.85, i)));

        return Decayed(history.Bought, 3).Concat(Decayed(history.Carted, 2)).Concat(Decayed(history.Viewed, 1))
            .Concat((extra ?? []).Select(p => (p, 4.0)));
    }

    /// <summary>Candidates by summed, seed-weighted relation score, best first; then the popular ones; no duplicates.</summary>
    public static IEnumerable<string> Rank(
        IEnumerable<(string ProductId, double Weight)> seeds, Func<string, IReadOnlyList<RelatedProduct>> related, IEnumerable<string> popular,
        IReadOnlySet<string> excluded)
    {
        var seedList = seeds.ToList();
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (seed, weight) in seedList)
        {
            foreach (var candidate in related(seed))
            {
                scores[candidate.ProductId] = scores.GetValueOrDefault(candidate.ProductId) + weight * candidate.Score;
            }
        }

        var skip = new HashSet<string>(excluded, StringComparer.Ordinal);
        skip.UnionWith(seedList.Select(s => s.ProductId));
        return scores.OrderByDescending(s => s.Value).ThenBy(s => s.Key, StringComparer.Ordinal).Select(s => s.Key)
            .Concat(popular)
            .Where(skip.Add);
    }
}

/// <summary>
/// Serves recommendations from memory: the model the warehouse published (reloaded when its version changes) and this
/// host's search index (similar products, and what may be shown at all). The only reads per request are the visitor's
/// recent events and purchases, two indexed queries.
/// </summary>
public sealed class Recommender(RecommendationFeed model, SearchIndexFeed search, NpgsqlDataSource db)
{
    public const int MaxItems = 24;

    /// <summary>Products bought by the customers who bought this one (none the visitor already bought).</summary>
    public async Task<IReadOnlyList<SearchHit>> BoughtTogetherAsync(string productId, string? visitorId, int limit, CancellationToken ct)
    {
        var history = await HistoryAsync(visitorId, ct);
        var candidates = RecommendationRanking.Rank([(productId, 1)], model.Current.RelatedTo, [], history.Bought.ToHashSet(StringComparer.Ordinal));
        return await ShowableAsync(candidates, limit, ct);
    }

    /// <summary>Products like this one (category, words, price); works without any sales.</summary>
    public async Task<IReadOnlyList<SearchHit>> SimilarAsync(string productId, string? visitorId, int limit, CancellationToken ct)
    {
        var index = await search.LoadedIndexAsync(ct);
        var history = await HistoryAsync(visitorId, ct);
        var bought = history.Bought.ToHashSet(StringComparer.Ordinal);
        return index.Recommendable(index.Similar(productId, limit * 4).Select(s => s.ProductId).Where(p => !bought.Contains(p)), limit);
    }

    /// <summary>
    /// For the visitor, from what they bought, put in a cart and viewed; popular products in their language fill the
    /// rest, and are all a visitor without history gets.
    /// </summary>
    public async Task<IReadOnlyList<SearchHit>> ForYouAsync(string? visitorId, string language, int limit, CancellationToken ct) =>
        await ForYouAsync(await HistoryAsync(visitorId, ct), language, limit, ct);

    /// <summary>For a visitor whose history the caller read already.</summary>
    public async Task<IReadOnlyList<SearchHit>> ForYouAsync(VisitorHistory history, string language, int limit, CancellationToken ct)
    {
        var snapshot = model.Current;
        var candidates = RecommendationRanking.Rank(RecommendationRanking.Seeds(history), snapshot.RelatedTo, snapshot.PopularFor(language),
            history.Bought.ToHashSet(StringComparer.Ordinal));
        return await ShowableAsync(candidates, limit, ct);
    }

    /// <summary>What goes with the cart's products ("complete your order"), none of them already in it or bought.</summary>
    public async Task<IReadOnlyList<SearchHit>> ForCartAsync(IReadOnlyCollection<string> cart, string? visitorId, string language, int limit, CancellationToken ct)
    {
        var history = await HistoryAsync(visitorId, ct);
        var snapshot = model.Current;
        var excluded = history.Bought.Concat(cart).ToHashSet(StringComparer.Ordinal);
        var seeds = cart.Select(p => (p, 4.0)).Concat(RecommendationRanking.Seeds(history with { Bought = [] }));
        var candidates = RecommendationRanking.Rank(seeds, snapshot.RelatedTo, cart.Count == 0 ? snapshot.PopularFor(language) : [], excluded);
        return await ShowableAsync(candidates, limit, ct);
    }

    /// <summary>The visitor's latest purchases (90 days), carts and views (30 days), newest first.</summary>
    public async Task<VisitorHistory> HistoryAsync(string? visitorId, CancellationToken ct)
    {
        if (visitorId is null)
        {
            return VisitorHistory.None;
        }

        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT l.product_id FROM order_listings o JOIN order_listing_lines l USING (order_id)
            WHERE o.buyer_id = $1 AND o.paid_at > now() - interval '90 days'
            GROUP BY l.product_id ORDER BY max(o.paid_at) DESC LIMIT 50
            """) { Parameters = { new() { Value = visitorId } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT product_id, kind FROM analytics_events
            WHERE visitor_id = $1 AND at > now() - interval '30 days' AND kind IN ('productView', 'addToCart') AND product_id IS NOT NULL
            GROUP BY product_id, kind ORDER BY max(at) DESC LIMIT 100
            """) { Parameters = { new() { Value = visitorId } } });
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var bought = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            bought.Add(reader.GetString(0));
        }

        await reader.NextResultAsync(ct);
        var (carted, viewed) = (new List<string>(), new List<string>());
        while (await reader.ReadAsync(ct))
        {
            (reader.GetString(1) == PageEventKinds.AddToCart ? carted : viewed).Add(reader.GetString(0));
        }

        return new VisitorHistory(bought, carted, viewed.Except(carted).ToList());
    }

    private async Task<IReadOnlyList<SearchHit>> ShowableAsync(IEnumerable<string> candidates, int limit, CancellationToken ct) =>
        (await search.LoadedIndexAsync(ct)).Recommendable(candidates, Math.Clamp(limit, 1, MaxItems));
}

/// <summary>Configuration of the web host's copy of the recommendation model.</summary>
public sealed class RecommendationOptions
{
    public const string Section = "Recommendations";

    /// <summary>How often the host asks whether a newer model was published.</summary>
    public TimeSpan Refresh { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Keeps this web host's <see cref="RecommendationSnapshot"/> in step with the published model.</summary>
public sealed partial class RecommendationFeed(NpgsqlDataSource db, IOptions<RecommendationOptions> options, ILogger<RecommendationFeed> logger) : BackgroundService
{
    private RecommendationSnapshot current = RecommendationSnapshot.Empty;

    public RecommendationSnapshot Current => Volatile.Read(ref current);

    /// <summary>Loads the published model if it is newer than the one held; answers the version held afterwards.</summary>
    public async Task<long> RefreshAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await using (var version = new NpgsqlCommand("SELECT version FROM recommendation_models WHERE id = 1", connection, transaction))
        {
            if (await version.ExecuteScalarAsync(ct) is not long published || published == Current.Version)
            {
                return Current.Version;
            }

            var related = new Dictionary<string, List<RelatedProduct>>(StringComparer.Ordinal);
            await using (var pairs = new NpgsqlCommand("SELECT product_id, related_id, score FROM recommendation_pairs", connection, transaction))
            await using (var reader = await pairs.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    var key = reader.GetString(0);
                    if (!related.TryGetValue(key, out var list))
                    {
                        related[key] = list = [];
                    }

                    list.Add(new RelatedProduct(reader.GetString(1), reader.GetFloat(2)));
                }
            }

            var popular = new Dictionary<string, List<(string ProductId, float Score)>>(StringComparer.Ordinal);
            await using (var top = new NpgsqlCommand("SELECT language, product_id, score FROM recommendation_popular", connection, transaction))
            await using (var reader = await top.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    var key = reader.GetString(0);
                    if (!popular.TryGetValue(key, out var list))
                    {
                        popular[key] = list = [];
                    }

                    list.Add((reader.GetString(1), reader.GetFloat(2)));
                }
            }

            var snapshot = new RecommendationSnapshot(
                published,
                related.ToFrozenDictionary(r => r.Key, r => r.Value.OrderByDescending(p => p.Score).ThenBy(p => p.ProductId, StringComparer.Ordinal).ToArray(), StringComparer.Ordinal),
                popular.ToFrozenDictionary(p => p.Key, p => p.Value.OrderByDescending(x => x.Score).ThenBy(x => x.ProductId, StringComparer.Ordinal).Select(x => x.ProductId).ToArray(), StringComparer.Ordinal));
            Volatile.Write(ref current, snapshot);
            LogLoaded(logger, published, snapshot.Products);
            return published;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync(stoppingToken);
                await Task.Delay(options.Value.Refresh, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                LogFailed(logger, e.Message);
                await Task.Delay(options.Value.Refresh, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recommendation model {Version} loaded: {Products} product(s) with related products")]
    private static partial void LogLoaded(ILogger logger, long version, int products);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the recommendation model failed, retrying: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}

/// <summary>A row of recommended products as a page shows it (the partial Insights/Pages/_ProductShelf renders it).</summary>
public sealed record ProductShelf(string Id, string Title, string Kind, IReadOnlyList<SearchHit> Items);
