using System.Security.Claims;
using Marketplace.Contracts.Insights;
using Marketplace.Web.Accounts;
using Marketplace.Web.Finance;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Marketplace.Web.Insights;

public sealed record SalesReportResponse(DateOnly From, DateOnly To, string Interval, IReadOnlyList<SalesPoint> Series);

public sealed record FunnelReportResponse(DateOnly From, DateOnly To, FunnelRow Store, IReadOnlyList<FunnelRow> Products);

public sealed record TopProductsResponse(DateOnly From, DateOnly To, IReadOnlyList<TopProduct> Items);

public sealed record ReturningBuyersResponse(DateOnly From, DateOnly To, long Buyers, long Returning);

public sealed record GmvPointResponse(DateOnly Start, long Orders, long Gmv, long Commission, long ActiveStores);

public sealed record GmvSeriesResponse(string Currency, IReadOnlyList<GmvPointResponse> Points);

public sealed record GmvReportResponse(DateOnly From, DateOnly To, string Interval, IReadOnlyList<GmvSeriesResponse> Series);

public sealed record StoresReportResponse(DateOnly From, DateOnly To, IReadOnlyList<StoreOrders> Items);

public sealed record SearchGapsResponse(DateOnly From, DateOnly To, IReadOnlyList<SearchGap> Items);

public sealed record EtlRunRequest(bool Rebuild = false);

public sealed record WarehouseStatusResponse(string Silo, bool Running, EtlRun? LastRun, IReadOnlyDictionary<string, long> Rows);

/// <summary>Whether the caller's page events may be recorded.</summary>
public sealed record ConsentRequest(bool Record);

/// <summary>
/// Reports from the warehouse (a store's for its staff, the marketplace's for admins), each also as CSV with
/// <c>Accept: text/csv</c>; the ETL on demand; the visitor's recording choice. Dates are UTC days; a range includes both
/// ends and defaults to the last 30 days.
/// </summary>
public static class InsightsApi
{
    public static IEndpointRouteBuilder MapInsightsApi(this IEndpointRouteBuilder routes)
    {
        var seller = routes.MapGroup("/seller/reports").WithTags("Reports").RequireAuthorization(AuthorizationSetup.SellerPolicy);
        seller.MapGet("/sales", Sales).WithName("SalesReport")
            .WithSummary("The store's paid orders, units and gross per day, week or month (by the day each order was paid)");
        seller.MapGet("/funnel", Funnel).WithName("FunnelReport")
            .WithSummary("Distinct visitors who viewed, put in a cart, ordered and paid, for the store and per product");
        seller.MapGet("/top-products", TopProducts).WithName("TopProductsReport").WithSummary("The store's best sellers by gross");
        seller.MapGet("/returning-buyers", Returning).WithName("ReturningBuyersReport")
            .WithSummary("Buyers who paid in the range, and how many of them had paid for more than one order at the store");

        var admin = routes.MapGroup("/admin").WithTags("Reports").RequireAuthorization(AuthorizationSetup.AdminPolicy);
        admin.MapGet("/reports/gmv", Gmv).WithName("GmvReport")
            .WithSummary("Orders paid, what buyers paid (GMV), commission and stores that sold, per period, one series per currency");
        admin.MapGet("/reports/stores", Stores).WithName("StoresReport").WithSummary("Stores by paid orders in the range");
        admin.MapGet("/reports/search-gaps", SearchGaps).WithName("SearchGapsReport").WithSummary("Searches that found nothing, most frequent first");
        admin.MapPost("/etl/run", RunEtl).WithName("RunEtl")
            .WithSummary("Start the warehouse's ETL now (from where it stopped, or from scratch with rebuild); see GET /api/admin/etl");
        admin.MapGet("/etl", EtlStatus).WithName("EtlStatus").WithSummary("Where the warehouse is, what it holds and its last ETL run");
        return routes;
    }

