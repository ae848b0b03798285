using Marketplace.Contracts.Finance;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Web.Finance;

/// <summary>Configuration of the marketplace's money (section <c>Finance</c>).</summary>
public sealed class FinanceOptions
{
    /// <summary>How long after delivery a buyer may return an order; its money is paid out only after that.</summary>
    public TimeSpan ReturnWindow { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>What a store account holds for one store and currency: from orders whose return window has closed, and paid out so far.</summary>
public sealed record AccountHolding(string SellerId, string Currency, string Account, long Held, long PaidOut);

/// <summary>One store's payout in one currency, and how much of it each of its accounts gives.</summary>
public sealed record PayoutLine(string SellerId, string Currency, long Amount, IReadOnlyDictionary<string, long> ByAccount);

public sealed record PayoutLineView(string SellerId, string? StoreName, string Currency, long Amount);

public sealed record PayoutBatchView(
    string PayoutId, DateTimeOffset PeriodEnd, string Status, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? PaidAt,
    IReadOnlyList<PayoutLineView> Lines);

/// <summary>
/// Which stores are paid and how much (pure): each store account's money from orders whose return window has closed,
/// less what earlier payouts took from it; never more than that, never a negative line.
/// </summary>
public static class PayoutPlan
{
    public static IReadOnlyList<PayoutLine> For(IEnumerable<AccountHolding> holdings) =>
        holdings
            .Select(h => h with { Held = h.Held - h.PaidOut })
            .Where(h => h.Held > 0)
            .GroupBy(h => (h.SellerId, h.Currency))
            .OrderBy(g => g.Key.SellerId, StringComparer.Ordinal).ThenBy(g => g.Key.Currency, StringComparer.Ordinal)
            .Select(g => new PayoutLine(g.Key.SellerId, g.Key.Currency, g.Sum(h => h.Held),
                g.ToDictionary(h => h.Account, h => h.Held, StringComparer.Ordinal)))
            .ToList();
}

/// <summary>
/// Payout batches. A batch is created under one lock for all payouts, so two batches at once cannot both pay the same
/// money, and in one transaction with its ledger entries (store accounts → bank) and its lines; the admin's
/// <c>Idempotency-Key</c> makes a repeated request answer the same batch.
/// </summary>
public sealed class Payouts(NpgsqlDataSource db, IOptions<FinanceOptions> options, TimeProvider clock)
{
    /// <summary>The batch of this key: created now (true) or earlier (false); null when the key was used for another period.</summary>
    public async Task<(PayoutBatchView? Batch, bool Created)> CreateAsync(string idempotencyKey, DateTimeOffset periodEnd, string adminId, CancellationToken ct = default)
    {
        // Microseconds in UTC, as the database keeps it: a retry with the same value then finds the same batch.
        periodEnd = periodEnd.ToUniversalTime();
        periodEnd = periodEnd.AddTicks(-(periodEnd.Ticks % 10));
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var locking = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('payouts'))", connection, transaction))
        {
            await locking.ExecuteNonQueryAsync(ct);
        }

        await using (var known = new NpgsqlCommand("SELECT payout_id, period_end FROM payout_batches WHERE idempotency_key = $1", connection, transaction))
        {
            known.Parameters.Add(new() { Value = idempotencyKey });
            await using var reader = await known.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                var (id, period) = (reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1));
                await reader.DisposeAsync();
                await transaction.RollbackAsync(ct);
                return period == periodEnd ? (await GetAsync(id, ct), false) : (null, false);
            }
        }

