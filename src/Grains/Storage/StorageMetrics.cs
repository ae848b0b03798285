using System.Diagnostics.Metrics;

namespace Marketplace.Grains.Storage;

/// <summary>
/// Figures of the grain-state writer (meter <c>Marketplace.Storage</c>): rows per transaction, payload bytes, commit
/// latency, the queue, and how writes ended. The benchmarks read them from the silo's <c>/metrics</c>.
/// </summary>
public static class StorageMetrics
{
    public const string MeterName = "Marketplace.Storage";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<int> BatchRows = Meter.CreateHistogram<int>(
        "marketplace.storage.batch.rows", "{row}", "Grain states committed per transaction.",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });

    private static readonly Histogram<double> CommitDuration = Meter.CreateHistogram<double>(
        "marketplace.storage.commit.duration", "s", "Time from opening a transaction of grain states to its commit.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });

    private static readonly Counter<long> Bytes = Meter.CreateCounter<long>(
        "marketplace.storage.payload", "By", "Bytes of grain-state JSON committed.");

    private static readonly Counter<long> Writes = Meter.CreateCounter<long>(
        "marketplace.storage.writes", "{write}", "Grain-state writes by outcome (committed, conflict, recognised, failed).");

    private static readonly Counter<long> Retries = Meter.CreateCounter<long>(
        "marketplace.storage.group.retries", "{write}", "Writes tried again alone because their shared transaction failed.");

    private static Func<int>? queueDepth;

    static StorageMetrics() => Meter.CreateObservableGauge(
        "marketplace.storage.queue", () => queueDepth?.Invoke() ?? 0, "{write}", "Grain-state writes waiting for or in a transaction.");

    internal static void ObserveQueue(Func<int> depth) => queueDepth = depth;

    internal static void Committed(int rows, long bytes, TimeSpan elapsed)
    {
        BatchRows.Record(rows);
        CommitDuration.Record(elapsed.TotalSeconds);
        Bytes.Add(bytes);
        Writes.Add(rows, new KeyValuePair<string, object?>("outcome", "committed"));
    }

    internal static void Conflict() => Writes.Add(1, new KeyValuePair<string, object?>("outcome", "conflict"));

    internal static void Recognised() => Writes.Add(1, new KeyValuePair<string, object?>("outcome", "recognised"));

    internal static void Failed() => Writes.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));

    internal static void GroupRetried(int rows) => Retries.Add(rows);
}
