using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Marketplace.Web.Catalog;

/// <summary>An import as its store sees it. <see cref="Status"/>: queued, running, done, failed (nothing was imported), cancelled.</summary>
/// <param name="Total">Products in the file (known once it was read).</param>
/// <param name="Processed">Products imported so far (all of them checked, for a dry run).</param>
public sealed record CatalogImportStatus(
    string Id, string FileName, bool DryRun, string Status, int Rows, int Total, int Processed, int Created, int Updated, int Unchanged,
    int Failed, IReadOnlyList<ImportError> Errors, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt)
{
    public bool Finished => Status is "done" or "failed" or "cancelled";
}

/// <summary>An import a host took to run: what it needs from the row.</summary>
public sealed record ClaimedImport(string Id, string StoreId, string CreatedBy, CallerRoles Roles, byte[] Content, bool DryRun);

/// <summary>The <c>catalog_imports</c> table: uploads, the lease of the host running one, progress and the outcome.</summary>
public sealed class CatalogImports(NpgsqlDataSource db, TimeProvider clock)
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string StatusColumns = """
        id, file_name, dry_run, status, rows, total, processed, created, updated, unchanged, failed, errors::text, created_at, started_at, finished_at
        """;

    public async Task<string> EnqueueAsync(string storeId, Caller caller, string fileName, byte[] content, bool dryRun, CancellationToken ct = default)
    {
        var id = "imp_" + Guid.NewGuid().ToString("N");
        await using var command = db.CreateCommand("""
            INSERT INTO catalog_imports (id, store_id, created_by, caller_roles, file_name, content, dry_run, status, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', $8)
            """);
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = storeId });
        command.Parameters.Add(new() { Value = caller.UserId });
        command.Parameters.Add(new() { Value = (int)caller.Roles });
        command.Parameters.Add(new() { Value = fileName });
        command.Parameters.Add(new() { Value = content });
        command.Parameters.Add(new() { Value = dryRun });
        command.Parameters.Add(new() { Value = clock.GetUtcNow() });
        await command.ExecuteNonQueryAsync(ct);
        return id;
    }

    /// <summary>One import of the store; null when the store has no such import.</summary>
    public async Task<CatalogImportStatus?> GetAsync(string storeId, string id, CancellationToken ct = default) =>
        (await ReadAsync($"SELECT {StatusColumns} FROM catalog_imports WHERE store_id = $1 AND id = $2", [storeId, id], ct)).FirstOrDefault();

    /// <summary>The store's latest imports, newest first.</summary>
    public Task<IReadOnlyList<CatalogImportStatus>> ListAsync(string storeId, int limit, CancellationToken ct = default) =>
        ReadAsync($"SELECT {StatusColumns} FROM catalog_imports WHERE store_id = $1 ORDER BY created_at DESC LIMIT $2", [storeId, limit], ct);

    /// <summary>Asks a queued or running import to stop; false when it had already ended (or does not exist).</summary>
    public async Task<bool> CancelAsync(string storeId, string id, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("""
            UPDATE catalog_imports
            SET cancel_requested = true,
                status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,
                finished_at = CASE WHEN status = 'queued' THEN $3 ELSE finished_at END
            WHERE store_id = $1 AND id = $2 AND status IN ('queued', 'running')
            """);
        command.Parameters.Add(new() { Value = storeId });
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = clock.GetUtcNow() });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Takes the oldest queued import, or one whose host's lease ran out, for <paramref name="host"/>.</summary>
    public async Task<ClaimedImport?> ClaimAsync(string host, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("""
            UPDATE catalog_imports i
            SET status = 'running', leased_by = $1, lease_until = $2 + interval '1 minute', started_at = coalesce(started_at, $2)
            FROM (SELECT id FROM catalog_imports
                  WHERE status = 'queued' OR (status = 'running' AND lease_until < $2)
                  ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED) next
            WHERE i.id = next.id
            RETURNING i.id, i.store_id, i.created_by, i.caller_roles, i.content, i.dry_run
            """);
        command.Parameters.Add(new() { Value = host });
        command.Parameters.Add(new() { Value = clock.GetUtcNow() });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new ClaimedImport(reader.GetString(0), reader.GetString(1), reader.GetString(2), (CallerRoles)reader.GetInt32(3),
                reader.GetFieldValue<byte[]>(4), reader.GetBoolean(5))
            : null;
    }

    /// <summary>
    /// Records progress and renews the lease; answers whether the import may go on (not cancelled, still this host's).
    /// </summary>
    public async Task<bool> ProgressAsync(string id, string host, ImportProgress progress, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("""
            UPDATE catalog_imports
            SET rows = $3, total = $4, processed = $5, created = $6, updated = $7, unchanged = $8, failed = $9, errors = $10::jsonb,
                lease_until = $11 + interval '1 minute'
            WHERE id = $1 AND leased_by = $2 AND status = 'running'
            RETURNING cancel_requested
            """);
        AddProgress(command, id, host, progress);
        command.Parameters.Add(new() { Value = clock.GetUtcNow() });
        return await command.ExecuteScalarAsync(ct) is false;
    }

    /// <summary>Ends the import with <paramref name="status"/> and lets its file go.</summary>
    public async Task FinishAsync(string id, string host, string status, ImportProgress progress, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("""
            UPDATE catalog_imports
            SET rows = $3, total = $4, processed = $5, created = $6, updated = $7, unchanged = $8, failed = $9, errors = $10::jsonb,
                status = $11, finished_at = $12, content = '', leased_by = NULL, lease_until = NULL
            WHERE id = $1 AND leased_by = $2
            """);
        AddProgress(command, id, host, progress);
        command.Parameters.Add(new() { Value = status });
        command.Parameters.Add(new() { Value = clock.GetUtcNow() });
        await command.ExecuteNonQueryAsync(ct);
    }

    private static void AddProgress(NpgsqlCommand command, string id, string host, ImportProgress p)
    {
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = host });
        command.Parameters.Add(new() { Value = p.Rows });
        command.Parameters.Add(new() { Value = p.Total });
        command.Parameters.Add(new() { Value = p.Processed });
        command.Parameters.Add(new() { Value = p.Created });
        command.Parameters.Add(new() { Value = p.Updated });
        command.Parameters.Add(new() { Value = p.Unchanged });
        command.Parameters.Add(new() { Value = p.Failed });
        command.Parameters.Add(new() { Value = JsonSerializer.Serialize(p.Errors, Json), NpgsqlDbType = NpgsqlDbType.Text });
    }

    private async Task<IReadOnlyList<CatalogImportStatus>> ReadAsync(string sql, object[] parameters, CancellationToken ct)
    {
        await using var command = db.CreateCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new() { Value = value });
        }

        await using var reader = await command.ExecuteReaderAsync(ct);
        var imports = new List<CatalogImportStatus>();
        while (await reader.ReadAsync(ct))
        {
            imports.Add(new CatalogImportStatus(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.GetString(3),
                reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7), reader.GetInt32(8), reader.GetInt32(9),
                reader.GetInt32(10), JsonSerializer.Deserialize<List<ImportError>>(reader.GetString(11), Json) ?? [],
                reader.GetFieldValue<DateTimeOffset>(12), reader.IsDBNull(13) ? null : reader.GetFieldValue<DateTimeOffset>(13),
                reader.IsDBNull(14) ? null : reader.GetFieldValue<DateTimeOffset>(14)));
        }

        return imports;
    }
}

/// <summary>How far an import got, as it is stored after each batch.</summary>
public sealed class ImportProgress
{
    public int Rows { get; set; }

    public int Total { get; set; }

    public int Processed { get; set; }

    public int Created { get; set; }

    public int Updated { get; set; }

    public int Unchanged { get; set; }

    public int Failed { get; set; }

    public List<ImportError> Errors { get; } = [];
}