        var lines = PayoutPlan.For(await HoldingsAsync(connection, transaction, periodEnd, ct));
        var payoutId = "po_" + Guid.NewGuid().ToString("N");
        var now = clock.GetUtcNow();
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO payout_batches (payout_id, idempotency_key, period_end, status, created_by, created_at) VALUES ($1, $2, $3, 'created', $4, $5)
            """) { Parameters = { new() { Value = payoutId }, new() { Value = idempotencyKey }, new() { Value = periodEnd }, new() { Value = adminId }, new() { Value = now } } });
        if (lines.Count > 0)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("""
                INSERT INTO payout_lines (payout_id, seller_id, currency, amount) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[])
                """)
            {
                Parameters =
                {
                    new() { Value = payoutId }, new() { Value = lines.Select(l => l.SellerId).ToArray() },
                    new() { Value = lines.Select(l => l.Currency).ToArray() }, new() { Value = lines.Select(l => l.Amount).ToArray() },
                },
            });
            var entries = lines.SelectMany(l => l.ByAccount.Select(a => (Line: l, Account: a.Key, Amount: a.Value))).ToList();
            batch.BatchCommands.Add(new NpgsqlBatchCommand("""
                INSERT INTO ledger_entries (entry_key, payout_id, seller_id, currency, kind, debit, credit, amount, source, at)
                SELECT 'payout:' || $1 || ':' || s || ':' || c || ':' || a, $1, s, c, 'payout', a, 'bank', amount, $1, $5
                FROM unnest($2::text[], $3::text[], $4::text[], $6::bigint[]) AS e (s, c, a, amount)
                """)
            {
                Parameters =
                {
                    new() { Value = payoutId }, new() { Value = entries.Select(e => e.Line.SellerId).ToArray() },
                    new() { Value = entries.Select(e => e.Line.Currency).ToArray() }, new() { Value = entries.Select(e => e.Account).ToArray() },
                    new() { Value = now }, new() { Value = entries.Select(e => e.Amount).ToArray() },
                },
            });
        }

        await batch.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
        return (await GetAsync(payoutId, ct), true);
    }

    /// <summary>Marks a batch paid (the bank carried it out); answers it, or null when there is no such batch.</summary>
    public async Task<PayoutBatchView?> MarkPaidAsync(string payoutId, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("UPDATE payout_batches SET status = 'paid', paid_at = coalesce(paid_at, $2) WHERE payout_id = $1");
        command.Parameters.Add(new() { Value = payoutId });
        command.Parameters.Add(new() { Value = clock.GetUtcNow() });
        return await command.ExecuteNonQueryAsync(ct) == 0 ? null : await GetAsync(payoutId, ct);
    }

    public async Task<PayoutBatchView?> GetAsync(string payoutId, CancellationToken ct = default) =>
        (await ListAsync(payoutId, 1, ct)).SingleOrDefault();

    /// <summary>The newest batches (or one), each with its lines and the stores' names.</summary>
    public async Task<IReadOnlyList<PayoutBatchView>> ListAsync(string? payoutId, int take, CancellationToken ct = default)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT payout_id, period_end, status, created_by, created_at, paid_at FROM payout_batches
            WHERE $1::text IS NULL OR payout_id = $1 ORDER BY created_at DESC, payout_id LIMIT $2
            """) { Parameters = { new() { Value = (object?)payoutId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }, new() { Value = take } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT l.payout_id, l.seller_id, d.name, l.currency, l.amount
            FROM payout_lines l LEFT JOIN store_directory d ON d.seller_id = l.seller_id
            WHERE l.payout_id IN (SELECT payout_id FROM payout_batches WHERE $1::text IS NULL OR payout_id = $1 ORDER BY created_at DESC, payout_id LIMIT $2)
            ORDER BY l.seller_id, l.currency
            """) { Parameters = { new() { Value = (object?)payoutId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }, new() { Value = take } } });
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var batches = new List<(string Id, DateTimeOffset Period, string Status, string By, DateTimeOffset At, DateTimeOffset? PaidAt)>();
        while (await reader.ReadAsync(ct))
        {
            batches.Add((reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5)));
        }

        await reader.NextResultAsync(ct);
        var lines = new List<(string PayoutId, PayoutLineView Line)>();
        while (await reader.ReadAsync(ct))
        {
            lines.Add((reader.GetString(0), new PayoutLineView(reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3), reader.GetInt64(4))));
        }

        return batches.Select(b => new PayoutBatchView(b.Id, b.Period, b.Status, b.By, b.At, b.PaidAt,
            lines.Where(l => l.PayoutId == b.Id).Select(l => l.Line).ToList())).ToList();
    }

    /// <summary>Per store account: what orders delivered a return window before the period's end hold, and what payouts took.</summary>
    private async Task<List<AccountHolding>> HoldingsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset periodEnd, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            WITH moves AS (
                SELECT e.seller_id, e.currency, e.credit AS account, e.amount AS held, 0::bigint AS paid
                FROM ledger_entries e JOIN order_listings o ON o.order_id = e.order_id
                WHERE o.delivered_at <= $1 AND e.kind IN ('capture', 'refund')
                UNION ALL
                SELECT e.seller_id, e.currency, e.debit, -e.amount, 0
                FROM ledger_entries e JOIN order_listings o ON o.order_id = e.order_id
                WHERE o.delivered_at <= $1 AND e.kind IN ('capture', 'refund')
                UNION ALL
                SELECT seller_id, currency, debit, 0, amount FROM ledger_entries WHERE kind = 'payout')
            SELECT seller_id, currency, account, sum(held)::bigint, sum(paid)::bigint
            FROM moves WHERE account = ANY ($2)
            GROUP BY seller_id, currency, account
            """, connection, transaction);
        command.Parameters.Add(new() { Value = periodEnd - options.Value.ReturnWindow });
        command.Parameters.Add(new() { Value = new[] { LedgerAccounts.StorePayable, LedgerAccounts.Shipping, LedgerAccounts.Tax } });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var holdings = new List<AccountHolding>();
        while (await reader.ReadAsync(ct))
        {
            holdings.Add(new AccountHolding(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4)));
        }

        return holdings;
    }
}