    /// <summary>The recording choice, for accounts and guests alike (any token).</summary>
    public static IEndpointRouteBuilder MapRecordingConsentApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPut("/insights/consent", Consent).RequireAuthorization(AuthorizationSetup.VisitorPolicy).WithTags("Reports").WithName("SetRecordingConsent")
            .WithSummary("Stop (record: false) or allow recording the caller's page events; stopping also erases those recorded");
        return routes;
    }

    private static async Task<Results<Ok<SalesReportResponse>, FileContentHttpResult, ProblemHttpResult>> Sales(
        HttpRequest http, ClaimsPrincipal user, IGrainFactory grains, string? from = null, string? to = null, string? interval = null)
    {
        if (ReportQuery.Parse(from, to, interval) is not { Range: { } range } query)
        {
            return ReportQuery.Invalid(from, to, interval);
        }

        var series = await Warehouse(grains).Sales(user.SellerId()!, range);
        if (CsvResults.Wanted(http))
        {
            return (FileContentHttpResult)SalesCsvRow.File(series, range.From, range.To);
        }

        return TypedResults.Ok(new SalesReportResponse(range.From, range.To, query.IntervalName, series));
    }

    private static async Task<Results<Ok<FunnelReportResponse>, FileContentHttpResult, ProblemHttpResult>> Funnel(
        HttpRequest http, ClaimsPrincipal user, IGrainFactory grains, string? from = null, string? to = null)
    {
        if (ReportQuery.Parse(from, to, null) is not { Range: { } range })
        {
            return ReportQuery.Invalid(from, to, null);
        }

        var funnel = await Warehouse(grains).Funnel(user.SellerId()!, range.From, range.To);
        if (CsvResults.Wanted(http))
        {
            return (FileContentHttpResult)FunnelCsvRow.File(funnel, "(store)", range.From, range.To);
        }

        return TypedResults.Ok(new FunnelReportResponse(range.From, range.To, funnel.Store, funnel.Products));
    }

    private static async Task<Results<Ok<TopProductsResponse>, ProblemHttpResult>> TopProducts(
        ClaimsPrincipal user, IGrainFactory grains, string? from = null, string? to = null, int limit = 10)
    {
        if (ReportQuery.Parse(from, to, null) is not { Range: { } range })
        {
            return ReportQuery.Invalid(from, to, null);
        }

        return TypedResults.Ok(new TopProductsResponse(range.From, range.To,
            await Warehouse(grains).TopProducts(user.SellerId()!, range.From, range.To, Math.Clamp(limit, 1, 100))));
    }

    private static async Task<Results<Ok<ReturningBuyersResponse>, ProblemHttpResult>> Returning(
        ClaimsPrincipal user, IGrainFactory grains, string? from = null, string? to = null)
    {
        if (ReportQuery.Parse(from, to, null) is not { Range: { } range })
        {
            return ReportQuery.Invalid(from, to, null);
        }

        var buyers = await Warehouse(grains).ReturningBuyers(user.SellerId()!, range.From, range.To);
        return TypedResults.Ok(new ReturningBuyersResponse(range.From, range.To, buyers.Buyers, buyers.Returning));
    }

    private static async Task<Results<Ok<GmvReportResponse>, FileContentHttpResult, ProblemHttpResult>> Gmv(
        HttpRequest http, IGrainFactory grains, string? from = null, string? to = null, string? interval = null)
    {
        if (ReportQuery.Parse(from, to, interval) is not { Range: { } range } query)
        {
            return ReportQuery.Invalid(from, to, interval);
        }

        var points = await Warehouse(grains).Gmv(range);
        if (CsvResults.Wanted(http))
        {
            return (FileContentHttpResult)GmvCsvRow.File(points, range.From, range.To);
        }

        var series = points.GroupBy(p => p.Currency)
            .Select(g => new GmvSeriesResponse(g.Key, g.Select(p => new GmvPointResponse(p.Start, p.Orders, p.Gmv, p.Commission, p.ActiveStores)).ToList()))
            .ToList();
        return TypedResults.Ok(new GmvReportResponse(range.From, range.To, query.IntervalName, series));
    }

    private static async Task<Results<Ok<StoresReportResponse>, ProblemHttpResult>> Stores(
        IGrainFactory grains, string? from = null, string? to = null, int limit = 50)
    {
        if (ReportQuery.Parse(from, to, null) is not { Range: { } range })
        {
            return ReportQuery.Invalid(from, to, null);
        }

        return TypedResults.Ok(new StoresReportResponse(range.From, range.To, await Warehouse(grains).Stores(range.From, range.To, Math.Clamp(limit, 1, 500))));
    }

    private static async Task<Results<Ok<SearchGapsResponse>, ProblemHttpResult>> SearchGaps(
        IGrainFactory grains, string? from = null, string? to = null, int limit = 50)
    {
        if (ReportQuery.Parse(from, to, null) is not { Range: { } range })
        {
            return ReportQuery.Invalid(from, to, null);
        }

        return TypedResults.Ok(new SearchGapsResponse(range.From, range.To, await Warehouse(grains).SearchGaps(range.From, range.To, Math.Clamp(limit, 1, 500))));
    }

    private static async Task<Accepted<WarehouseStatusResponse>> RunEtl(IGrainFactory grains, EtlRunRequest? request = null)
    {
        var warehouse = Warehouse(grains);
        await warehouse.Begin(request?.Rebuild ?? false);
        var status = await warehouse.Status();
        return TypedResults.Accepted("/api/admin/etl", new WarehouseStatusResponse(status.Silo, status.Running, status.LastRun, status.Rows));
    }

    private static async Task<Ok<WarehouseStatusResponse>> EtlStatus(IGrainFactory grains)
    {
        var status = await Warehouse(grains).Status();
        return TypedResults.Ok(new WarehouseStatusResponse(status.Silo, status.Running, status.LastRun, status.Rows));
    }

    private static async Task<NoContent> Consent(ConsentRequest request, ClaimsPrincipal user, NpgsqlDataSource db, EventRecorder recorder, CancellationToken ct)
    {
        var visitor = user.UserId();
        if (request.Record)
        {
            await using var command = db.CreateCommand("DELETE FROM analytics_opt_outs WHERE visitor_id = $1");
            command.Parameters.Add(new() { Value = visitor });
            await command.ExecuteNonQueryAsync(ct);
            recorder.OptIn(visitor);
        }
        else
        {
            await PageEventErasure.OptOutAsync(db, visitor, ct);
            recorder.OptOut(visitor);
        }

        return TypedResults.NoContent();
    }

    private static IWarehouseGrain Warehouse(IGrainFactory grains) => grains.GetGrain<IWarehouseGrain>(0);
}

