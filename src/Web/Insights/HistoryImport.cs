using Marketplace.Demo;
using Npgsql;

namespace Marketplace.Web.Insights;

/// <summary>
/// Writes past orders (to <c>imported_orders</c>, for the warehouse only) and past page events, in one transaction and
/// only once: a history whose first order is already there is not written again.
/// </summary>
public static class HistoryImport
{
    /// <summary>The commission the demo's past orders kept (8 %, the marketplace's default rate).</summary>
    private const int CommissionPercent = 8;

    public static async Task ImportAsync(NpgsqlDataSource db, IReadOnlyList<DemoPastOrder> orders, IReadOnlyList<DemoPastEvent> events, CancellationToken ct)
    {
        if (orders.Count == 0)
        {
            return;
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var exists = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM imported_orders WHERE order_id = $1)", connection, transaction))
        {
            exists.Parameters.Add(new() { Value = orders[0].OrderId });
            if ((bool)(await exists.ExecuteScalarAsync(ct))!)
            {
                return;
            }
        }

        var lines = orders.SelectMany(o => o.Lines.Select((l, i) => (o.OrderId, LineNo: i + 1, Line: l))).ToList();
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new("""
                    INSERT INTO imported_orders (order_id, seller_id, buyer_id, currency, status, total, commission, placed_at, paid_at, delivered_at)
                    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::timestamptz[],
                                         $9::timestamptz[], $10::timestamptz[])
                    """)
                {
                    Parameters =
                    {
                        new() { Value = orders.Select(o => o.OrderId).ToArray() }, new() { Value = orders.Select(o => o.SellerId).ToArray() },
                        new() { Value = orders.Select(o => o.BuyerId).ToArray() }, new() { Value = orders.Select(o => o.Currency).ToArray() },
                        new() { Value = orders.Select(o => o.Status).ToArray() }, new() { Value = orders.Select(o => o.Total).ToArray() },
                        new() { Value = orders.Select(o => o.PaidAt is null ? 0 : o.Total * CommissionPercent / 100).ToArray() },
                        new() { Value = orders.Select(o => o.PlacedAt.UtcDateTime).ToArray() },
                        new() { Value = orders.Select(o => o.PaidAt?.UtcDateTime).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.TimestampTz },
                        new() { Value = orders.Select(o => o.DeliveredAt?.UtcDateTime).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.TimestampTz },
                    },
                },
                new("""
                    INSERT INTO imported_order_lines (order_id, line_no, product_id, sku, title, quantity, unit_price)
                    SELECT * FROM unnest($1::text[], $2::integer[], $3::text[], $4::text[], $5::text[], $6::integer[], $7::bigint[])
                    """)
                {
                    Parameters =
                    {
                        new() { Value = lines.Select(l => l.OrderId).ToArray() }, new() { Value = lines.Select(l => l.LineNo).ToArray() },
                        new() { Value = lines.Select(l => l.Line.ProductId).ToArray() }, new() { Value = lines.Select(l => l.Line.Sku).ToArray() },
                        new() { Value = lines.Select(l => l.Line.Title).ToArray() }, new() { Value = lines.Select(l => l.Line.Quantity).ToArray() },
                        new() { Value = lines.Select(l => l.Line.UnitPrice).ToArray() },
                    },
                },
                new("""
                    INSERT INTO analytics_events (at, kind, visitor_id, product_id, seller_id, search_query, result_count, quantity, language)
                    SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::integer[], $8::integer[], $9::text[])
                    """)
                {
                    Parameters =
                    {
                        new() { Value = events.Select(e => e.At.UtcDateTime).ToArray() }, new() { Value = events.Select(e => e.Kind).ToArray() },
                        new() { Value = events.Select(e => e.VisitorId).ToArray() },
                        new() { Value = events.Select(e => e.ProductId).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text },
                        new() { Value = events.Select(e => e.SellerId).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text },
                        new() { Value = events.Select(e => e.Query).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text },
                        new() { Value = events.Select(e => e.ResultCount).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Integer },
                        new() { Value = events.Select(e => e.Quantity).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Integer },
                        new() { Value = events.Select(e => e.Language).ToArray() },
                    },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
    }
}
