using Marketplace.Contracts.Finance;
using Marketplace.Contracts.Insights;
using Npgsql;

namespace Marketplace.Grains.Insights;

/// <summary>
/// Copies what happened from PostgreSQL into the <see cref="Warehouse"/>: order steps (with the orders' current facts),
/// page events, erasures, then the dimensions. Each source is read in chunks after the warehouse's mark for it, and
/// only rows of transactions that had all ended when the run began (below the oldest one still running): a row that
/// commits late has a transaction id the next run still reads. Each chunk lands with its new mark in one warehouse
/// transaction, so a run stopped anywhere resumes exactly where it stopped.
/// </summary>
public sealed class WarehouseEtl(
    NpgsqlDataSource db, Warehouse warehouse, InsightsOptions options, TimeProvider clock, int chunkSize = WarehouseEtl.DefaultChunkSize)
{
    public const int DefaultChunkSize = 5000;

    private int chunks;

    /// <summary>Stops the run (as a crash would) once this many chunks have landed; for tests of resuming.</summary>
    internal int? StopAfterChunks { get; init; }

    public async Task<EtlRun> RunAsync(bool rebuild, CancellationToken cancellationToken = default)
    {
        var started = clock.GetUtcNow();
        var source = await SourceAsync(cancellationToken);
        if (rebuild || warehouse.Source() != source)
        {
            rebuild = true;
            warehouse.Reset(source);
        }

        var horizon = await HorizonAsync(cancellationToken);
        long orderEvents = 0, orders = 0, pageEvents = 0, erased = 0;
        while (await ReadOrderEventsAsync(warehouse.Mark("order_events"), horizon, cancellationToken) is { Count: > 0 } chunk)
        {
            var (facts, lines) = await ReadOrdersAsync(chunk.Select(e => e.OrderId).Distinct(StringComparer.Ordinal).ToArray(), cancellationToken);
            warehouse.LoadOrders(chunk, facts, lines, new SourceMark(chunk[^1].Tx, chunk[^1].Id));
            orderEvents += chunk.Count;
            orders += facts.Count;
        }

        while (await ReadImportedAsync(warehouse.Mark("imported_orders"), horizon, cancellationToken) is { Count: > 0 } chunk)
        {
            var (facts, lines) = await ReadImportedOrdersAsync(chunk.Select(o => o.OrderId).ToArray(), cancellationToken);
            warehouse.LoadOrders([], facts, lines, new SourceMark(chunk[^1].Tx, chunk[^1].Id), "imported_orders");
            orders += facts.Count;
        }

        while (await ReadPageEventsAsync(warehouse.Mark("analytics_events"), horizon, cancellationToken) is { Count: > 0 } chunk)
        {
            warehouse.LoadPageEvents(chunk, new SourceMark(chunk[^1].Tx, chunk[^1].Id));
            pageEvents += chunk.Count;
        }

        while (await ReadErasuresAsync(warehouse.Mark("analytics_erasures"), horizon, cancellationToken) is { Count: > 0 } chunk)
        {
            erased += warehouse.Erase(chunk.Select(e => e.VisitorId).Distinct(StringComparer.Ordinal).ToArray(), new SourceMark(chunk[^1].Tx, chunk[^1].Id));
        }

        var cutoff = started - options.Retention;
        var expired = warehouse.Expire(cutoff);
        await ExpireSourceAsync(cutoff, cancellationToken);
        if (rebuild || orderEvents + pageEvents + orders + erased + expired > 0)
        {
            // Dimensions and the recommendation model follow the facts; a run that changed nothing leaves them be
            // (rebuilding the model over a million lines costs seconds).
            warehouse.LoadDimensions(await ReadStoresAsync(cancellationToken), await ReadProductsAsync(cancellationToken));
            using var connection = warehouse.Connect();
            await RecommendationModel.PublishAsync(db, RecommendationModel.Pairs(connection), RecommendationModel.Popular(connection, started), started, cancellationToken);
        }

        var run = new EtlRun(started, clock.GetUtcNow(), rebuild, orderEvents, pageEvents, orders, erased, expired);
        warehouse.RecordRun(run);
        return run;
    }

    /// <summary>The id of the database the marks refer to.</summary>
    private async Task<string> SourceAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT source_id::text FROM insights_source ORDER BY created_at LIMIT 1");
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The oldest transaction still running: every transaction below it has committed or rolled back.</summary>
    private async Task<long> HorizonAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT pg_snapshot_xmin(pg_current_snapshot())::text");
        return long.Parse((string)(await command.ExecuteScalarAsync(ct))!, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The next chunk of a source after <paramref name="after"/>. The row's transaction id is selected as a number under
    /// another name: an output column called <c>tx</c> would make <c>ORDER BY tx</c> sort by it instead of walking the
    /// <c>(tx, id)</c> index, and every chunk would sort the whole table.
    /// </summary>
    private async Task<List<T>> ReadAsync<T>(string sql, SourceMark after, long horizon, Func<NpgsqlDataReader, T> row, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"""
            {sql}
            WHERE (tx, id) > ($1::text::xid8, $2) AND tx < $3::text::xid8
            ORDER BY tx, id
            LIMIT {chunkSize}
            """);
        command.Parameters.Add(new() { Value = after.Tx.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        command.Parameters.Add(new() { Value = after.Id });
        command.Parameters.Add(new() { Value = horizon.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        if (++chunks > StopAfterChunks)
        {
            throw new OperationCanceledException($"The run stopped after {StopAfterChunks} chunks.");
        }

        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(row(reader));
        }

        return rows;
    }

    private Task<List<OrderEventRow>> ReadOrderEventsAsync(SourceMark after, long horizon, CancellationToken ct) => ReadAsync(
        "SELECT id, tx::text::bigint AS tx_number, order_id, kind, ref, at, buyer_id, seller_id, units FROM order_events",
        after, horizon,
        r => new OrderEventRow(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4),
            r.GetFieldValue<DateTimeOffset>(5), r.GetString(6), r.GetString(7), r.GetInt32(8)),
        ct);

    private Task<List<PageEventRow>> ReadPageEventsAsync(SourceMark after, long horizon, CancellationToken ct) => ReadAsync(
        """
        SELECT id, tx::text::bigint AS tx_number, at, kind, visitor_id, product_id, seller_id, search_query, result_count, position, quantity,
               language, currency
        FROM analytics_events
        """,
        after, horizon,
        r => new PageEventRow(r.GetInt64(0), r.GetInt64(1), r.GetFieldValue<DateTimeOffset>(2), r.GetString(3), r.GetString(4),
            Text(r, 5), Text(r, 6), Text(r, 7), Number(r, 8), Number(r, 9), Number(r, 10), Text(r, 11), Text(r, 12)),
        ct);

    private Task<List<(long Id, long Tx, string OrderId)>> ReadImportedAsync(SourceMark after, long horizon, CancellationToken ct) => ReadAsync(
        "SELECT id, tx::text::bigint AS tx_number, order_id FROM imported_orders",
        after, horizon,
        r => (r.GetInt64(0), r.GetInt64(1), r.GetString(2)),
        ct);

    private async Task<(List<OrderFact> Orders, List<OrderLineFact> Lines)> ReadImportedOrdersAsync(string[] orderIds, CancellationToken ct)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT o.order_id, o.seller_id, o.buyer_id, o.currency, o.status, o.total, o.commission, o.placed_at, o.paid_at, o.delivered_at,
                   (SELECT sum(quantity) FROM imported_order_lines l WHERE l.order_id = o.order_id)::integer
            FROM imported_orders o WHERE o.order_id = ANY ($1)
            """) { Parameters = { new() { Value = orderIds } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT order_id, line_no, product_id, sku, title, quantity, unit_price FROM imported_order_lines WHERE order_id = ANY ($1)
            """) { Parameters = { new() { Value = orderIds } } });
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var orders = new List<OrderFact>();
        while (await reader.ReadAsync(ct))
        {
            var paidAt = Time(reader, 8);
            orders.Add(new OrderFact(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt64(5), 0,
                paidAt is null ? 0 : reader.GetInt64(5), 0, reader.GetInt64(6), reader.IsDBNull(10) ? 0 : reader.GetInt32(10),
                reader.GetFieldValue<DateTimeOffset>(7), paidAt, Time(reader, 9)));
        }

        await reader.NextResultAsync(ct);
        var lines = new List<OrderLineFact>();
        while (await reader.ReadAsync(ct))
        {
            lines.Add(new OrderLineFact(
                reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5), reader.GetInt64(6)));
        }

        return (orders, lines);
    }

    private Task<List<ErasureRow>> ReadErasuresAsync(SourceMark after, long horizon, CancellationToken ct) => ReadAsync(
        "SELECT id, tx::text::bigint AS tx_number, visitor_id FROM analytics_erasures",
        after, horizon,
        r => new ErasureRow(r.GetInt64(0), r.GetInt64(1), r.GetString(2)),
        ct);

    private async Task<(List<OrderFact> Orders, List<OrderLineFact> Lines)> ReadOrdersAsync(string[] orderIds, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new("""
                    SELECT o.order_id, o.seller_id, o.buyer_id, o.currency, o.status, o.total, o.discount, o.captured, o.captured_refunded,
                           coalesce(c.commission, 0), o.item_count, o.placed_at, o.paid_at, o.delivered_at
                    FROM order_listings o
                    LEFT JOIN (SELECT order_id,
                                      sum(CASE WHEN credit = $2 THEN amount ELSE -amount END)::bigint AS commission
                               FROM ledger_entries
                               WHERE order_id = ANY ($1) AND $2 IN (debit, credit)
                               GROUP BY order_id) c ON c.order_id = o.order_id
                    WHERE o.order_id = ANY ($1)
                    """)
                {
                    Parameters = { new() { Value = orderIds }, new() { Value = LedgerAccounts.Commission } },
                },
                new("""
                    SELECT order_id, line_no, product_id, sku, title, quantity, unit_price
                    FROM order_listing_lines WHERE order_id = ANY ($1)
                    """)
                {
                    Parameters = { new() { Value = orderIds } },
                },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var orders = new List<OrderFact>();
        while (await reader.ReadAsync(ct))
        {
            orders.Add(new OrderFact(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt64(5),
                reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9), reader.GetInt32(10),
                reader.GetFieldValue<DateTimeOffset>(11), Time(reader, 12), Time(reader, 13)));
        }

        await reader.NextResultAsync(ct);
        var lines = new List<OrderLineFact>();
        while (await reader.ReadAsync(ct))
        {
            lines.Add(new OrderLineFact(
                reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5),
                reader.GetInt64(6)));
        }

        return (orders, lines);
    }

    private async Task ExpireSourceAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        // In slices, so a first run after a long pause does not hold one huge delete.
        while (true)
        {
            await using var command = db.CreateCommand("""
                DELETE FROM analytics_events WHERE id IN (SELECT id FROM analytics_events WHERE at < $1 LIMIT 10000)
                """);
            command.Parameters.Add(new() { Value = cutoff.UtcDateTime });
            if (await command.ExecuteNonQueryAsync(ct) < 10000)
            {
                return;
            }
        }
    }

    private async Task<List<StoreRow>> ReadStoresAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT seller_id, name, status, created_at FROM store_directory");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<StoreRow>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new StoreRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return rows;
    }

    private async Task<List<ProductRow>> ReadProductsAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT product_id, seller_id, title, category, currency, price FROM search_products");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<ProductRow>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new ProductRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt64(5)));
        }

        return rows;
    }

    private static string? Text(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);

    private static int? Number(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetInt32(column);

    private static DateTimeOffset? Time(NpgsqlDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : reader.GetFieldValue<DateTimeOffset>(column);
}
