using Marketplace.Contracts.Insights;
using Npgsql;

namespace Marketplace.Grains.Insights;

/// <summary>
/// Export jobs in <c>exports</c> and their files in <c>export_files</c>: queued, claimed, run and stored. A job that was
/// running when its silo died is claimed again after <see cref="StaleAfter"/>; its files are written in one transaction
/// with its "done", so a half-run job leaves nothing behind.
/// </summary>
public sealed class ExportJobs(NpgsqlDataSource db, TimeProvider clock)
{
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(30);

    /// <summary>Queues an export; answers its id, or null when it is the month's scheduled export and that exists already.</summary>
    public async Task<string?> QueueAsync(ExportKind kind, DateOnly? month, string requestedBy, CancellationToken ct = default)
    {
        var id = "exp_" + Guid.NewGuid().ToString("N");
        await using var command = db.CreateCommand("""
            INSERT INTO exports (export_id, kind, month, status, requested_by, requested_at) VALUES ($1, $2, $3, 'queued', $4, $5)
            ON CONFLICT DO NOTHING
            """);
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = Name(kind) });
        command.Parameters.Add(new() { Value = month is { } m ? new DateOnly(m.Year, m.Month, 1) : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date });
        command.Parameters.Add(new() { Value = requestedBy });
        command.Parameters.Add(new() { Value = clock.GetUtcNow().UtcDateTime });
        return await command.ExecuteNonQueryAsync(ct) == 1 ? id : null;
    }

    /// <summary>Jobs to run: queued ones, and running ones whose runner has not been heard of for a while.</summary>
    public async Task<IReadOnlyList<string>> PendingAsync(CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("""
            SELECT export_id FROM exports
            WHERE status = 'queued' OR (status = 'running' AND started_at < $1)
            ORDER BY requested_at
            """);
        command.Parameters.Add(new() { Value = (clock.GetUtcNow() - StaleAfter).UtcDateTime });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var ids = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>Runs one job: the files come from <paramref name="produce"/>; the job ends done with them, or failed.</summary>
    public async Task RunAsync(string exportId, Func<ExportKind, DateOnly?, CancellationToken, Task<IReadOnlyList<ExportFile>>> produce, CancellationToken ct = default)
    {
        ExportKind kind;
        DateOnly? month;
        await using (var claim = db.CreateCommand("""
            UPDATE exports SET status = 'running', started_at = $2
            WHERE export_id = $1 AND (status = 'queued' OR (status = 'running' AND started_at < $3))
            RETURNING kind, month
            """))
        {
            claim.Parameters.Add(new() { Value = exportId });
            claim.Parameters.Add(new() { Value = clock.GetUtcNow().UtcDateTime });
            claim.Parameters.Add(new() { Value = (clock.GetUtcNow() - StaleAfter).UtcDateTime });
            await using var reader = await claim.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return;
            }

            kind = reader.GetString(0) == "graph" ? ExportKind.Graph : ExportKind.Parquet;
            month = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateOnly>(1);
        }

        IReadOnlyList<ExportFile> files;
        try
        {
            files = await produce(kind, month, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await using var failed = db.CreateCommand("UPDATE exports SET status = 'failed', finished_at = $2, error = $3 WHERE export_id = $1");
            failed.Parameters.Add(new() { Value = exportId });
            failed.Parameters.Add(new() { Value = clock.GetUtcNow().UtcDateTime });
            failed.Parameters.Add(new() { Value = e.Message });
            await failed.ExecuteNonQueryAsync(ct);
            throw;
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM export_files WHERE export_id = $1") { Parameters = { new() { Value = exportId } } });
        foreach (var file in files)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO export_files (export_id, name, content_type, bytes, content) VALUES ($1, $2, $3, $4, $5)")
            {
                Parameters =
                {
                    new() { Value = exportId }, new() { Value = file.Name }, new() { Value = file.ContentType },
                    new() { Value = (long)file.Content.Length }, new() { Value = file.Content },
                },
            });
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE exports SET status = 'done', finished_at = $2, error = NULL WHERE export_id = $1")
        {
            Parameters = { new() { Value = exportId }, new() { Value = clock.GetUtcNow().UtcDateTime } },
        });
        await batch.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
    }

    public static string Name(ExportKind kind) => kind == ExportKind.Graph ? "graph" : "parquet";
}

/// <summary>A file an export produced.</summary>
public sealed record ExportFile(string Name, string ContentType, byte[] Content);
