using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Storage;

namespace Marketplace.Grains.Storage;

/// <summary>Configuration section "GrainStorage": the batching of grain-state writes.</summary>
public sealed class GrainStorageOptions
{
    public const string Section = "GrainStorage";

    /// <summary>At most this many grain writes share one transaction.</summary>
    public int MaxRowsPerTransaction { get; set; } = 256;

    /// <summary>
    /// Writes waiting for a transaction beyond this make new writers wait for room (back-pressure) instead of growing
    /// the queue without bound.
    /// </summary>
    public int MaxQueuedWrites { get; set; } = 4096;
}

/// <summary>One grain's state change and the read-model rows it projects to, waiting to be committed.</summary>
public sealed class StateWrite(string grainType, string grainKey, int? expectedVersion, string? payload, IReadOnlyList<(IReadModel Model, ProjectedRow Row)> projections)
{
    public string GrainType { get; } = grainType;

    public string GrainKey { get; } = grainKey;

    /// <summary>The version storage must have for the write to apply; null when the grain has no row yet.</summary>
    public int? ExpectedVersion { get; } = expectedVersion;

    /// <summary>The state as JSON; null removes the row (a cleared state).</summary>
    public string? Payload { get; } = payload;

    /// <summary>The version the row has once this write is committed (a removed row keeps no version).</summary>
    public int Version => (ExpectedVersion ?? 0) + 1;

    public IReadOnlyList<(IReadModel Model, ProjectedRow Row)> Projections { get; } = projections;

    internal TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal bool IsDelete => Payload is null;

    internal bool IsInsert => Payload is not null && ExpectedVersion is null;

    internal bool IsUpdate => Payload is not null && ExpectedVersion is not null;

    public override string ToString() => $"{GrainType}/{GrainKey}";
}

/// <summary>
/// The silo's one writer of grain state (DESIGN.md §10), on the model of the inventory's store: one transaction in
/// flight; writes that arrive meanwhile are committed together in the next one (group commit across grains), each row
/// with its own version check and its read-model rows in the same transaction. A writer learns its row is stored only
/// after the commit. A row at another version than expected fails alone (Orleans' inconsistent-state error) and the
/// others go again together; a transaction the server refuses or the connection loses is tried again row by row, and a
/// row found already stored with this write's version and payload (the commit went through but its answer was lost) is
/// reported as written, not as a conflict.
/// </summary>
public sealed partial class StateWriter : IDisposable
{
    private readonly NpgsqlDataSource db;
    private readonly ILogger<StateWriter> logger;
    private readonly int maxRows;
    private readonly int maxQueued;
    private readonly SemaphoreSlim room;
    private readonly Lock gate = new();
    private readonly List<StateWrite> pending = [];
    private bool flushing;

    public StateWriter(NpgsqlDataSource db, IOptions<GrainStorageOptions> options, ILogger<StateWriter> logger)
    {
        this.db = db;
        this.logger = logger;
        maxRows = Math.Max(1, options.Value.MaxRowsPerTransaction);
        maxQueued = Math.Max(1, options.Value.MaxQueuedWrites);
        room = new SemaphoreSlim(maxQueued, maxQueued);
        StorageMetrics.ObserveQueue(() => Queued);
    }

    /// <summary>Writes waiting for or in a transaction.</summary>
    public int Queued => maxQueued - room.CurrentCount;

    /// <summary>Completes once the write is committed; throws <see cref="InconsistentStateException"/> on a version conflict.</summary>
    public async Task WriteAsync(StateWrite write)
    {
        await room.WaitAsync();
        try
        {
            bool lead;
            lock (gate)
            {
                pending.Add(write);
                lead = !flushing;
                flushing = true;
            }

            if (lead)
            {
                // The writer that finds no transaction running starts the flusher; it keeps going while writes queue up.
                _ = Task.Run(FlushAsync, CancellationToken.None);
            }

            await write.Done.Task;
        }
        finally
        {
            room.Release();
        }
    }

    public void Dispose() => room.Dispose();

    private async Task FlushAsync()
    {
        try
        {
            while (true)
            {
                var group = TakeGroup();
                if (group is null)
                {
                    return;
                }

                await WriteGroupAsync(group);
            }
        }
        catch (Exception e)
        {
            // Not expected (every write is answered inside), but a writer must never wait forever.
            List<StateWrite> stranded;
            lock (gate)
            {
                stranded = [.. pending];
                pending.Clear();
                flushing = false;
            }

            foreach (var write in stranded)
            {
                write.Done.TrySetException(e);
            }
        }
    }

