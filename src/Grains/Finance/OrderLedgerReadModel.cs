using Marketplace.Grains.Orders;
using Marketplace.Grains.Storage;
using Npgsql;

namespace Marketplace.Grains.Finance;

/// <summary>An order's ledger entries as they are appended to <c>ledger_entries</c>.</summary>
public sealed record OrderLedgerRows(string OrderId, string SellerId, string Currency, IReadOnlyList<LedgerEntryState> Entries);

/// <summary>
/// <c>ledger_entries</c> from the orders' states, appended in the transaction that stores the order. The ledger only
/// grows: an entry already there is left as it is (its key is the order id and the entry's number), removing an order
/// removes none of its entries, and a rebuild adds what is missing without emptying the table (which refuses updates
/// and deletes, migration 0016).
/// </summary>
public sealed class OrderLedgerReadModel : ReadModel<OrderState, OrderLedgerRows>
{
    public override string StateName => "order";

    public override IReadOnlyList<string> Tables { get; } = ["ledger_entries"];

    public override OrderLedgerRows? Project(string grainKey, OrderState state, int version) =>
        state.Ledger.Count == 0 ? null : new OrderLedgerRows(grainKey, state.SellerId, state.Currency, state.Ledger);

    public override void AddClear(NpgsqlBatch batch)
    {
    }

    protected override void AddUpserts(NpgsqlBatch batch, IReadOnlyList<(OrderLedgerRows Row, bool IsNew)> rows)
    {
        var entries = rows.SelectMany(r => r.Row.Entries.Select(e => (r.Row, Entry: e))).ToList();
        batch.BatchCommands.Add(Statement("""
            INSERT INTO ledger_entries (entry_key, order_id, seller_id, currency, kind, debit, credit, amount, source, at)
            SELECT o || ':' || n, o, s, c, k, d, cr, a, src, at
            FROM unnest($1::text[], $2::integer[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[],
                        $9::text[], $10::timestamptz[]) AS e (o, n, s, c, k, d, cr, a, src, at)
            ON CONFLICT (entry_key) DO NOTHING
            """,
            entries.Select(e => e.Row.OrderId).ToArray(), entries.Select(e => e.Entry.Sequence).ToArray(),
            entries.Select(e => e.Row.SellerId).ToArray(), entries.Select(e => e.Row.Currency).ToArray(),
            entries.Select(e => e.Entry.Kind).ToArray(), entries.Select(e => e.Entry.Debit).ToArray(),
            entries.Select(e => e.Entry.Credit).ToArray(), entries.Select(e => e.Entry.Amount).ToArray(),
            entries.Select(e => e.Entry.Source).ToArray(), Utc(entries.Select(e => e.Entry.At))));
    }

    protected override void AddRemovals(NpgsqlBatch batch, string[] keys)
    {
    }
}
