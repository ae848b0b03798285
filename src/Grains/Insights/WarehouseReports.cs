using DuckDB.NET.Data;
using Marketplace.Contracts.Insights;

namespace Marketplace.Grains.Insights;

/// <summary>
/// The reports, as queries over the warehouse's star schema (the engine aggregates; C# only shapes the answer). Dates
/// are UTC days; a range includes both ends.
/// </summary>
public sealed class WarehouseReports(Warehouse warehouse)
{
    /// <summary>A store's paid orders, units and gross per period and currency (by the day each order was paid).</summary>
    public IReadOnlyList<SalesPoint> Sales(string sellerId, ReportRange range)
    {
        var points = Query(
            $"""
            SELECT date_trunc('{Unit(range.Interval)}', paid_date)::DATE, currency, count(DISTINCT order_id), sum(quantity)::BIGINT, sum(gross)::BIGINT
            FROM fact_order_line
            WHERE seller_id = $seller AND paid_date BETWEEN $from AND $to
            GROUP BY ALL
            """,
            [new("seller", sellerId), new("from", range.From), new("to", range.To)],
            r => new SalesPoint(r.GetFieldValue<DateOnly>(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4)));
        return ReportPeriods.Fill(points, range, p => p.Start, p => p.Currency, (s, c) => new SalesPoint(s, c, 0, 0, 0));
    }

