using DuckDB.NET.Data;

namespace Marketplace.Grains.Insights;

/// <summary>
/// The analytical store: one DuckDB file holding a star schema. Facts: <c>fact_order</c> (one row per order),
/// <c>fact_order_line</c> (one per order line) and <c>fact_event</c> (page events and order steps); dimensions:
/// <c>dim_date</c>, <c>dim_store</c>, <c>dim_product</c>, <c>dim_customer</c>. <c>etl_marks</c> says where the ETL stopped
/// in each source and changes in the same transaction as the rows it loaded, so a run that dies loses nothing and loads
/// nothing twice. One process opens the file for writing (DuckDB locks it); every query of this class opens its own
/// connection to the same database, so reports run while the ETL loads.
/// </summary>
public sealed class Warehouse : IDisposable
{
    /// <summary>The tables users may export, in the order a rebuild empties them.</summary>
    public static readonly IReadOnlyList<string> Tables =
        ["fact_event", "fact_order_line", "fact_order", "dim_customer", "dim_product", "dim_store", "dim_date"];

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS etl_source (source_id VARCHAR);
        CREATE TABLE IF NOT EXISTS etl_marks (source VARCHAR PRIMARY KEY, tx BIGINT NOT NULL, id BIGINT NOT NULL);
        CREATE TABLE IF NOT EXISTS etl_runs (
            started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ, rebuilt BOOLEAN, order_events BIGINT, page_events BIGINT,
            orders BIGINT, erased BIGINT, expired BIGINT);
        CREATE TABLE IF NOT EXISTS dim_date (
            date_key DATE PRIMARY KEY, year INTEGER, quarter INTEGER, month INTEGER, iso_week INTEGER, day_of_week INTEGER,
            week_start DATE, month_start DATE);
        CREATE TABLE IF NOT EXISTS dim_store (seller_id VARCHAR PRIMARY KEY, name VARCHAR, status VARCHAR, created_at TIMESTAMPTZ);
        CREATE TABLE IF NOT EXISTS dim_product (
            product_id VARCHAR PRIMARY KEY, seller_id VARCHAR, title VARCHAR, category VARCHAR, currency VARCHAR, price BIGINT,
            listed BOOLEAN);
        CREATE TABLE IF NOT EXISTS dim_customer (
            customer_id VARCHAR PRIMARY KEY, first_order_at TIMESTAMPTZ, first_paid_at TIMESTAMPTZ, paid_orders BIGINT);
        CREATE TABLE IF NOT EXISTS fact_order (
            order_id VARCHAR, seller_id VARCHAR, customer_id VARCHAR, currency VARCHAR, status VARCHAR, total BIGINT,
            discount BIGINT, captured BIGINT, refunded BIGINT, commission BIGINT, units INTEGER, placed_at TIMESTAMPTZ,
            paid_at TIMESTAMPTZ, delivered_at TIMESTAMPTZ, placed_date DATE, paid_date DATE);
        CREATE TABLE IF NOT EXISTS fact_order_line (
            order_id VARCHAR, line_no INTEGER, seller_id VARCHAR, customer_id VARCHAR, product_id VARCHAR, sku VARCHAR,
            title VARCHAR, quantity INTEGER, unit_price BIGINT, gross BIGINT, currency VARCHAR, status VARCHAR,
            placed_at TIMESTAMPTZ, paid_at TIMESTAMPTZ, placed_date DATE, paid_date DATE);
        CREATE TABLE IF NOT EXISTS fact_event (
            event_key VARCHAR PRIMARY KEY, source VARCHAR, kind VARCHAR, occurred_at TIMESTAMPTZ, date_key DATE, visitor_id VARCHAR,
            product_id VARCHAR, seller_id VARCHAR, order_id VARCHAR, search_query VARCHAR, result_count INTEGER,
            position INTEGER, quantity INTEGER, language VARCHAR, currency VARCHAR);
        """;

    private readonly string connectionString;
    private readonly DuckDBConnection anchor;

    /// <summary>Opens (creating if needed) the warehouse file.</summary>
    public Warehouse(string file, int memoryLimitMegabytes = 512, int threads = 2)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        File = file;
        connectionString = $"Data Source={file}";
        // Holds the database open (and the file locked) for the warehouse's lifetime; other connections share it.
        anchor = new DuckDBConnection(connectionString);
        anchor.Open();
        Execute(anchor, $"SET memory_limit = '{memoryLimitMegabytes}MB'; SET threads = {threads};");
        Execute(anchor, Schema);
        FillDates(anchor);
    }

    public string File { get; }

    /// <summary>A new connection to the warehouse, with times in UTC.</summary>
    public DuckDBConnection Connect()
    {
        var connection = new DuckDBConnection(connectionString);
        connection.Open();
        Execute(connection, "SET TimeZone = 'UTC'");
        return connection;
    }

    /// <summary>The database the warehouse was filled from (see <see cref="Reset"/>), or null for a new warehouse.</summary>
    public string? Source()
    {
        using var connection = Connect();
        return Scalar(connection, "SELECT source_id FROM etl_source") as string;
    }

    /// <summary>
    /// Empties every table and forgets where the ETL stopped, for a load from scratch out of the database
    /// <paramref name="source"/> names.
    /// </summary>
    public void Reset(string source)
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        foreach (var table in Tables.Where(t => t != "dim_date"))
        {
            Execute(connection, $"DELETE FROM {table}");
        }

        Execute(connection, "DELETE FROM etl_marks; DELETE FROM etl_source");
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "INSERT INTO etl_source VALUES ($source)";
            command.Parameters.Add(new DuckDBParameter("source", source));
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>Row counts of the star schema's tables.</summary>
    public IReadOnlyDictionary<string, long> Counts()
    {
        using var connection = Connect();
        return Tables.ToDictionary(t => t, t => Convert.ToInt64(Scalar(connection, $"SELECT count(*) FROM {t}")));
    }

    public SourceMark Mark(string source)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT tx, id FROM etl_marks WHERE source = $source";
        command.Parameters.Add(new DuckDBParameter("source", source));
        using var reader = command.ExecuteReader();
        return reader.Read() ? new SourceMark(reader.GetInt64(0), reader.GetInt64(1)) : SourceMark.Start;
    }

    /// <summary>
    /// Loads a chunk of order steps with the current facts of the orders they concern (replacing what the warehouse had
    /// for those orders), and moves the source's mark past them, all in one transaction.
    /// </summary>
    public void LoadOrders(
        IReadOnlyList<OrderEventRow> events, IReadOnlyList<OrderFact> orders, IReadOnlyList<OrderLineFact> lines, SourceMark next, string source = "order_events")
    {
        using var connection = Connect();
        Execute(connection, "CREATE TEMP TABLE stage_order AS FROM fact_order LIMIT 0; CREATE TEMP TABLE stage_line AS FROM fact_order_line LIMIT 0");
        using var transaction = connection.BeginTransaction();
        var byOrder = orders.ToDictionary(o => o.OrderId, StringComparer.Ordinal);
        using (var appender = connection.CreateAppender("stage_order"))
        {
            foreach (var o in orders)
            {
                appender.CreateRow()
                    .AppendValue(o.OrderId).AppendValue(o.SellerId).AppendValue(o.BuyerId).AppendValue(o.Currency).AppendValue(o.Status)
                    .AppendValue(o.Total).AppendValue(o.Discount).AppendValue(o.Captured).AppendValue(o.Refunded).AppendValue(o.Commission)
                    .AppendValue(o.Units).AppendValue(o.PlacedAt).AppendValue(o.PaidAt).AppendValue(o.DeliveredAt)
                    .AppendValue(Day(o.PlacedAt)).AppendValue(o.PaidAt is { } paid ? Day(paid) : (DateOnly?)null)
                    .EndRow();
            }
        }

        using (var appender = connection.CreateAppender("stage_line"))
        {
            foreach (var l in lines)
            {
                var o = byOrder[l.OrderId];
                appender.CreateRow()
                    .AppendValue(l.OrderId).AppendValue(l.LineNo).AppendValue(o.SellerId).AppendValue(o.BuyerId).AppendValue(l.ProductId)
                    .AppendValue(l.Sku).AppendValue(l.Title).AppendValue(l.Quantity).AppendValue(l.UnitPrice).AppendValue(l.Quantity * l.UnitPrice)
                    .AppendValue(o.Currency).AppendValue(o.Status).AppendValue(o.PlacedAt).AppendValue(o.PaidAt)
                    .AppendValue(Day(o.PlacedAt)).AppendValue(o.PaidAt is { } paid ? Day(paid) : (DateOnly?)null)
                    .EndRow();
            }
        }

        Execute(connection, """
            DELETE FROM fact_order WHERE order_id IN (SELECT order_id FROM stage_order);
            DELETE FROM fact_order_line WHERE order_id IN (SELECT order_id FROM stage_order);
            INSERT INTO fact_order SELECT * FROM stage_order;
            INSERT INTO fact_order_line SELECT * FROM stage_line;
            """);
        AppendEvents(connection, events.Select(e => new PageEventRow(
            0, 0, e.At, "order." + e.Kind, e.BuyerId, null, e.SellerId, null, null, null, e.Units, null, null)),
            events.Select(e => $"o:{e.OrderId}:{e.Kind}:{e.Ref}"), events.Select(e => (string?)e.OrderId), "order");
        SetMark(connection, source, next);
        transaction.Commit();
    }

    /// <summary>Loads a chunk of page events and moves the source's mark past them, in one transaction.</summary>
    public void LoadPageEvents(IReadOnlyList<PageEventRow> events, SourceMark next)
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        AppendEvents(connection, events, events.Select(e => $"p:{e.Id}"), events.Select(_ => (string?)null), "page");
        SetMark(connection, "analytics_events", next);
        transaction.Commit();
    }

    /// <summary>Removes every event of these visitors (erased accounts) and moves the erasures' mark; answers the rows removed.</summary>
    public long Erase(IReadOnlyList<string> visitorIds, SourceMark next)
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM fact_event WHERE visitor_id = ANY($visitors)";
        command.Parameters.Add(new DuckDBParameter("visitors", visitorIds.ToArray()));
        var removed = command.ExecuteNonQuery();
        SetMark(connection, "analytics_erasures", next);
        transaction.Commit();
        return removed;
    }

    /// <summary>Drops page events older than <paramref name="cutoff"/>; answers how many.</summary>
    public long Expire(DateTimeOffset cutoff)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM fact_event WHERE source = 'page' AND occurred_at < $cutoff";
        command.Parameters.Add(new DuckDBParameter("cutoff", cutoff.UtcDateTime));
        return command.ExecuteNonQuery();
    }

    /// <summary>Replaces the store and product dimensions, and derives the customer dimension from the order facts.</summary>
    public void LoadDimensions(IReadOnlyList<StoreRow> stores, IReadOnlyList<ProductRow> listed)
    {
        using var connection = Connect();
        Execute(connection, "CREATE TEMP TABLE stage_store AS FROM dim_store LIMIT 0; CREATE TEMP TABLE stage_product AS FROM dim_product LIMIT 0");
        using var transaction = connection.BeginTransaction();
        using (var appender = connection.CreateAppender("stage_store"))
        {
            foreach (var s in stores)
            {
                appender.CreateRow().AppendValue(s.SellerId).AppendValue(s.Name).AppendValue(s.Status).AppendValue(s.CreatedAt).EndRow();
            }
        }

        using (var appender = connection.CreateAppender("stage_product"))
        {
            foreach (var p in listed)
            {
                appender.CreateRow().AppendValue(p.ProductId).AppendValue(p.SellerId).AppendValue(p.Title).AppendValue(p.Category)
                    .AppendValue(p.Currency).AppendValue(p.Price).AppendValue(true).EndRow();
            }
        }

        // A product no longer listed keeps its row (sales still name it), marked unlisted; one never listed but sold
        // gets one from its order lines.
        Execute(connection, """
            DELETE FROM dim_store WHERE seller_id NOT IN (SELECT seller_id FROM stage_store);
            INSERT OR REPLACE INTO dim_store SELECT * FROM stage_store;
            UPDATE dim_product SET listed = false WHERE product_id NOT IN (SELECT product_id FROM stage_product);
            INSERT OR REPLACE INTO dim_product SELECT * FROM stage_product;
            INSERT INTO dim_product
                SELECT l.product_id, any_value(l.seller_id), any_value(l.title), '', any_value(l.currency), any_value(l.unit_price), false
                FROM fact_order_line l
                WHERE l.product_id NOT IN (SELECT product_id FROM dim_product)
                GROUP BY l.product_id;
            DELETE FROM dim_customer WHERE customer_id NOT IN (SELECT customer_id FROM fact_order);
            INSERT OR REPLACE INTO dim_customer
                SELECT customer_id, min(placed_at), min(paid_at), count(paid_at) FROM fact_order GROUP BY customer_id;
            """);
        transaction.Commit();
    }

    public void RecordRun(Contracts.Insights.EtlRun run)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO etl_runs VALUES ($s, $f, $r, $oe, $pe, $o, $e, $x)";
        command.Parameters.Add(new DuckDBParameter("s", run.StartedAt.UtcDateTime));
        command.Parameters.Add(new DuckDBParameter("f", run.FinishedAt.UtcDateTime));
        command.Parameters.Add(new DuckDBParameter("r", run.Rebuilt));
        command.Parameters.Add(new DuckDBParameter("oe", run.OrderEvents));
        command.Parameters.Add(new DuckDBParameter("pe", run.PageEvents));
        command.Parameters.Add(new DuckDBParameter("o", run.Orders));
        command.Parameters.Add(new DuckDBParameter("e", run.Erased));
        command.Parameters.Add(new DuckDBParameter("x", run.Expired));
        command.ExecuteNonQuery();
    }

    /// <summary>The last run recorded, if any.</summary>
    public Contracts.Insights.EtlRun? LastRun()
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM etl_runs ORDER BY finished_at DESC LIMIT 1";
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new Contracts.Insights.EtlRun(
                Utc(reader.GetDateTime(0)), Utc(reader.GetDateTime(1)), reader.GetBoolean(2), reader.GetInt64(3), reader.GetInt64(4),
                reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7))
            : null;
    }

    /// <summary>Writes one table as a Parquet file.</summary>
    public void ExportParquet(string table, string file)
    {
        if (!Tables.Contains(table, StringComparer.Ordinal))
        {
            throw new ArgumentException($"The warehouse has no table {table}.", nameof(table));
        }

        using var connection = Connect();
        Execute(connection, $"COPY {table} TO '{file.Replace("'", "''", StringComparison.Ordinal)}' (FORMAT parquet, COMPRESSION zstd)");
    }

    public void Dispose() => anchor.Dispose();

    internal static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    internal static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>The rows of a query, each read by <paramref name="row"/>.</summary>
    internal static List<T> Rows<T>(DuckDBConnection connection, string sql, IEnumerable<DuckDBParameter> parameters, Func<DuckDBDataReader, T> row)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter);
        }

        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(row(reader));
        }

        return rows;
    }

    internal static object? Scalar(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    private static void AppendEvents(
        DuckDBConnection connection, IEnumerable<PageEventRow> events, IEnumerable<string> keys, IEnumerable<string?> orderIds, string source)
    {
        Execute(connection, "CREATE TEMP TABLE IF NOT EXISTS stage_event AS FROM fact_event LIMIT 0; DELETE FROM stage_event");
        using (var appender = connection.CreateAppender("stage_event"))
        {
            foreach (var (e, key, orderId) in events.Zip(keys, orderIds))
            {
                appender.CreateRow()
                    .AppendValue(key).AppendValue(source).AppendValue(e.Kind).AppendValue(e.At).AppendValue(Day(e.At)).AppendValue(e.VisitorId)
                    .AppendValue(e.ProductId).AppendValue(e.SellerId).AppendValue(orderId).AppendValue(e.Query).AppendValue(e.ResultCount)
                    .AppendValue(e.Position).AppendValue(e.Quantity).AppendValue(e.Language).AppendValue(e.Currency)
                    .EndRow();
            }
        }

        // A chunk read again after a crash finds its events already here: they are kept, not doubled.
        Execute(connection, "INSERT OR IGNORE INTO fact_event SELECT * FROM stage_event");
    }

    private static void SetMark(DuckDBConnection connection, string source, SourceMark mark)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT OR REPLACE INTO etl_marks VALUES ($source, $tx, $id)";
        command.Parameters.Add(new DuckDBParameter("source", source));
        command.Parameters.Add(new DuckDBParameter("tx", mark.Tx));
        command.Parameters.Add(new DuckDBParameter("id", mark.Id));
        command.ExecuteNonQuery();
    }

    private static void FillDates(DuckDBConnection connection) => Execute(connection, """
        INSERT OR IGNORE INTO dim_date
            SELECT d::DATE, year(d), quarter(d), month(d), weekofyear(d), isodow(d), date_trunc('week', d)::DATE, date_trunc('month', d)::DATE
            FROM range(DATE '2020-01-01', DATE '2041-01-01', INTERVAL 1 DAY) t(d)
        """);
}
