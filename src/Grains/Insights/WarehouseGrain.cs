using Marketplace.Contracts.Insights;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Concurrency;

namespace Marketplace.Grains.Insights;

/// <summary>
/// The warehouse's one owner (key 0). Its activation owns the silo's warehouse file (opened on first use), runs the
/// ETL on its reminder or when asked (one run at a time; a request during a run waits for it, then runs again), runs
/// exports, and answers reports. It is reentrant on purpose: reports and status read through their own connections
/// while a run loads, and the state the turns share is the file and the running tasks, each replaced by a turn only
/// after the task it awaited has ended. The engine's calls block, so they run on the thread pool rather than on the
/// grain's scheduler.
/// </summary>
[Reentrant]
public sealed partial class WarehouseGrain(
    NpgsqlDataSource db, IOptions<InsightsOptions> options, ILocalSiloDetails silo, TimeProvider clock, ILogger<WarehouseGrain> logger)
    : Grain, IWarehouseGrain, IRemindable
{
    private const string EtlReminder = "warehouse-etl";

    private Lazy<Warehouse>? store;
    private Task<EtlRun>? running;
    private Task<int>? exporting;

    /// <summary>
    /// The warehouse file, opened on first use rather than at activation: registering the reminder at silo start-up
    /// must not depend on it, and a file that cannot be opened fails the call that needed it, never the silo.
    /// </summary>
    private Warehouse Warehouse
    {
        get
        {
            var current = store ??= new Lazy<Warehouse>(Open, LazyThreadSafetyMode.ExecutionAndPublication);
            try
            {
                return current.Value;
            }
            catch (DuckDB.NET.Data.DuckDBException)
            {
                // The next call tries to open it again (the lock may have been released meanwhile).
                Interlocked.CompareExchange(ref store, null, current);
                throw;
            }
        }
    }

    private WarehouseReports Reports => new(Warehouse);

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (running is { } run)
        {
            // The run's last chunk is committed or not at all; waiting lets it finish instead of being cut off.
            await run.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        if (store is { IsValueCreated: true } opened)
        {
            opened.Value.Dispose();
        }
    }

    /// <summary>
    /// The file of this database's warehouse on this silo: each silo keeps its own copy, each database its own (named by
    /// its server as well, so installations sharing a folder never share a file).
    /// </summary>
    public static string FileName(string connectionString, string siloName)
    {
        var source = new NpgsqlConnectionStringBuilder(connectionString);
        var database = source.Database ?? "marketplace";
        var server = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"{source.Host}:{source.Port}/{database}")))[..8];
        var safe = new string($"{database}-{server}-{siloName}".Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
        return $"warehouse-{safe}.duckdb";
    }

    private Warehouse Open()
    {
        var settings = options.Value;
        var folder = settings.WarehousePath is { Length: > 0 } path ? path : Path.Combine(Path.GetTempPath(), "marketplace-warehouse");
        var opened = new Warehouse(Path.Combine(folder, FileName(db.ConnectionString, silo.Name)), settings.MemoryLimitMegabytes, settings.Threads);
        LogOpened(logger, opened.File);
        return opened;
    }

    public async Task Start()
    {
        if (await this.GetReminder(EtlReminder) is null)
        {
            var period = options.Value.EtlInterval < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : options.Value.EtlInterval;
            await this.RegisterOrUpdateReminder(EtlReminder, period, period);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        try
        {
            await Run(rebuild: false);
            await RunExports();
        }
        catch (Exception e) when (e is NpgsqlException or DuckDB.NET.Data.DuckDBException or TimeoutException or IOException)
        {
            // The next tick resumes where this run stopped.
            LogRunFailed(logger, e);
        }
    }

    public async Task<string> RequestExport(ExportKind kind, DateOnly? month)
    {
        RequireAdmin();
        if (kind == ExportKind.Graph && month is null)
        {
            throw DomainException.Invalid(new Dictionary<string, string[]> { ["month"] = ["A graph export needs its month, such as 2026-11."] });
        }

        var id = await new ExportJobs(db, clock).QueueAsync(kind, month, CallerContext.Require().UserId);
        _ = RunExports().ContinueWith(t => LogRunFailed(logger, t.Exception!.GetBaseException()), CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Current);
        return id!;
    }

    public async Task<int> RunExports()
    {
        // One pass at a time; a request during a pass is picked up by the next one it starts.
        while (exporting is { } current)
        {
            await Task.WhenAny(current);
            if (exporting == current)
            {
                exporting = null;
            }
        }

        var pass = Task.Run(RunPendingExportsAsync);
        exporting = pass;
        try
        {
            return await pass;
        }
        finally
        {
            if (exporting == pass)
            {
                exporting = null;
            }
        }
    }

    private async Task<int> RunPendingExportsAsync()
    {
        var jobs = new ExportJobs(db, clock);
        // The scheduled monthly export: last month's, queued once on or after the first of this month.
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        await jobs.QueueAsync(ExportKind.Graph, new DateOnly(today.Year, today.Month, 1).AddMonths(-1), "schedule");
        var pending = await jobs.PendingAsync();
        foreach (var exportId in pending)
        {
            await jobs.RunAsync(exportId, ProduceAsync);
        }

        return pending.Count;
    }

    private async Task<IReadOnlyList<ExportFile>> ProduceAsync(ExportKind kind, DateOnly? month, CancellationToken ct)
    {
        if (kind == ExportKind.Graph)
        {
            using var zip = new MemoryStream();
            await new GraphExport(db).WriteAsync(month!.Value, zip, ct);
            return [new ExportFile($"graph-{month:yyyy-MM}.zip", "application/zip", zip.ToArray())];
        }

        var folder = Path.Combine(Path.GetTempPath(), "marketplace-exports", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var files = new List<ExportFile>();
            foreach (var table in Warehouse.Tables)
            {
                var file = Path.Combine(folder, table + ".parquet");
                Warehouse.ExportParquet(table, file);
                files.Add(new ExportFile(table + ".parquet", "application/vnd.apache.parquet", await File.ReadAllBytesAsync(file, ct)));
            }

            return files;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public async Task<EtlRun> Run(bool rebuild = false)
    {
        // Waits for a run in progress: rows committed after it began are for a run that begins after it.
        while (running is { } current)
        {
            // Its outcome is its own caller's to see; this caller starts a run of its own after it.
            await Task.WhenAny(current);
            if (running == current)
            {
                running = null;
            }
        }

        var run = Task.Run(() => new WarehouseEtl(db, Warehouse, options.Value, clock).RunAsync(rebuild));
        running = run;
        try
        {
            var result = await run;
            LogRan(logger, result.Rebuilt, result.OrderEvents, result.PageEvents, result.Orders, (result.FinishedAt - result.StartedAt).TotalMilliseconds);
            return result;
        }
        finally
        {
            if (running == run)
            {
                running = null;
            }
        }
    }

    public Task Begin(bool rebuild = false)
    {
        RequireAdmin();
        // Not awaited: the caller is told the run began; its outcome shows in the status and the log.
        _ = Run(rebuild).ContinueWith(t => LogRunFailed(logger, t.Exception!.GetBaseException()), CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Current);
        return Task.CompletedTask;
    }

    public Task<WarehouseStatus> Status() => Task.Run(() =>
        new WarehouseStatus(silo.Name, running is not null, Warehouse.LastRun(), Warehouse.Counts()));

    public Task<IReadOnlyList<SalesPoint>> Sales(string sellerId, ReportRange range)
    {
        RequireStore(sellerId);
        RequireRange(range);
        return Task.Run(() => Reports.Sales(sellerId, range));
    }

    public Task<FunnelReport> Funnel(string sellerId, DateOnly from, DateOnly to)
    {
        RequireStore(sellerId);
        RequireRange(new ReportRange(from, to));
        return Task.Run(() => Reports.Funnel(sellerId, from, to));
    }

    public Task<IReadOnlyList<TopProduct>> TopProducts(string sellerId, DateOnly from, DateOnly to, int limit)
    {
        RequireStore(sellerId);
        RequireRange(new ReportRange(from, to));
        return Task.Run(() => Reports.TopProducts(sellerId, from, to, Math.Clamp(limit, 1, 100)));
    }

    public Task<ReturningBuyers> ReturningBuyers(string sellerId, DateOnly from, DateOnly to)
    {
        RequireStore(sellerId);
        RequireRange(new ReportRange(from, to));
        return Task.Run(() => Reports.ReturningBuyers(sellerId, from, to));
    }

    public Task<IReadOnlyList<GmvPoint>> Gmv(ReportRange range)
    {
        RequireAdmin();
        RequireRange(range);
        return Task.Run(() => Reports.Gmv(range));
    }

    public Task<IReadOnlyList<StoreOrders>> Stores(DateOnly from, DateOnly to, int limit)
    {
        RequireAdmin();
        RequireRange(new ReportRange(from, to));
        return Task.Run(() => Reports.Stores(from, to, Math.Clamp(limit, 1, 500)));
    }

    public Task<IReadOnlyList<SearchGap>> SearchGaps(DateOnly from, DateOnly to, int limit)
    {
        RequireAdmin();
        RequireRange(new ReportRange(from, to));
        return Task.Run(() => Reports.SearchGaps(from, to, Math.Clamp(limit, 1, 500)));
    }

    private static void RequireAdmin()
    {
        if (!CallerContext.Require().IsAdmin)
        {
            throw DomainException.Forbidden("not-admin", "Only an admin may read the marketplace's reports.");
        }
    }

    private static void RequireStore(string sellerId)
    {
        var caller = CallerContext.Require();
        if (!caller.IsAdmin && !caller.ActsFor(sellerId))
        {
            throw DomainException.Forbidden("not-store-staff", "Only the store's staff may read its reports.");
        }
    }

    private static void RequireRange(ReportRange range)
    {
        if (ReportPeriods.Problem(range) is { } problem)
        {
            throw DomainException.Invalid(new Dictionary<string, string[]> { ["range"] = [problem] });
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Warehouse opened at {File}")]
    private static partial void LogOpened(ILogger logger, string file);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Warehouse ETL (rebuild {Rebuilt}): {OrderEvents} order step(s), {PageEvents} page event(s), {Orders} order(s) in {Milliseconds:F0} ms")]
    private static partial void LogRan(ILogger logger, bool rebuilt, long orderEvents, long pageEvents, long orders, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warehouse ETL failed; the next run resumes where it stopped")]
    private static partial void LogRunFailed(ILogger logger, Exception exception);
}
