using Marketplace.Contracts.Insights;
using Marketplace.Grains.Insights;
using Marketplace.Testing;
using Npgsql;

namespace Marketplace.Grains.Tests;

/// <summary>The warehouse's ETL against a database of its own: idempotent, resumable, exact about late commits.</summary>
public sealed class WarehouseEtlTests : IAsyncLifetime
{
    private static readonly DateOnly From = new(2026, 9, 1);
    private readonly string folder = Path.Combine(Path.GetTempPath(), "warehouse-tests", Guid.NewGuid().ToString("N"));
    private readonly List<Warehouse> opened = [];
    private TestDatabase db = null!;

    public async ValueTask InitializeAsync() => db = await TestDatabase.CreateAsync("insights");

    public async ValueTask DisposeAsync()
    {
        opened.ForEach(w => w.Dispose());
        await db.DisposeAsync();
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_second_run_loads_nothing_and_a_rebuild_equals_the_incremental_load()
    {
        await WriteAsync(Workload("a", 600));
        var incremental = Open("incremental");
        var first = await Etl(incremental).RunAsync(rebuild: false, TestContext.Current.CancellationToken);
        Assert.Equal(await Count("order_events"), first.OrderEvents);
        Assert.Equal(await Count("analytics_events"), first.PageEvents);
        Assert.Equal(600, first.Orders);
        var afterFirst = Fingerprint(incremental);

        var second = await Etl(incremental).RunAsync(rebuild: false, TestContext.Current.CancellationToken);
        Assert.Equal((0, 0, 0), (second.OrderEvents, second.PageEvents, second.Orders));
        Assert.Equal(afterFirst, Fingerprint(incremental));

        // More history arrives: only it is read, and the result is what one load of everything gives.
        await WriteAsync(Workload("b", 300));
        var third = await Etl(incremental).RunAsync(rebuild: false, TestContext.Current.CancellationToken);
        Assert.Equal(300, third.Orders);
        var rebuilt = Open("rebuilt");
        await Etl(rebuilt).RunAsync(rebuild: true, TestContext.Current.CancellationToken);
        Assert.Equal(Fingerprint(rebuilt), Fingerprint(incremental));
        Assert.Equal(await Count("order_listing_lines"), incremental.Counts()["fact_order_line"]);

        // A rebuild of a warehouse that has everything empties it and loads the same again.
        await Etl(incremental).RunAsync(rebuild: true, TestContext.Current.CancellationToken);
        Assert.Equal(Fingerprint(rebuilt), Fingerprint(incremental));
    }

    [Fact]
    public async Task A_run_stopped_between_chunks_resumes_where_it_stopped()
    {
        await WriteAsync(Workload("c", 500));
        var resumed = Open("resumed");
        await Assert.ThrowsAsync<OperationCanceledException>(() =>
            new WarehouseEtl(db.DataSource, resumed, new InsightsOptions(), TimeProvider.System, chunkSize: 150) { StopAfterChunks = 4 }
                .RunAsync(rebuild: false, TestContext.Current.CancellationToken));
        var partial = resumed.Counts();
        Assert.InRange(partial["fact_event"], 1, await Count("order_events") + await Count("analytics_events") - 1);

        await new WarehouseEtl(db.DataSource, resumed, new InsightsOptions(), TimeProvider.System, chunkSize: 150)
            .RunAsync(rebuild: false, TestContext.Current.CancellationToken);
        var whole = Open("whole");
        await Etl(whole).RunAsync(rebuild: false, TestContext.Current.CancellationToken);
        Assert.Equal(Fingerprint(whole), Fingerprint(resumed));
        Assert.Equal(await Count("order_events") + await Count("analytics_events"), resumed.Counts()["fact_event"]);
    }

    [Fact]
    public async Task An_event_whose_transaction_commits_after_a_run_began_is_loaded_by_the_next_run()
    {
        var warehouse = Open("late");
        await using var late = await db.DataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var transaction = await late.BeginTransactionAsync(TestContext.Current.CancellationToken);
        await InsertStep(late, transaction, "ord_late", "placed");
        // A step written after the open transaction began, and committed: it must wait for the open one too, or the
        // mark would pass the open one's rows.
        await InsertStep(null, null, "ord_early", "placed");

        var before = await Etl(warehouse).RunAsync(rebuild: false, TestContext.Current.CancellationToken);
        Assert.Equal(0, before.OrderEvents);

        await transaction.CommitAsync(TestContext.Current.CancellationToken);
        await EarlierTransactionsEndedAsync();
        var after = await Etl(warehouse).RunAsync(rebuild: false, TestContext.Current.CancellationToken);
        Assert.Equal(2, after.OrderEvents);
        var again = await Etl(warehouse).RunAsync(rebuild: false, TestContext.Current.CancellationToken);
        Assert.Equal(0, again.OrderEvents);
        Assert.Equal(2, warehouse.Counts()["fact_event"]);
    }

    [Fact]
    public async Task Erased_visitors_and_events_past_the_retention_leave_both_stores()
    {
        await WriteAsync(Workload("d", 200));
        var warehouse = Open("erasure");
        await Etl(warehouse).RunAsync(rebuild: false, TestContext.Current.CancellationToken);
        const string visitor = "usr_d_1";
        Assert.True(VisitorEvents(warehouse, visitor) > 0);

        await Execute("DELETE FROM analytics_events WHERE visitor_id = $1; INSERT INTO analytics_erasures (visitor_id) VALUES ($1)", visitor);
        await EarlierTransactionsEndedAsync();
        // Everything older than a week before the workload's last day is past a retention that short.
        var now = new DateTimeOffset(From.AddDays(30).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var run = await new WarehouseEtl(db.DataSource, warehouse, new InsightsOptions { Retention = TimeSpan.FromDays(7) }, new FixedClock(now))
            .RunAsync(rebuild: false, TestContext.Current.CancellationToken);
        Assert.True(run.Erased > 0);
        Assert.True(run.Expired > 0);
        Assert.Equal(0, VisitorEvents(warehouse, visitor));
        Assert.Equal(0, await Count("analytics_events WHERE at < $1", now.AddDays(-7).UtcDateTime));
        using var connection = warehouse.Connect();
        Assert.Equal(0L, Convert.ToInt64(Scalar(connection, $"SELECT count(*) FROM fact_event WHERE source = 'page' AND occurred_at < TIMESTAMPTZ '{now.AddDays(-7):O}'")));
        // Order steps are the orders' record: kept whatever their age.
        Assert.Equal(await Count("order_events WHERE buyer_id <> $1", visitor), Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM fact_event WHERE source = 'order'")));
    }

    [Fact]
    public async Task Reports_equal_the_same_figures_computed_over_the_order_tables()
    {
        var workload = Workload("e", 1500);
        await WriteAsync(workload);
        var warehouse = Open("reports");
        await Etl(warehouse).RunAsync(rebuild: false, TestContext.Current.CancellationToken);
        var reports = new WarehouseReports(warehouse);
        var to = From.AddDays(29);

        foreach (var store in new[] { workload.Store(1), workload.Store(5) })
        {
            foreach (var interval in Enum.GetValues<ReportInterval>())
            {
                var range = new ReportRange(From.AddDays(3), to.AddDays(-2), interval);
                var expected = await SalesBySql(store, range);
                var actual = reports.Sales(store, range).Where(p => p.Orders > 0).ToList();
                Assert.Equal(expected, actual);
                Assert.NotEmpty(actual);
            }

            var funnel = reports.Funnel(store, From, to);
            Assert.Equal(await FunnelBySql(store, From.AddDays(2), to), reports.Funnel(store, From.AddDays(2), to).Store);
            Assert.True(funnel.Store.Views >= funnel.Store.Carts && funnel.Store.Carts >= funnel.Store.Orders && funnel.Store.Orders >= funnel.Store.Paid);
            Assert.All(funnel.Products, p => Assert.False(string.IsNullOrEmpty(p.Title)));

            var returning = reports.ReturningBuyers(store, From, to);
            Assert.Equal(await ReturningBySql(store, From, to), returning);

            var top = reports.TopProducts(store, From, to, 3);
            Assert.Equal(3, top.Count);
            Assert.Equal(await Count("""
                (SELECT DISTINCT order_id FROM order_listing_lines l JOIN order_listings o USING (order_id)
                 WHERE l.product_id = $1 AND o.paid_at IS NOT NULL AND o.paid_at < $2) x
                """, top[0].ProductId, to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)), top[0].Orders);
        }

        var gmvRange = new ReportRange(From, to, ReportInterval.Week);
        var gmv = reports.Gmv(gmvRange).Where(p => p.Orders > 0).ToList();
        Assert.Equal(await GmvBySql(gmvRange), gmv);
        Assert.Equal(["CLP", "USD"], gmv.Select(p => p.Currency).Distinct());

        var gaps = reports.SearchGaps(From, to, 10);
        Assert.Equal(await Count("analytics_events WHERE kind = 'search' AND result_count = 0 AND search_query = 'xyzzy'"),
            gaps.Single(g => g.Query == "xyzzy").Searches);
    }

    private static InsightsWorkload Workload(string tag, int orders) => new(tag, orders, Stores: 10, Buyers: orders / 3, ProductsPerStore: 12, From, Days: 30);

    private async Task WriteAsync(InsightsWorkload workload)
    {
        await workload.WriteAsync(db.DataSource, TestContext.Current.CancellationToken);
        await EarlierTransactionsEndedAsync();
    }

    /// <summary>
    /// Waits until every transaction that began before now has ended, anywhere on the server: a run reads only below the
    /// oldest one still running, and the tests of other classes, each in a database of its own, share this server.
    /// </summary>
    private async Task EarlierTransactionsEndedAsync()
    {
        var now = await db.ScalarAsync<string>("SELECT pg_current_xact_id()::text");
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await db.ScalarAsync<bool>("SELECT pg_snapshot_xmin(pg_current_snapshot()) > @now::xid8", ("now", now!)))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "a transaction older than the test's writes stayed open for a minute");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private Warehouse Open(string name)
    {
        var warehouse = new Warehouse(Path.Combine(folder, name + ".duckdb"));
        opened.Add(warehouse);
        return warehouse;
    }

    private WarehouseEtl Etl(Warehouse warehouse) => new(db.DataSource, warehouse, new InsightsOptions(), TimeProvider.System);

    /// <summary>The content of the fact and dimension tables, in a stable order, hashed.</summary>
    private static string Fingerprint(Warehouse warehouse)
    {
        using var connection = warehouse.Connect();
        return string.Join(" ", Warehouse.Tables.Where(t => t != "dim_date").Select(t =>
            $"{t}:{Scalar(connection, $"SELECT count(*) || ':' || coalesce(md5(string_agg(x::VARCHAR, '|' ORDER BY x::VARCHAR)), '') FROM {t} x")}"));
    }

    private static long VisitorEvents(Warehouse warehouse, string visitor)
    {
        using var connection = warehouse.Connect();
        return Convert.ToInt64(Scalar(connection, $"SELECT count(*) FROM fact_event WHERE visitor_id = '{visitor}'"));
    }

    private static object? Scalar(DuckDB.NET.Data.DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private async Task<long> Count(string from, params object[] values)
    {
        await using var command = db.DataSource.CreateCommand($"SELECT count(*) FROM {from}");
        foreach (var value in values)
        {
            command.Parameters.Add(new() { Value = value });
        }

        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    private async Task Execute(string sql, string value)
    {
        await using var batch = db.DataSource.CreateBatch();
        foreach (var statement in sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(statement) { Parameters = { new() { Value = value } } });
        }

        await batch.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private async Task InsertStep(NpgsqlConnection? connection, NpgsqlTransaction? transaction, string orderId, string kind)
    {
        const string sql = """
            INSERT INTO order_listings (order_id, buyer_id, seller_id, seller_name, status, currency, total, refunded, item_count,
                                        placed_at, updated_at, needs_attention, state_version)
            VALUES ($1, 'usr_late', 'slr_late', 'Late', $2, 'CLP', 1000, 0, 1, now(), now(), false, 1);
            INSERT INTO order_events (order_id, kind, at, buyer_id, seller_id, units) VALUES ($1, $2, now(), 'usr_late', 'slr_late', 1)
            """;
        await using var batch = connection is null ? db.DataSource.CreateBatch() : new NpgsqlBatch(connection, transaction);
        foreach (var statement in sql.Split(';', StringSplitOptions.TrimEntries))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(statement) { Parameters = { new() { Value = orderId }, new() { Value = kind } } });
        }

        await batch.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private async Task<List<SalesPoint>> SalesBySql(string store, ReportRange range)
    {
        var unit = range.Interval.ToString().ToLowerInvariant();
        await using var command = db.DataSource.CreateCommand($"""
            SELECT date_trunc('{unit}', o.paid_at AT TIME ZONE 'UTC')::date, o.currency, count(DISTINCT o.order_id),
                   sum(l.quantity)::bigint, sum(l.quantity * l.unit_price)::bigint
            FROM order_listings o JOIN order_listing_lines l USING (order_id)
            WHERE o.seller_id = $1 AND (o.paid_at AT TIME ZONE 'UTC')::date BETWEEN $2 AND $3
            GROUP BY 1, 2 ORDER BY 2, 1
            """);
        command.Parameters.Add(new() { Value = store });
        command.Parameters.Add(new() { Value = range.From });
        command.Parameters.Add(new() { Value = range.To });
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var points = new List<SalesPoint>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            points.Add(new SalesPoint(reader.GetFieldValue<DateOnly>(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
        }

        return points;
    }

    private async Task<FunnelRow> FunnelBySql(string store, DateOnly from, DateOnly to)
    {
        await using var command = db.DataSource.CreateCommand("""
            SELECT (SELECT count(DISTINCT visitor_id) FROM analytics_events
                    WHERE seller_id = $1 AND kind = 'productView' AND (at AT TIME ZONE 'UTC')::date BETWEEN $2 AND $3),
                   (SELECT count(DISTINCT visitor_id) FROM analytics_events
                    WHERE seller_id = $1 AND kind = 'addToCart' AND (at AT TIME ZONE 'UTC')::date BETWEEN $2 AND $3),
                   (SELECT count(DISTINCT buyer_id) FROM order_listings
                    WHERE seller_id = $1 AND (placed_at AT TIME ZONE 'UTC')::date BETWEEN $2 AND $3),
                   (SELECT count(DISTINCT buyer_id) FROM order_listings
                    WHERE seller_id = $1 AND (placed_at AT TIME ZONE 'UTC')::date BETWEEN $2 AND $3 AND paid_at IS NOT NULL)
            """);
        command.Parameters.Add(new() { Value = store });
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        await reader.ReadAsync(TestContext.Current.CancellationToken);
        return new FunnelRow(null, "", reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    private async Task<ReturningBuyers> ReturningBySql(string store, DateOnly from, DateOnly to)
    {
        await using var command = db.DataSource.CreateCommand("""
            WITH b AS (SELECT buyer_id, count(*) FILTER (WHERE (paid_at AT TIME ZONE 'UTC')::date >= $2) AS in_range, count(*) AS paid
                       FROM order_listings WHERE seller_id = $1 AND paid_at IS NOT NULL AND (paid_at AT TIME ZONE 'UTC')::date <= $3
                       GROUP BY buyer_id)
            SELECT count(*) FILTER (WHERE in_range > 0), count(*) FILTER (WHERE in_range > 0 AND paid > 1) FROM b
            """);
        command.Parameters.Add(new() { Value = store });
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        await reader.ReadAsync(TestContext.Current.CancellationToken);
        return new ReturningBuyers(reader.GetInt64(0), reader.GetInt64(1));
    }

    private async Task<List<GmvPoint>> GmvBySql(ReportRange range)
    {
        await using var command = db.DataSource.CreateCommand("""
            SELECT date_trunc('week', o.paid_at AT TIME ZONE 'UTC')::date, o.currency, count(*), sum(o.total)::bigint,
                   coalesce(sum(c.amount), 0)::bigint, count(DISTINCT o.seller_id)
            FROM order_listings o
            LEFT JOIN ledger_entries c ON c.order_id = o.order_id AND c.credit = 'commission'
            WHERE (o.paid_at AT TIME ZONE 'UTC')::date BETWEEN $1 AND $2
            GROUP BY 1, 2 ORDER BY 2, 1
            """);
        command.Parameters.Add(new() { Value = range.From });
        command.Parameters.Add(new() { Value = range.To });
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var points = new List<GmvPoint>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            points.Add(new GmvPoint(reader.GetFieldValue<DateOnly>(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5)));
        }

        return points;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
