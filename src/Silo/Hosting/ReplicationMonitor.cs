using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Marketplace.Silo.Hosting;

/// <summary>
/// The database's replication as its primary reports it (<c>pg_stat_replication</c>), sampled every
/// <see cref="Interval"/> and served as gauges of the meter <c>Marketplace.Database</c>: how many standbys stream, how
/// many of them commits wait for, and how far the slowest is behind in time and in WAL bytes. docs/operations.md gives
/// the alert thresholds. The database account needs <c>pg_monitor</c> (or to be a superuser) to see the lag columns.
/// </summary>
public sealed partial class ReplicationMonitor(NpgsqlDataSource db, ILogger<ReplicationMonitor> logger) : BackgroundService
{
    public const string MeterName = "Marketplace.Database";

    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private static readonly Meter Meter = new(MeterName);

    private static Sample latest = new(0, 0, 0, 0);

    static ReplicationMonitor()
    {
        Meter.CreateObservableGauge("marketplace.db.standbys", () => latest.Streaming, "{standby}",
            "Standbys streaming the primary's WAL.");
        Meter.CreateObservableGauge("marketplace.db.standbys.synchronous", () => latest.Synchronous, "{standby}",
            "Streaming standbys that commits wait for (synchronous_standby_names).");
        Meter.CreateObservableGauge("marketplace.db.replication.lag", () => latest.LagSeconds, "s",
            "Time between a commit on the primary and its replay on the slowest standby (0 when idle and caught up).");
        Meter.CreateObservableGauge("marketplace.db.replication.lag.wal", () => latest.LagBytes, "By",
            "WAL the primary has written that the slowest standby has not replayed.");
    }

    private sealed record Sample(int Streaming, int Synchronous, double LagSeconds, long LagBytes);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                latest = await SampleAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Figures never stop a silo. Usually the database is away (a failover, a restart): the last figures stand
                // until it answers again.
                LogSampleFailed(logger, e.GetType().Name, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task<Sample> SampleAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            SELECT count(*) FILTER (WHERE state = 'streaming')::int,
                   count(*) FILTER (WHERE state = 'streaming' AND sync_state IN ('sync', 'quorum'))::int,
                   coalesce(max(extract(epoch FROM replay_lag)), 0)::float8,
                   coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)), 0)::int8
            FROM pg_stat_replication
            """);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new Sample(reader.GetInt32(0), reader.GetInt32(1), reader.GetDouble(2), reader.GetInt64(3));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Replication figures not sampled: {Kind}: {Reason}")]
    private static partial void LogSampleFailed(ILogger logger, string kind, string reason);
}