    /// <summary>
    /// The oldest queued writes, one per grain: a second write of a grain already in the group waits for the next
    /// transaction, since its expected version is the one the first creates. Null (and the flusher stops) when none wait.
    /// </summary>
    private List<StateWrite>? TakeGroup()
    {
        lock (gate)
        {
            if (pending.Count == 0)
            {
                flushing = false;
                return null;
            }

            var group = new List<StateWrite>(Math.Min(pending.Count, maxRows));
            var grains = new HashSet<(string, string)>();
            for (var i = 0; i < pending.Count && group.Count < maxRows; i++)
            {
                var write = pending[i];
                if (grains.Add((write.GrainType, write.GrainKey)))
                {
                    group.Add(write);
                    pending[i] = null!;
                }
            }

            pending.RemoveAll(w => w is null);
            return group;
        }
    }

    private async Task WriteGroupAsync(List<StateWrite> group)
    {
        while (group.Count > 0)
        {
            List<StateWrite> stale;
            try
            {
                stale = await WriteTogetherAsync(group);
            }
            catch (Exception e)
            {
                // The server refused something in the shared transaction (one row's data, a deadlock with another silo)
                // or the connection broke with the commit's outcome unknown: each write alone gets its own answer.
                LogGroupFailed(logger, e, group.Count);
                StorageMetrics.GroupRetried(group.Count);
                foreach (var write in group)
                {
                    await WriteAloneAsync(write);
                }

                return;
            }

            foreach (var write in stale)
            {
                StorageMetrics.Conflict();
                write.Done.TrySetException(Conflict(write));
            }

            if (stale.Count == 0)
            {
                foreach (var write in group)
                {
                    write.Done.TrySetResult();
                }

                return;
            }

            group = group.Except(stale).ToList();
        }
    }

    /// <summary>A write on its own, after its group failed; one that finds itself already stored succeeded before.</summary>
    private async Task WriteAloneAsync(StateWrite write)
    {
        try
        {
            var stale = await WriteTogetherAsync([write]);
            if (stale.Count == 0)
            {
                write.Done.TrySetResult();
            }
            else if (await IsAlreadyStoredAsync(write))
            {
                StorageMetrics.Recognised();
                write.Done.TrySetResult();
            }
            else
            {
                StorageMetrics.Conflict();
                write.Done.TrySetException(Conflict(write));
            }
        }
        catch (Exception e)
        {
            StorageMetrics.Failed();
            write.Done.TrySetException(e);
        }
    }

    /// <summary>
    /// Writes the group in one transaction; or, when a row is not at its expected version, writes nothing and answers
    /// those rows.
    /// </summary>
    private async Task<List<StateWrite>> WriteTogetherAsync(List<StateWrite> group)
    {
        var started = Stopwatch.GetTimestamp();
        // A fixed order of rows, so two silos writing the same grains (a moment after a move) take locks in one order.
        var rows = group.OrderBy(w => w.GrainType, StringComparer.Ordinal).ThenBy(w => w.GrainKey, StringComparer.Ordinal).ToList();
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var batch = new NpgsqlBatch(connection, transaction);
        var checks = AddStateStatements(batch, rows);
        foreach (var byModel in rows.SelectMany(w => w.Projections).GroupBy(p => p.Model))
        {
            byModel.Key.AddWrites(batch, byModel.Select(p => p.Row).ToList());
        }

        await batch.ExecuteNonQueryAsync();
        if (checks.Sum(c => c.Command.RecordsAffected) != checks.Sum(c => c.Rows))
        {
            await transaction.RollbackAsync();
            return await FindStaleAsync(connection, rows);
        }

        await transaction.CommitAsync();
        StorageMetrics.Committed(rows.Count, rows.Sum(w => w.Payload is null ? 0L : System.Text.Encoding.UTF8.GetByteCount(w.Payload)), Stopwatch.GetElapsedTime(started));
        return [];
    }

