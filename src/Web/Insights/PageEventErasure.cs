using Npgsql;

namespace Marketplace.Web.Insights;

/// <summary>
/// Removes a visitor's page events: from <c>analytics_events</c> at once, and from the warehouse on its next ETL run
/// (which reads <c>analytics_erasures</c>). Orders and their steps are the shop's records and stay.
/// </summary>
public static class PageEventErasure
{
    /// <summary>Erases what was recorded of the visitor and stops recording them.</summary>
    public static Task OptOutAsync(NpgsqlDataSource db, string visitorId, CancellationToken ct) => RunAsync(db, visitorId, optOut: true, ct);

    /// <summary>Erases what was recorded of the visitor (an account that is deleted).</summary>
    public static Task EraseAsync(NpgsqlDataSource db, string visitorId, CancellationToken ct) => RunAsync(db, visitorId, optOut: false, ct);

    private static async Task RunAsync(NpgsqlDataSource db, string visitorId, bool optOut, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(connection, transaction);
        if (optOut)
        {
            batch.BatchCommands.Add(Command("INSERT INTO analytics_opt_outs (visitor_id) VALUES ($1) ON CONFLICT DO NOTHING", visitorId));
        }

        batch.BatchCommands.Add(Command("DELETE FROM analytics_events WHERE visitor_id = $1", visitorId));
        batch.BatchCommands.Add(Command("INSERT INTO analytics_erasures (visitor_id) VALUES ($1)", visitorId));
        await batch.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
    }

    private static NpgsqlBatchCommand Command(string sql, string visitorId) => new(sql) { Parameters = { new() { Value = visitorId } } };

    /// <summary>A deleted account's page events go with it.</summary>
    public sealed class OnAccountDeleted(NpgsqlDataSource db) : Accounts.IAccountErasure
    {
        public Task EraseAsync(string userId, CancellationToken ct) => PageEventErasure.EraseAsync(db, userId, ct);
    }
}