/// <summary>A report's range and interval from the query string.</summary>
public sealed record ReportQuery(ReportRange? Range, string IntervalName)
{
    /// <summary>The range asked for; Range null when a date or the interval cannot be read (see <see cref="Invalid"/>).</summary>
    public static ReportQuery Parse(string? from, string? to, string? interval)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        DateOnly? end = to is null ? today : DateOnly.TryParseExact(to, "yyyy-MM-dd", out var t) ? t : null;
        DateOnly? start = from is null ? end?.AddDays(-29) : DateOnly.TryParseExact(from, "yyyy-MM-dd", out var f) ? f : null;
        // Only the names: Enum.TryParse would also take numbers, "week,month" and padded text.
        ReportInterval? unit = interval is null ? ReportInterval.Day
            : Enum.GetValues<ReportInterval>().Select(v => (ReportInterval?)v).FirstOrDefault(v => string.Equals(v.ToString(), interval, StringComparison.OrdinalIgnoreCase));
        return start is null || end is null || unit is null
            ? new ReportQuery(null, "")
            : new ReportQuery(new ReportRange(start.Value, end.Value, unit.Value), unit.Value.ToString().ToLowerInvariant());
    }

    /// <summary>Where a page's range starts when the reader names only its end: 30 days, 12 weeks or 12 months of periods.</summary>
    public static DateOnly DefaultFrom(DateOnly to, ReportInterval interval) => interval switch
    {
        ReportInterval.Month => to.AddMonths(-11),
        ReportInterval.Week => to.AddDays(-7 * 12),
        _ => to.AddDays(-29),
    };

    public static ProblemHttpResult Invalid(string? from, string? to, string? interval)
    {
        var errors = new Dictionary<string, string[]>();
        if (from is not null && !DateOnly.TryParseExact(from, "yyyy-MM-dd", out _))
        {
            errors["from"] = ["A date such as 2026-12-01."];
        }

        if (to is not null && !DateOnly.TryParseExact(to, "yyyy-MM-dd", out _))
        {
            errors["to"] = ["A date such as 2026-12-31."];
        }

        if (errors.Count == 0)
        {
            errors["interval"] = ["One of day, week, month."];
        }

        return TypedResults.Problem(new HttpValidationProblemDetails(errors) { Status = 400, Title = "The report's range is not valid." });
    }
}

/// <summary>A store's sales as a spreadsheet reads them: one row per period and currency, amounts in major units.</summary>
[CsvHelper.CsvRecord]
public sealed partial record SalesCsvRow(string Start, string Currency, long Orders, long Units, string Gross)
{
    /// <summary>The sales report as a CSV download (the API's and the reports page's).</summary>
    public static IResult File(IEnumerable<SalesPoint> series, DateOnly? from, DateOnly? to) => CsvResults.File(
        series.Select(p => new SalesCsvRow(p.Start.ToString("O"), p.Currency, p.Orders, p.Units, CsvResults.Amount(p.Gross, p.Currency))),
        $"sales-{from:yyyy-MM-dd}-{to:yyyy-MM-dd}.csv");
}

/// <summary>A funnel as a spreadsheet reads it: the whole store first (titled <c>storeTitle</c>), then each product.</summary>
[CsvHelper.CsvRecord]
public sealed partial record FunnelCsvRow(string ProductId, string Title, long Views, long Carts, long Orders, long Paid)
{
    public static IResult File(FunnelReport funnel, string storeTitle, DateOnly? from, DateOnly? to) => CsvResults.File(
        new[] { funnel.Store with { Title = storeTitle } }.Concat(funnel.Products)
            .Select(r => new FunnelCsvRow(r.ProductId ?? "", r.Title, r.Views, r.Carts, r.Orders, r.Paid)),
        $"funnel-{from:yyyy-MM-dd}-{to:yyyy-MM-dd}.csv");
}

/// <summary>The marketplace's GMV as a spreadsheet reads it: one row per period and currency, amounts in major units.</summary>
[CsvHelper.CsvRecord]
public sealed partial record GmvCsvRow(string Start, string Currency, long Orders, string Gmv, string Commission, long ActiveStores)
{
    public static IResult File(IEnumerable<GmvPoint> points, DateOnly? from, DateOnly? to) => CsvResults.File(
        points.Select(p => new GmvCsvRow(p.Start.ToString("O"), p.Currency, p.Orders, CsvResults.Amount(p.Gmv, p.Currency),
            CsvResults.Amount(p.Commission, p.Currency), p.ActiveStores)),
        $"gmv-{from:yyyy-MM-dd}-{to:yyyy-MM-dd}.csv");
}
