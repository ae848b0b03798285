namespace Marketplace.Contracts.Insights;

/// <summary>How a report groups time: by UTC day, ISO week (starting Monday) or calendar month.</summary>
[GenerateSerializer, Alias("mk.ReportInterval")]
public enum ReportInterval
{
    Day = 0,
    Week = 1,
    Month = 2,
}

/// <summary>A report's days: from <see cref="From"/> up to and including <see cref="To"/> (UTC dates).</summary>
[GenerateSerializer, Immutable, Alias("mk.ReportRange")]
public sealed record ReportRange(
    [property: Id(0)] DateOnly From,
    [property: Id(1)] DateOnly To,
    [property: Id(2)] ReportInterval Interval = ReportInterval.Day);

/// <summary>
/// One period of a store's (or the marketplace's) sales in one currency: orders paid in the period, the units on them
/// and their gross (units × unit price, before discounts, shipping and refunds).
/// </summary>
[GenerateSerializer, Immutable, Alias("mk.SalesPoint")]
public sealed record SalesPoint(
    [property: Id(0)] DateOnly Start,
    [property: Id(1)] string Currency,
    [property: Id(2)] long Orders,
    [property: Id(3)] long Units,
    [property: Id(4)] long Gross);

/// <summary>
/// How many distinct visitors reached each step for one product (or the whole store when <see cref="ProductId"/> is
/// null): viewed it, put it in a cart, ordered it, paid for it. Store staff and robots are not counted.
/// </summary>
[GenerateSerializer, Immutable, Alias("mk.FunnelRow")]
public sealed record FunnelRow(
    [property: Id(0)] string? ProductId,
    [property: Id(1)] string Title,
    [property: Id(2)] long Views,
    [property: Id(3)] long Carts,
    [property: Id(4)] long Orders,
    [property: Id(5)] long Paid);

[GenerateSerializer, Immutable, Alias("mk.FunnelReport")]
public sealed record FunnelReport(
    [property: Id(0)] FunnelRow Store,
    [property: Id(1)] IReadOnlyList<FunnelRow> Products);

/// <summary>A product's paid sales in a range.</summary>
[GenerateSerializer, Immutable, Alias("mk.TopProduct")]
public sealed record TopProduct(
    [property: Id(0)] string ProductId,
    [property: Id(1)] string Title,
    [property: Id(2)] string Currency,
    [property: Id(3)] long Orders,
    [property: Id(4)] long Units,
    [property: Id(5)] long Gross);

/// <summary>Buyers with a paid order in the range, and how many of them had paid for an earlier one too.</summary>
[GenerateSerializer, Immutable, Alias("mk.ReturningBuyers")]
public sealed record ReturningBuyers(
    [property: Id(0)] long Buyers,
    [property: Id(1)] long Returning);

/// <summary>
/// One period of the marketplace in one currency: orders paid, what buyers paid for them (totals with shipping and
/// tax, after discounts), the commission kept (net of refunds) and how many stores sold anything.
/// </summary>
[GenerateSerializer, Immutable, Alias("mk.GmvPoint")]
public sealed record GmvPoint(
    [property: Id(0)] DateOnly Start,
    [property: Id(1)] string Currency,
    [property: Id(2)] long Orders,
    [property: Id(3)] long Gmv,
    [property: Id(4)] long Commission,
    [property: Id(5)] long ActiveStores);

/// <summary>A store's paid orders in a range.</summary>
[GenerateSerializer, Immutable, Alias("mk.StoreOrders")]
public sealed record StoreOrders(
    [property: Id(0)] string SellerId,
    [property: Id(1)] string Name,
    [property: Id(2)] string Currency,
    [property: Id(3)] long Orders,
    [property: Id(4)] long Gmv);

/// <summary>A search that found nothing, and how often it was run.</summary>
[GenerateSerializer, Immutable, Alias("mk.SearchGap")]
public sealed record SearchGap(
    [property: Id(0)] string Query,
    [property: Id(1)] long Searches);

