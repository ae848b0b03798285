using System.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Web.Search;

/// <summary>Configuration section "Search".</summary>
public sealed class SearchOptions
{
    public const string Section = "Search";

    /// <summary>How often the index asks the read model for changes: the most a change waits to become searchable.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long removed products keep their tombstone. An index that could not reach the database for half this long
    /// reloads everything instead of trusting that it saw every removal.
    /// </summary>
    public TimeSpan RemovalRetention { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Keeps this web host's <see cref="SearchIndex"/> in step with the search read model: a full load at start, then every
/// poll interval the rows written by transactions it has not seen yet. A poll reads in one snapshot and remembers that
/// snapshot's horizon: the first transaction id it could not see and the ones still running below it. The next poll
/// reads rows written by exactly those transactions or later ones, so one that commits late is still picked up, and a
/// long-running transaction elsewhere does not make every poll read everything since it began.
/// </summary>
public sealed partial class SearchIndexFeed(NpgsqlDataSource db, IOptions<SearchOptions> options, ILogger<SearchIndexFeed> logger)
    : BackgroundService, IHealthCheck
{
    private const int ChunkSize = 2000;
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(30);

    private readonly TaskCompletionSource<SearchIndex> loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SearchIndex? index;
    private ChangeMark watermark = ChangeMark.Everything;
    private long lastSuccessTicks = DateTime.UtcNow.Ticks;

    /// <summary>When the index last read the read model successfully (read by the health check on other threads).</summary>
    private DateTime LastSuccess => new(Interlocked.Read(ref lastSuccessTicks), DateTimeKind.Utc);

    /// <summary>The index, once its first full load is done.</summary>
    public Task<SearchIndex> LoadedIndexAsync(CancellationToken cancellationToken = default) =>
        Volatile.Read(ref index) is { } current ? Task.FromResult(current) : loaded.Task.WaitAsync(cancellationToken);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref index) is not { } current)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("Loading the search index."));
        }

        // Still serving, but from what it had: searches miss changes since.
        var behind = DateTime.UtcNow - LastSuccess;
        return Task.FromResult(behind > StaleAfter
            ? HealthCheckResult.Degraded($"The search index could not read changes for {behind.TotalSeconds:F0} s.")
            : HealthCheckResult.Healthy($"{current.Count} products indexed."));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var lastPrune = DateTime.MinValue;
        var lastFailureLogged = DateTime.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var current = Volatile.Read(ref index);
                if (current is null || DateTime.UtcNow - LastSuccess > settings.RemovalRetention / 2)
                {
                    var fresh = new SearchIndex();
                    watermark = await ReadChangesAsync(db, fresh, ChangeMark.Everything, stoppingToken);
                    Volatile.Write(ref index, fresh);
                    loaded.TrySetResult(fresh);
                    LogLoaded(logger, fresh.Count);
                }
                else
                {
                    watermark = await ReadChangesAsync(db, current, watermark, stoppingToken);
                }

                var now = DateTime.UtcNow;
                Interlocked.Exchange(ref lastSuccessTicks, now.Ticks);
                if (now - lastPrune > PruneEvery)
                {
                    await PruneRemovalsAsync(settings.RemovalRetention, stoppingToken);
                    lastPrune = now;
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Four polls a second would flood the log while the database is away: once, then every half minute.
                if (DateTime.UtcNow - lastFailureLogged > TimeSpan.FromSeconds(30))
                {
                    LogPollFailed(logger, e.Message);
                    lastFailureLogged = DateTime.UtcNow;
                }
            }

            try
            {
                await Task.Delay(settings.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Applies every change made by transactions that <paramref name="since"/> had not seen; answers the next mark.</summary>
    public static async Task<ChangeMark> ReadChangesAsync(NpgsqlDataSource db, SearchIndex target, ChangeMark since, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        // Rows written by a transaction the last snapshot could not see: at or above its horizon, or running then.
        NpgsqlBatchCommand Changed(string sql) => new(sql.Replace("{unseen}",
            "(change_xid >= $1::text::xid8 OR change_xid = ANY ($2::text[]::xid8[]))", StringComparison.Ordinal))
        {
            Parameters = { new() { Value = since.Horizon }, new() { Value = since.Running } },
        };

        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new("SELECT pg_snapshot_xmax(s)::text, ARRAY(SELECT pg_snapshot_xip(s)::text) FROM pg_current_snapshot() s"),
                Changed("SELECT seller_id, name, status = 'active' FROM store_directory WHERE {unseen}"),
                Changed("""
                    SELECT DISTINCT r.product_id FROM search_removals r
                    WHERE {unseen}
                      AND NOT EXISTS (SELECT 1 FROM search_products s WHERE s.product_id = r.product_id)
                    """),
                Changed("""
                    SELECT product_id, seller_id, title, category, currency, price, image_key, in_stock, created_at, document::text,
                           rating_sum, rating_count
                    FROM search_products WHERE {unseen}
                    """),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var next = new ChangeMark(reader.GetString(0), reader.GetFieldValue<string[]>(1));

        await reader.NextResultAsync(ct);
        var sellers = new List<SearchSeller>();
        while (await reader.ReadAsync(ct))
        {
            sellers.Add(new SearchSeller(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2)));
        }

        await reader.NextResultAsync(ct);
        var removals = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            removals.Add(reader.GetString(0));
        }

        target.Apply(sellers, [], removals);

        await reader.NextResultAsync(ct);
        var chunk = new List<SearchDocument>(ChunkSize);
        while (await reader.ReadAsync(ct))
        {
            chunk.Add(new SearchDocument(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetInt64(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetBoolean(7),
                reader.GetFieldValue<DateTimeOffset>(8), reader.GetString(9), reader.GetInt64(10), reader.GetInt32(11)));
            if (chunk.Count == ChunkSize)
            {
                // Applied in chunks, so searches never wait long behind a large change such as a reindex.
                target.Apply([], chunk, []);
                chunk.Clear();
            }
        }

        target.Apply([], chunk, []);
        return next;
    }

    private async Task PruneRemovalsAsync(TimeSpan retention, CancellationToken ct)
    {
        await using var command = db.CreateCommand("DELETE FROM search_removals WHERE removed_at < now() - make_interval(secs => $1)");
        command.Parameters.Add(new() { Value = retention.TotalSeconds });
        await command.ExecuteNonQueryAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Search index loaded: {Count} products.")]
    private static partial void LogLoaded(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading search changes failed, retrying: {Reason}")]
    private static partial void LogPollFailed(ILogger logger, string reason);
}

/// <summary>
/// What a poll's snapshot saw, as PostgreSQL describes it: every transaction below <see cref="Horizon"/> except the
/// <see cref="Running"/> ones.
/// </summary>
public sealed record ChangeMark(string Horizon, string[] Running)
{
    public static ChangeMark Everything { get; } = new("0", []);
}
