using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;

namespace Marketplace.WebClient.Search;

public enum SearchSort
{
    Relevance,
    Newest,
    PriceAsc,
    PriceDesc,
}

/// <summary>A search as the API received it, already checked.</summary>
public sealed record SearchQuery(
    string? Text,
    string? SellerId,
    string? Category,
    long? MinPrice,
    long? MaxPrice,
    bool InStockOnly,
    string? Currency,
    SearchSort Sort,
    int Page,
    int PageSize);

public sealed record SearchHit(
    string ProductId,
    string Title,
    long Price,
    string Currency,
    string SellerId,
    string SellerName,
    string? ImageKey,
    bool InStock,
    string Category);

public sealed record FacetValue(string Value, string? Label, int Count);

public sealed record SearchResult(IReadOnlyList<SearchHit> Items, int Total, IReadOnlyList<FacetValue> Categories, IReadOnlyList<FacetValue> Sellers);

/// <summary>
/// Full-text search over the search_products read model in one round trip: matching, filters, the page, the total and
/// both facets. Facets ignore their own filter (choosing a category still shows the other categories' counts).
/// </summary>
public sealed class ProductSearch(NpgsqlDataSource dataSource)
{
    public const int MaxTerms = 8;
    public const int FacetSize = 20;

    private static readonly JsonSerializerOptions RowJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public async Task<SearchResult> SearchAsync(SearchQuery query, CancellationToken cancellationToken = default)
    {
        var tsQuery = ToTsQuery(query.Text);
        var sort = query.Sort switch
        {
            SearchSort.Relevance when tsQuery is not null => "rank DESC, created_at DESC, product_id",
            SearchSort.PriceAsc => "price, product_id",
            SearchSort.PriceDesc => "price DESC, product_id",
            _ => "created_at DESC, product_id",
        };
        // The text condition is written only when there is text: "document @@ query" must stand alone for the GIN
        // index to be used (an "IS NULL OR" around it turns the search into a scan of every row). The query is a
        // scalar subquery so it is folded and parsed once per statement, not once per matching row.
        const string Query = "(SELECT to_tsquery('simple', search_fold($1)))";
        var match = tsQuery is null ? "" : $"WHERE s.document @@ {Query}";
        var rank = tsQuery is null ? "0::real" : $"ts_rank_cd(s.document, {Query})";
        await using var command = dataSource.CreateCommand($"""
            WITH m AS MATERIALIZED (
                SELECT s.product_id, s.seller_id, d.name AS seller_name, s.title, s.category, s.currency, s.price, s.image_key,
                       s.in_stock, s.created_at, {rank} AS rank
                FROM (SELECT * FROM search_products s {match}) s
                     JOIN store_directory d ON d.seller_id = s.seller_id AND d.status = 'active'
                WHERE ($4::bigint IS NULL OR s.price >= $4)
                  AND ($5::bigint IS NULL OR s.price <= $5)
                  AND (NOT $6 OR s.in_stock)
                  AND ($7::text IS NULL OR s.currency = $7))
            SELECT
                (SELECT count(*) FROM m WHERE ($2::text IS NULL OR seller_id = $2) AND ($3::text IS NULL OR category = $3)),
                (SELECT coalesce(json_agg(r), '[]') FROM (
                    SELECT product_id, title, price, currency, seller_id, seller_name, image_key, in_stock, category FROM m
                    WHERE ($2::text IS NULL OR seller_id = $2) AND ($3::text IS NULL OR category = $3)
                    ORDER BY {sort} LIMIT $8 OFFSET $9) r),
                (SELECT coalesce(json_agg(c), '[]') FROM (
                    SELECT category AS value, NULL AS label, count(*) AS count FROM m
                    WHERE ($2::text IS NULL OR seller_id = $2)
                    GROUP BY category ORDER BY count(*) DESC, category LIMIT {FacetSize}) c),
                (SELECT coalesce(json_agg(f), '[]') FROM (
                    SELECT seller_id AS value, min(seller_name) AS label, count(*) AS count FROM m
                    WHERE ($3::text IS NULL OR category = $3)
                    GROUP BY seller_id ORDER BY count(*) DESC, min(seller_name) LIMIT {FacetSize}) f)
            """);
        command.Parameters.Add(new() { Value = (object?)tsQuery ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)query.SellerId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)query.Category ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)query.MinPrice ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(new() { Value = (object?)query.MaxPrice ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(new() { Value = query.InStockOnly });
        command.Parameters.Add(new() { Value = (object?)query.Currency ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = query.PageSize });
        command.Parameters.Add(new() { Value = (query.Page - 1) * query.PageSize });

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new SearchResult(
            JsonSerializer.Deserialize<List<SearchHit>>(reader.GetString(1), RowJson)!,
            (int)reader.GetInt64(0),
            JsonSerializer.Deserialize<List<FacetValue>>(reader.GetString(2), RowJson)!,
            JsonSerializer.Deserialize<List<FacetValue>>(reader.GetString(3), RowJson)!);
    }

    /// <summary>
    /// Words of the query as a tsquery where every word of two or more characters matches as a prefix ("zap" finds
    /// "zapatos" while typing). Only letters and digits survive, so nothing in the text can become tsquery syntax.
    /// Null when the text has no words (a browse).
    /// </summary>
    public static string? ToTsQuery(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var terms = new List<string>();
        var word = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormC).Append(' '))
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
                continue;
            }

            if (word.Length > 0 && terms.Count < MaxTerms)
            {
                terms.Add(word.Length >= 2 ? word + ":*" : word.ToString());
            }

            word.Clear();
        }

        return terms.Count == 0 ? null : string.Join(" & ", terms);
    }
}
