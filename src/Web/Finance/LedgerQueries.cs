using Npgsql;

namespace Marketplace.Web.Finance;

/// <summary>What the ledger check reads: per order, the order's kept money beside its entries; per account, its balance.</summary>
public sealed class LedgerQueries(NpgsqlDataSource db)
{
    public async Task<LedgerCheckResult> CheckAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        // One snapshot for both reads, so an order written between them cannot look inconsistent.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var orders = new List<OrderMoney>();
        await using (var command = new NpgsqlCommand("""
            WITH entries AS (
                SELECT order_id,
                       sum(amount) FILTER (WHERE kind = 'capture' AND debit = 'gateway') AS captured,
                       sum(amount) FILTER (WHERE kind = 'refund' AND credit = 'gateway') AS reversed,
                       count(*) FILTER (WHERE kind = 'capture' AND debit <> 'gateway' OR kind = 'refund' AND credit <> 'gateway') AS misshapen
                FROM ledger_entries WHERE order_id IS NOT NULL GROUP BY order_id)
            SELECT coalesce(o.order_id, e.order_id), o.seller_id, o.currency, coalesce(o.captured, 0), coalesce(o.captured_refunded, 0),
                   coalesce(e.captured, 0), coalesce(e.reversed, 0), coalesce(e.misshapen, 0)::integer, o.order_id IS NOT NULL
            FROM order_listings o FULL JOIN entries e ON e.order_id = o.order_id
            WHERE o.captured > 0 OR e.order_id IS NOT NULL
            """, connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                orders.Add(new OrderMoney(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt32(7), reader.GetBoolean(8)));
            }
        }

        var balances = new List<AccountBalance>();
        await using (var command = new NpgsqlCommand("""
            SELECT seller_id, currency, account, sum(amount)::bigint
            FROM (SELECT seller_id, currency, credit AS account, amount FROM ledger_entries
                  UNION ALL
                  SELECT seller_id, currency, debit, -amount FROM ledger_entries) AS moves
            GROUP BY seller_id, currency, account
            """, connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                balances.Add(new AccountBalance(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
            }
        }

        return LedgerCheck.Run(orders, balances);
    }
}
