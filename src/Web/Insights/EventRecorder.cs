using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Threading.Channels;
using Marketplace.Web.Accounts;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Marketplace.Web.Insights;

/// <summary>Configuration section "Insights" (the web host's part).</summary>
public sealed class RecordingOptions
{
    public const string Section = "Insights";

    /// <summary>Whether page events are recorded at all.</summary>
    public bool RecordEvents { get; set; } = true;

    /// <summary>How many events may wait to be written; past that, new ones are dropped (and counted).</summary>
    public int BufferCapacity { get; set; } = 10_000;

    /// <summary>The most events one write carries.</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>How long an event may wait for others to share its write.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the list of visitors who opted out is read again (other web hosts' opt-outs arrive this late).</summary>
    public TimeSpan OptOutRefresh { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Records page events without slowing or failing the request: <see cref="Record"/> only puts the event in a bounded
/// buffer (dropping and counting it when the buffer is full) and a background loop writes the buffer to
/// <c>analytics_events</c> in batches (binary COPY). A write that fails is retried a few times, then its events are
/// dropped and counted: page events are allowed to be lost, order events never come from here.
/// </summary>
public sealed partial class EventRecorder(NpgsqlDataSource db, IOptions<RecordingOptions> options, TimeProvider clock, ILogger<EventRecorder> logger)
    : BackgroundService
{
    private static readonly Meter Meter = new(Infrastructure.WebMetrics.MeterName);
    private static readonly Counter<long> Written = Meter.CreateCounter<long>(
        "marketplace.analytics.events.written", "{event}", "Page events written to the events table.");
    private static readonly Counter<long> Lost = Meter.CreateCounter<long>(
        "marketplace.analytics.events.dropped", "{event}", "Page events dropped, by reason (buffer full, write failed).");

    private readonly Channel<RecordedEvent> buffer = Channel.CreateBounded<RecordedEvent>(
        new BoundedChannelOptions(Math.Max(1, options.Value.BufferCapacity))
        {
            // Full: TryWrite answers false at once, and the event is dropped (counted) rather than waited for.
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });

    private FrozenSet<string> optedOut = FrozenSet<string>.Empty;
    private long dropped;

    /// <summary>Events dropped since start (buffer full or write failed).</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Records what the request's visitor did, if they may be recorded. Never blocks, never throws.</summary>
    public void Record(HttpContext http, PageEvent e)
    {
        if (!options.Value.RecordEvents)
        {
            return;
        }

        var caller = CallerIdentity.From(http.User);
        if (!RecordingRules.Allowed(http.Request.Headers, caller, e.SellerId))
        {
            return;
        }

        // A visitor without any identity still counts once, under an id nobody can follow across requests.
        var visitor = caller?.UserId ?? "anon:" + Guid.NewGuid().ToString("N");
        if (optedOut.Contains(visitor))
        {
            return;
        }

        if (!buffer.Writer.TryWrite(new RecordedEvent(e, visitor, clock.GetUtcNow(), CultureInfo.CurrentUICulture.TwoLetterISOLanguageName)))
        {
            Drop("buffer-full");
        }
    }

    /// <summary>Stops recording a visitor here at once (other web hosts learn it on their next refresh).</summary>
    public void OptOut(string visitorId) => optedOut = optedOut.Append(visitorId).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Records a visitor here again.</summary>
    public void OptIn(string visitorId) => optedOut = optedOut.Where(v => v != visitorId).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Writes what is buffered now (tests, and shutdown).</summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        var batch = new List<RecordedEvent>();
        while (buffer.Reader.TryRead(out var e))
        {
            batch.Add(e);
        }

        await WriteAsync(batch, ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var lastRefresh = DateTime.MinValue;
        var batch = new List<RecordedEvent>(settings.BatchSize);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (DateTime.UtcNow - lastRefresh > settings.OptOutRefresh)
                {
                    optedOut = await ReadOptOutsAsync(stoppingToken);
                    lastRefresh = DateTime.UtcNow;
                }

                if (!await buffer.Reader.WaitToReadAsync(stoppingToken))
                {
                    return;
                }

                // Lets a moment's events gather, so a busy host writes few large batches rather than many small ones.
                await Task.Delay(settings.FlushInterval, stoppingToken);
                while (batch.Count < settings.BatchSize && buffer.Reader.TryRead(out var e))
                {
                    batch.Add(e);
                }

                await WriteAsync(batch, stoppingToken);
                batch.Clear();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                LogRefreshFailed(logger, e.Message);
            }
        }

        // What the host still holds when it stops is written once more, briefly.
        using var last = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await FlushAsync(last.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task WriteAsync(List<RecordedEvent> batch, CancellationToken ct)
    {
        if (batch.Count == 0)
        {
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await CopyAsync(batch, ct);
                Written.Add(batch.Count);
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && attempt < 3)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), ct);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                LogWriteFailed(logger, batch.Count, e.Message);
                foreach (var _ in batch)
                {
                    Drop("write-failed");
                }

                return;
            }
        }
    }

    private async Task CopyAsync(List<RecordedEvent> batch, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var import = await connection.BeginBinaryImportAsync(
            "COPY analytics_events (at, kind, visitor_id, product_id, seller_id, search_query, result_count, position, quantity, language, currency) FROM STDIN (FORMAT BINARY)",
            ct);
        foreach (var (e, visitor, at, language) in batch)
        {
            await import.StartRowAsync(ct);
            await import.WriteAsync(at.UtcDateTime, NpgsqlDbType.TimestampTz, ct);
            await import.WriteAsync(e.Kind, NpgsqlDbType.Text, ct);
            await import.WriteAsync(visitor, NpgsqlDbType.Text, ct);
            await WriteOrNullAsync(import, e.ProductId, ct);
            await WriteOrNullAsync(import, e.SellerId, ct);
            await WriteOrNullAsync(import, e.Query, ct);
            await WriteOrNullAsync(import, e.ResultCount, ct);
            await WriteOrNullAsync(import, e.Position, ct);
            await WriteOrNullAsync(import, e.Quantity, ct);
            await import.WriteAsync(language, NpgsqlDbType.Text, ct);
            await WriteOrNullAsync(import, e.Currency, ct);
        }

        await import.CompleteAsync(ct);
    }

    private static Task WriteOrNullAsync(NpgsqlBinaryImporter import, string? value, CancellationToken ct) =>
        value is null ? import.WriteNullAsync(ct) : import.WriteAsync(value, NpgsqlDbType.Text, ct);

    private static Task WriteOrNullAsync(NpgsqlBinaryImporter import, int? value, CancellationToken ct) =>
        value is { } number ? import.WriteAsync(number, NpgsqlDbType.Integer, ct) : import.WriteNullAsync(ct);

    private async Task<FrozenSet<string>> ReadOptOutsAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT visitor_id FROM analytics_opt_outs");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var visitors = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            visitors.Add(reader.GetString(0));
        }

        return visitors.ToFrozenSet(StringComparer.Ordinal);
    }

    private void Drop(string reason)
    {
        Interlocked.Increment(ref dropped);
        Lost.Add(1, new KeyValuePair<string, object?>("reason", reason));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Page events: {Count} event(s) dropped after the write failed: {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Page events: reading opt-outs or the buffer failed, retrying: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);
}