/// <summary>What one run of the warehouse's ETL loaded and dropped.</summary>
[GenerateSerializer, Immutable, Alias("mk.EtlRun")]
public sealed record EtlRun(
    [property: Id(0)] DateTimeOffset StartedAt,
    [property: Id(1)] DateTimeOffset FinishedAt,
    [property: Id(2)] bool Rebuilt,
    [property: Id(3)] long OrderEvents,
    [property: Id(4)] long PageEvents,
    [property: Id(5)] long Orders,
    [property: Id(6)] long Erased,
    [property: Id(7)] long Expired);

/// <summary>Where the warehouse is and what it holds.</summary>
[GenerateSerializer, Immutable, Alias("mk.WarehouseStatus")]
public sealed record WarehouseStatus(
    [property: Id(0)] string Silo,
    [property: Id(1)] bool Running,
    [property: Id(2)] EtlRun? LastRun,
    [property: Id(3)] IReadOnlyDictionary<string, long> Rows);

/// <summary>
/// The analytical warehouse: a DuckDB file owned by this grain's one activation (its silo writes it; every other
/// process reads reports through these calls). Its ETL copies order steps and page events from PostgreSQL on a
/// reminder and on demand. Seller reports answer only that store's staff or an admin; marketplace reports only an admin.
/// </summary>
[Alias("mk.IWarehouseGrain")]
public interface IWarehouseGrain : IGrainWithIntegerKey
{
    /// <summary>Makes sure the ETL's reminder exists (every silo calls it at start-up).</summary>
    [Alias("Start")]
    Task Start();

    /// <summary>Runs the ETL now (after a run in progress), from where it stopped or, with <paramref name="rebuild"/>, from scratch.</summary>
    [Alias("Run")]
    Task<EtlRun> Run(bool rebuild = false);

    /// <summary>Starts a run in the background and answers at once (admin only).</summary>
    [Alias("Begin")]
    Task Begin(bool rebuild = false);

    [Alias("Status")]
    Task<WarehouseStatus> Status();

    [Alias("Sales")]
    Task<IReadOnlyList<SalesPoint>> Sales(string sellerId, ReportRange range);

    [Alias("Funnel")]
    Task<FunnelReport> Funnel(string sellerId, DateOnly from, DateOnly to);

    [Alias("TopProducts")]
    Task<IReadOnlyList<TopProduct>> TopProducts(string sellerId, DateOnly from, DateOnly to, int limit);

    [Alias("ReturningBuyers")]
    Task<ReturningBuyers> ReturningBuyers(string sellerId, DateOnly from, DateOnly to);

    [Alias("Gmv")]
    Task<IReadOnlyList<GmvPoint>> Gmv(ReportRange range);

    [Alias("Stores")]
    Task<IReadOnlyList<StoreOrders>> Stores(DateOnly from, DateOnly to, int limit);

    [Alias("SearchGaps")]
    Task<IReadOnlyList<SearchGap>> SearchGaps(DateOnly from, DateOnly to, int limit);

    /// <summary>Queues an export (a graph export names its month) and starts it; answers its id (admin only).</summary>
    [Alias("RequestExport")]
    Task<string> RequestExport(ExportKind kind, DateOnly? month);

    /// <summary>Runs the exports waiting to run, and queues last month's graph export if it has none yet; answers how many ran.</summary>
    [Alias("RunExports")]
    Task<int> RunExports();
}

/// <summary>What an export holds.</summary>
[GenerateSerializer, Alias("mk.ExportKind")]
public enum ExportKind
{
    /// <summary>A month's customers, stores, products, categories, orders, questions and reviews as openCypher CSV files.</summary>
    Graph = 0,

    /// <summary>Every table of the warehouse's star schema as a Parquet file.</summary>
    Parquet = 1,
}