    /// <summary>The state statements, one per kind of change; each answers how many rows it must touch.</summary>
    private static List<(NpgsqlBatchCommand Command, int Rows)> AddStateStatements(NpgsqlBatch batch, List<StateWrite> rows)
    {
        var checks = new List<(NpgsqlBatchCommand, int)>();
        var updates = rows.Where(w => w.IsUpdate).ToList();
        if (updates.Count > 0)
        {
            checks.Add((Add(batch, """
                UPDATE grain_states g
                SET version = u.expected + 1, payload = u.payload::json, updated_at = now()
                FROM unnest($1::text[], $2::text[], $3::integer[], $4::text[]) AS u(grain_type, grain_key, expected, payload)
                WHERE g.grain_type = u.grain_type AND g.grain_key = u.grain_key AND g.version = u.expected
                """, updates.Select(w => w.GrainType).ToArray(), updates.Select(w => w.GrainKey).ToArray(),
                updates.Select(w => w.ExpectedVersion!.Value).ToArray(), updates.Select(w => w.Payload!).ToArray()), updates.Count));
        }

        var inserts = rows.Where(w => w.IsInsert).ToList();
        if (inserts.Count > 0)
        {
            checks.Add((Add(batch, """
                INSERT INTO grain_states (grain_type, grain_key, version, payload)
                SELECT u.grain_type, u.grain_key, 1, u.payload::json
                FROM unnest($1::text[], $2::text[], $3::text[]) AS u(grain_type, grain_key, payload)
                ON CONFLICT (grain_type, grain_key) DO NOTHING
                """, inserts.Select(w => w.GrainType).ToArray(), inserts.Select(w => w.GrainKey).ToArray(),
                inserts.Select(w => w.Payload!).ToArray()), inserts.Count));
        }

        var deletes = rows.Where(w => w.IsDelete).ToList();
        if (deletes.Count > 0)
        {
            checks.Add((Add(batch, """
                DELETE FROM grain_states g
                USING unnest($1::text[], $2::text[], $3::integer[]) AS u(grain_type, grain_key, expected)
                WHERE g.grain_type = u.grain_type AND g.grain_key = u.grain_key AND g.version = u.expected
                """, deletes.Select(w => w.GrainType).ToArray(), deletes.Select(w => w.GrainKey).ToArray(),
                deletes.Select(w => w.ExpectedVersion!.Value).ToArray()), deletes.Count));
        }

        return checks;
    }

    /// <summary>After a rolled-back group: the writes whose row is not at the version they expect.</summary>
    private static async Task<List<StateWrite>> FindStaleAsync(NpgsqlConnection connection, List<StateWrite> rows)
    {
        var stored = await ReadVersionsAsync(connection, rows);
        return rows.Where(w => stored.TryGetValue((w.GrainType, w.GrainKey), out var row)
                ? row.Version != w.ExpectedVersion
                : w.ExpectedVersion is not null)
            .ToList();
    }

    /// <summary>Whether storage already holds exactly what this write stores (or, for a removal, no longer has the row).</summary>
    private async Task<bool> IsAlreadyStoredAsync(StateWrite write)
    {
        await using var connection = await db.OpenConnectionAsync();
        var stored = await ReadVersionsAsync(connection, [write]);
        if (!stored.TryGetValue((write.GrainType, write.GrainKey), out var row))
        {
            return write.IsDelete;
        }

        return !write.IsDelete && row.Version == write.Version && string.Equals(row.Payload, write.Payload, StringComparison.Ordinal);
    }

    private static async Task<Dictionary<(string, string), (int Version, string Payload)>> ReadVersionsAsync(
        NpgsqlConnection connection, IReadOnlyList<StateWrite> rows)
    {
        await using var command = new NpgsqlCommand("""
            SELECT g.grain_type, g.grain_key, g.version, g.payload
            FROM grain_states g JOIN unnest($1::text[], $2::text[]) AS u(grain_type, grain_key)
                 ON g.grain_type = u.grain_type AND g.grain_key = u.grain_key
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = rows.Select(w => w.GrainType).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = rows.Select(w => w.GrainKey).ToArray() });
        var stored = new Dictionary<(string, string), (int, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            stored[(reader.GetString(0), reader.GetString(1))] = (reader.GetInt32(2), reader.GetString(3));
        }

        return stored;
    }

    private static NpgsqlBatchCommand Add(NpgsqlBatch batch, string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        batch.BatchCommands.Add(command);
        return command;
    }

    private static InconsistentStateException Conflict(StateWrite write) => new(
        $"The state of {write} is not at version {write.ExpectedVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"} in storage; another activation wrote it.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "A transaction of {Count} grain write(s) failed; each is written alone")]
    private static partial void LogGroupFailed(ILogger logger, Exception exception, int count);
}
