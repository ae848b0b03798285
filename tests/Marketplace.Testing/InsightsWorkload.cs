using Npgsql;

namespace Marketplace.Testing;

/// <summary>
/// Order history and page events written straight into the tables the warehouse reads (order listings and their lines,
/// order steps, commission entries, page events), generated in SQL with a fixed seed so a run is repeatable. Ids carry
/// <see cref="Tag"/>, so several workloads share a database without meeting. Stores are <c>slr_{tag}_{n}</c>; every fifth
/// sells in USD, the others in CLP.
/// </summary>
public sealed record InsightsWorkload(string Tag, int Orders, int Stores, int Buyers, int ProductsPerStore, DateOnly From, int Days, double Seed = 0.42)
{
    public string Store(int n) => $"slr_{Tag}_{n}";

    /// <summary>Writes the workload in one transaction.</summary>
    public async Task WriteAsync(NpgsqlDataSource db, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(connection, transaction) { Timeout = 600 };
        foreach (var statement in Sql.Split(";\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Every statement gets every value; each uses the ones it names.
            batch.BatchCommands.Add(new NpgsqlBatchCommand(statement)
            {
                Parameters =
                {
                    new() { Value = Tag }, new() { Value = Orders }, new() { Value = Stores }, new() { Value = Buyers },
                    new() { Value = ProductsPerStore }, new() { Value = From.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) },
                    new() { Value = Days }, new() { Value = Seed },
                },
            });
        }

        await batch.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
    }

    // $1 tag, $2 orders, $3 stores, $4 buyers, $5 products per store, $6 first day, $7 days, $8 seed.
    private const string Sql = """
        SELECT setseed($8);
        CREATE TEMP TABLE gen_order ON COMMIT DROP AS
        SELECT g AS n,
               'ord_' || $1 || '_' || g AS order_id,
               1 + floor(random() * $3)::int AS store_no,
               'usr_' || $1 || '_' || (1 + floor(random() * $4)::int) AS buyer_id,
               $6::timestamptz + random() * make_interval(days => $7) AS placed_at,
               random() AS fate,
               1 + floor(random() * 4)::int AS line_count
        FROM generate_series(1, $2) g;

        CREATE TEMP TABLE gen_line ON COMMIT DROP AS
        SELECT o.order_id, l AS line_no, o.store_no,
               'prd_' || $1 || '_' || o.store_no || '_' || (1 + floor(random() * $5)::int) AS product_id,
               1 + floor(random() * 3)::int AS quantity,
               CASE WHEN o.store_no % 5 = 0 THEN 100 + floor(random() * 9900)::bigint ELSE 1000 + floor(random() * 49000)::bigint END AS unit_price
        FROM gen_order o, generate_series(1, o.line_count) l;

        INSERT INTO order_listings (order_id, buyer_id, seller_id, seller_name, status, currency, total, refunded, item_count,
                                    placed_at, updated_at, paid_at, decide_by, needs_attention, state_version, captured,
                                    captured_refunded, delivered_at, discount)
        SELECT o.order_id, o.buyer_id, 'slr_' || $1 || '_' || o.store_no, 'Store ' || o.store_no,
               CASE WHEN o.fate < 0.5 THEN 'delivered' WHEN o.fate < 0.75 THEN 'paid' WHEN o.fate < 0.85 THEN 'awaitingPayment' ELSE 'expired' END,
               CASE WHEN o.store_no % 5 = 0 THEN 'USD' ELSE 'CLP' END,
               t.total, 0, t.units, o.placed_at, o.placed_at, CASE WHEN o.fate < 0.75 THEN o.placed_at + interval '5 minutes' END,
               NULL, false, 1, CASE WHEN o.fate < 0.75 THEN t.total ELSE 0 END, 0,
               CASE WHEN o.fate < 0.5 THEN o.placed_at + interval '3 days' END, 0
        FROM gen_order o
        JOIN (SELECT order_id, sum(quantity * unit_price) AS total, sum(quantity) AS units FROM gen_line GROUP BY order_id) t USING (order_id);

        INSERT INTO order_listing_lines (order_id, line_no, seller_id, product_id, sku, title, quantity, unit_price, freight)
        SELECT order_id, line_no, 'slr_' || $1 || '_' || store_no, product_id, 'SKU', 'Product ' || product_id, quantity, unit_price, 0
        FROM gen_line;

        INSERT INTO order_events (order_id, kind, at, buyer_id, seller_id, units)
        SELECT o.order_id, k.kind, o.placed_at + k.after, o.buyer_id, 'slr_' || $1 || '_' || o.store_no, 1
        FROM gen_order o
        CROSS JOIN (VALUES ('placed', interval '0', 1.0), ('paid', interval '5 minutes', 0.75), ('delivered', interval '3 days', 0.5)) k (kind, after, share)
        WHERE o.fate < k.share;

        INSERT INTO ledger_entries (entry_key, order_id, seller_id, currency, kind, debit, credit, amount, source, at)
        SELECT order_id || ':c', order_id, seller_id, currency, 'capture', 'gateway', 'commission', greatest(total / 10, 1), 'workload', paid_at
        FROM order_listings WHERE order_id LIKE 'ord\_' || $1 || '\_%' AND paid_at IS NOT NULL;

        -- Every ordered line was viewed and put in a cart by its buyer; strangers view products too.
        INSERT INTO analytics_events (at, kind, visitor_id, product_id, seller_id, quantity)
        SELECT o.placed_at - interval '10 minutes', 'productView', o.buyer_id, l.product_id, 'slr_' || $1 || '_' || l.store_no, NULL
        FROM gen_line l JOIN gen_order o USING (order_id)
        UNION ALL
        SELECT o.placed_at - interval '5 minutes', 'addToCart', o.buyer_id, l.product_id, 'slr_' || $1 || '_' || l.store_no, l.quantity
        FROM gen_line l JOIN gen_order o USING (order_id)
        UNION ALL
        SELECT $6::timestamptz + random() * make_interval(days => $7), 'productView', 'gst_' || $1 || '_' || (1 + floor(random() * $4 * 3)::int),
               'prd_' || $1 || '_' || s || '_' || (1 + floor(random() * $5)::int), 'slr_' || $1 || '_' || s, NULL
        FROM generate_series(1, $2 * 2) g, LATERAL (SELECT 1 + floor(random() * $3)::int + 0 * g AS s) x;

        INSERT INTO analytics_events (at, kind, visitor_id, search_query, result_count)
        SELECT $6::timestamptz + random() * make_interval(days => $7), 'search', 'gst_' || $1 || '_' || g,
               (ARRAY['zapatos', 'cafe', 'unicornio', 'teclado', 'xyzzy'])[1 + floor(random() * 5)::int], 0
        FROM generate_series(1, greatest($2 / 10, 5)) g;
        """;
}
