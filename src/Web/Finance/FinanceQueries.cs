using Npgsql;

namespace Marketplace.Web.Finance;

/// <summary>The store's statements, summed from the ledger by the database and told apart by <see cref="Statements"/>.</summary>
public sealed class FinanceQueries(NpgsqlDataSource db)
{
    public async Task<StoreStatement> StatementAsync(string sellerId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT currency, kind, debit, credit, sum(amount)::bigint
            FROM ledger_entries
            WHERE seller_id = $1 AND at >= $2 AND at < $3
            GROUP BY currency, kind, debit, credit
            """) { Parameters = { new() { Value = sellerId }, new() { Value = from }, new() { Value = to } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT currency, count(DISTINCT order_id)::integer
            FROM ledger_entries
            WHERE seller_id = $1 AND at >= $2 AND at < $3 AND kind = 'capture'
            GROUP BY currency
            """) { Parameters = { new() { Value = sellerId }, new() { Value = from }, new() { Value = to } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT currency, sum(discount)::bigint
            FROM order_listings
            WHERE order_id IN (SELECT order_id FROM ledger_entries WHERE seller_id = $1 AND at >= $2 AND at < $3 AND kind = 'capture')
            GROUP BY currency
            """) { Parameters = { new() { Value = sellerId }, new() { Value = from }, new() { Value = to } } });
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var movements = new List<LedgerMovement>();
        while (await reader.ReadAsync(ct))
        {
            movements.Add(new LedgerMovement(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4)));
        }

        await reader.NextResultAsync(ct);
        var orders = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            orders[reader.GetString(0)] = reader.GetInt32(1);
        }

        await reader.NextResultAsync(ct);
        var discounts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            discounts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return new StoreStatement(sellerId, from, to, Statements.Lines(movements, orders, discounts));
    }
}
