using DuckDB.NET.Data;
using Npgsql;
using NpgsqlTypes;

namespace Marketplace.Grains.Insights;

/// <summary>A product and one bought by the same customers: how many did, and how strongly they go together.</summary>
public sealed record ProductPair(string ProductId, string RelatedId, double Score, long Buyers);

/// <summary>A product popular with visitors of one language ("" for everyone).</summary>
public sealed record PopularProduct(string Language, string ProductId, double Score);

/// <summary>
/// The recommendation model, computed by the warehouse engine from its facts: item-to-item co-purchase (customers who
/// paid for one product and paid for another), scored by cosine similarity so that best sellers do not pair with
/// everything, and popularity per visitor language over the last 30 days. Published to PostgreSQL, from where every
/// web host loads it into memory.
/// </summary>
public static class RecommendationModel
{
    /// <summary>The most related products kept per product, and popular products per language.</summary>
    public const int PerProduct = 20;

    public const int PopularPerLanguage = 100;

    /// <summary>The most recent products of a customer that count, so one customer's long history does not swamp the pairs.</summary>
    public const int HistoryPerCustomer = 50;

    public static IReadOnlyList<ProductPair> Pairs(DuckDBConnection connection) => Warehouse.Rows(connection, $"""
        WITH bought AS (
            SELECT customer_id, product_id, max(paid_at) AS last_paid FROM fact_order_line WHERE paid_at IS NOT NULL GROUP BY ALL),
        recent AS (
            SELECT * FROM bought QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY last_paid DESC, product_id) <= {HistoryPerCustomer}),
        counts AS (SELECT product_id, count(*) AS n FROM recent GROUP BY product_id),
        pairs AS (
            SELECT a.product_id AS p, b.product_id AS q, count(*) AS c
            FROM recent a JOIN recent b ON a.customer_id = b.customer_id AND a.product_id <> b.product_id
            GROUP BY ALL)
        SELECT p, q, c / sqrt(na.n * nb.n) AS score, c
        FROM pairs JOIN counts na ON na.product_id = p JOIN counts nb ON nb.product_id = q
        QUALIFY row_number() OVER (PARTITION BY p ORDER BY score DESC, c DESC, q) <= {PerProduct}
        """, [], r => new ProductPair(r.GetString(0), r.GetString(1), r.GetDouble(2), r.GetInt64(3)));

    /// <summary>
    /// Popularity per language from page events (a visitor counts once per product: 3 for a cart, 1 for a view), and for
    /// everyone from those plus paid orders (5 per buyer), over the 30 days before <paramref name="now"/>.
    /// </summary>
    public static IReadOnlyList<PopularProduct> Popular(DuckDBConnection connection, DateTimeOffset now) => Warehouse.Rows(connection, $"""
        WITH interest AS (
            SELECT coalesce(language, '') AS language, visitor_id, product_id,
                   max(CASE kind WHEN 'addToCart' THEN 3 ELSE 1 END) AS weight
            FROM fact_event
            WHERE source = 'page' AND kind IN ('productView', 'addToCart') AND product_id IS NOT NULL AND occurred_at >= $since
            GROUP BY ALL),
        bought AS (
            SELECT DISTINCT '' AS language, customer_id AS visitor_id, product_id, 5 AS weight
            FROM fact_order_line WHERE paid_at >= $since),
        scores AS (
            SELECT language, product_id, sum(weight) AS score FROM interest WHERE language <> '' GROUP BY ALL
            UNION ALL
            SELECT '', product_id, sum(weight) FROM (SELECT * FROM interest UNION ALL SELECT * FROM bought) GROUP BY product_id)
        SELECT language, product_id, score::DOUBLE FROM scores
        QUALIFY row_number() OVER (PARTITION BY language ORDER BY score DESC, product_id) <= {PopularPerLanguage}
        """, [new DuckDBParameter("since", now.AddDays(-30).UtcDateTime)], r => new PopularProduct(r.GetString(0), r.GetString(1), r.GetDouble(2)));

    /// <summary>Replaces the published model with this one, in one transaction, under a new version.</summary>
    public static async Task PublishAsync(NpgsqlDataSource db, IReadOnlyList<ProductPair> pairs, IReadOnlyList<PopularProduct> popular, DateTimeOffset builtAt, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var clear = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands = { new("DELETE FROM recommendation_pairs"), new("DELETE FROM recommendation_popular") },
        })
        {
            await clear.ExecuteNonQueryAsync(ct);
        }

        await using (var import = await connection.BeginBinaryImportAsync("COPY recommendation_pairs (product_id, related_id, score, buyers) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var pair in pairs)
            {
                await import.WriteRowAsync(ct, pair.ProductId, pair.RelatedId, (float)pair.Score, (int)Math.Min(pair.Buyers, int.MaxValue));
            }

            await import.CompleteAsync(ct);
        }

        await using (var import = await connection.BeginBinaryImportAsync("COPY recommendation_popular (language, product_id, score) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var product in popular)
            {
                await import.WriteRowAsync(ct, product.Language, product.ProductId, (float)product.Score);
            }

            await import.CompleteAsync(ct);
        }

        await using (var version = new NpgsqlCommand("""
            INSERT INTO recommendation_models (id, version, built_at, pairs, popular) VALUES (1, 1, $1, $2, $3)
            ON CONFLICT (id) DO UPDATE SET version = recommendation_models.version + 1, built_at = $1, pairs = $2, popular = $3
            """, connection, transaction))
        {
            version.Parameters.Add(new() { Value = builtAt.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            version.Parameters.Add(new() { Value = pairs.Count });
            version.Parameters.Add(new() { Value = popular.Count });
            await version.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }
}