    /// <summary>
    /// Distinct visitors at each step, per product and for the whole store: viewed, added to a cart, ordered (orders
    /// placed in the range) and paid (those orders that were paid).
    /// </summary>
    public FunnelReport Funnel(string sellerId, DateOnly from, DateOnly to, int products = 50)
    {
        var rows = Query(
            """
            WITH steps AS (
                SELECT product_id, visitor_id AS who, 1 AS step FROM fact_event
                WHERE seller_id = $seller AND kind = 'productView' AND date_key BETWEEN $from AND $to
                UNION ALL
                SELECT product_id, visitor_id, 2 FROM fact_event
                WHERE seller_id = $seller AND kind = 'addToCart' AND date_key BETWEEN $from AND $to
                UNION ALL
                SELECT product_id, customer_id, 3 FROM fact_order_line
                WHERE seller_id = $seller AND placed_date BETWEEN $from AND $to
                UNION ALL
                SELECT product_id, customer_id, 4 FROM fact_order_line
                WHERE seller_id = $seller AND placed_date BETWEEN $from AND $to AND paid_at IS NOT NULL)
            SELECT s.product_id, coalesce(any_value(p.title), ''),
                   count(DISTINCT who) FILTER (WHERE step = 1), count(DISTINCT who) FILTER (WHERE step = 2),
                   count(DISTINCT who) FILTER (WHERE step = 3), count(DISTINCT who) FILTER (WHERE step = 4)
            FROM steps s LEFT JOIN dim_product p ON p.product_id = s.product_id
            GROUP BY GROUPING SETS ((s.product_id), ())
            ORDER BY s.product_id IS NOT NULL, 3 DESC, 5 DESC, 1
            LIMIT $limit
            """,
            [new("seller", sellerId), new("from", from), new("to", to), new("limit", products + 1)],
            r => new FunnelRow(r.IsDBNull(0) ? null : r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5)));
        var store = rows.FirstOrDefault(r => r.ProductId is null) ?? new FunnelRow(null, "", 0, 0, 0, 0);
        return new FunnelReport(store with { Title = "" }, rows.Where(r => r.ProductId is not null).ToList());
    }

    /// <summary>A store's best-selling products by gross in the range (orders paid in it).</summary>
    public IReadOnlyList<TopProduct> TopProducts(string sellerId, DateOnly from, DateOnly to, int limit) => Query(
        """
        SELECT product_id, arg_max(title, paid_at), currency, count(DISTINCT order_id), sum(quantity)::BIGINT, sum(gross)::BIGINT
        FROM fact_order_line
        WHERE seller_id = $seller AND paid_date BETWEEN $from AND $to
        GROUP BY product_id, currency
        ORDER BY 6 DESC, 5 DESC, 1
        LIMIT $limit
        """,
        [new("seller", sellerId), new("from", from), new("to", to), new("limit", limit)],
        r => new TopProduct(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5)));

    /// <summary>Buyers who paid for an order at the store in the range; returning: they had paid for more than one there by its end.</summary>
    public ReturningBuyers ReturningBuyers(string sellerId, DateOnly from, DateOnly to) => Query(
        """
        WITH buyers AS (
            SELECT customer_id, count(*) FILTER (WHERE paid_date >= $from) AS in_range, count(*) AS paid
            FROM fact_order
            WHERE seller_id = $seller AND paid_date <= $to
            GROUP BY customer_id)
        SELECT count(*) FILTER (WHERE in_range > 0), count(*) FILTER (WHERE in_range > 0 AND paid > 1) FROM buyers
        """,
        [new("seller", sellerId), new("from", from), new("to", to)],
        r => new ReturningBuyers(r.GetInt64(0), r.GetInt64(1)))[0];

    /// <summary>The marketplace per period and currency: orders paid, what buyers paid, commission kept, stores that sold.</summary>
    public IReadOnlyList<GmvPoint> Gmv(ReportRange range)
    {
        var points = Query(
            $"""
            SELECT date_trunc('{Unit(range.Interval)}', paid_date)::DATE, currency, count(*), sum(total)::BIGINT, sum(commission)::BIGINT, count(DISTINCT seller_id)
            FROM fact_order
            WHERE paid_date BETWEEN $from AND $to
            GROUP BY ALL
            """,
            [new("from", range.From), new("to", range.To)],
            r => new GmvPoint(r.GetFieldValue<DateOnly>(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3),
                r.GetInt64(4), r.GetInt64(5)));
        return ReportPeriods.Fill(points, range, p => p.Start, p => p.Currency, (s, c) => new GmvPoint(s, c, 0, 0, 0, 0));
    }

    /// <summary>Stores by paid orders in the range.</summary>
    public IReadOnlyList<StoreOrders> Stores(DateOnly from, DateOnly to, int limit) => Query(
        """
        SELECT o.seller_id, coalesce(any_value(s.name), o.seller_id), o.currency, count(*), sum(o.total)::BIGINT
        FROM fact_order o LEFT JOIN dim_store s ON s.seller_id = o.seller_id
        WHERE o.paid_date BETWEEN $from AND $to
        GROUP BY o.seller_id, o.currency
        ORDER BY 4 DESC, 5 DESC, 1
        LIMIT $limit
        """,
        [new("from", from), new("to", to), new("limit", limit)],
        r => new StoreOrders(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4)));

    /// <summary>Searches that found nothing, most frequent first (the query as typed, lower-cased and trimmed).</summary>
    public IReadOnlyList<SearchGap> SearchGaps(DateOnly from, DateOnly to, int limit) => Query(
        """
        SELECT lower(trim(search_query)), count(*)
        FROM fact_event
        WHERE kind = 'search' AND result_count = 0 AND date_key BETWEEN $from AND $to AND coalesce(trim(search_query), '') <> ''
        GROUP BY 1
        ORDER BY 2 DESC, 1
        LIMIT $limit
        """,
        [new("from", from), new("to", to), new("limit", limit)],
        r => new SearchGap(r.GetString(0), r.GetInt64(1)));

    private static string Unit(ReportInterval interval) => interval switch
    {
        ReportInterval.Week => "week",
        ReportInterval.Month => "month",
        _ => "day",
    };

    private List<T> Query<T>(string sql, DuckDBParameter[] parameters, Func<DuckDBDataReader, T> row)
    {
        using var connection = warehouse.Connect();
        return Warehouse.Rows(connection, sql, parameters, row);
    }
}
