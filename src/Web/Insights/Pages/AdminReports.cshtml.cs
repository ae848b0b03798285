using Marketplace.Contracts.Insights;
using Marketplace.Web.Finance;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Insights.Pages;

/// <summary>
/// The marketplace's reports: GMV and commission over time per currency, stores by orders, searches that found nothing;
/// and the warehouse itself (where it is, what it holds, its last ETL run, a button to run it now).
/// </summary>
public sealed class AdminReportsModel(TimeProvider clock, ExportQueries exports) : MarketplacePage
{
    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public ReportInterval Interval { get; set; } = ReportInterval.Week;

    public IReadOnlyList<GmvPoint> Gmv { get; private set; } = [];

    public IReadOnlyList<StoreOrders> Stores { get; private set; } = [];

    public IReadOnlyList<SearchGap> Gaps { get; private set; } = [];

    public WarehouseStatus? Warehouse { get; private set; }

    public IReadOnlyList<ExportResponse> Exports { get; private set; } = [];

    /// <summary>Last month, which the graph export form proposes.</summary>
    public string LastMonth => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddMonths(-1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    public string? RangeError { get; private set; }

    public IReadOnlyList<string> Currencies => Gmv.Select(p => p.Currency).Distinct().Order(StringComparer.Ordinal).ToList();

    public Dictionary<string, string> RangeRoute => new()
    {
        ["from"] = $"{From:yyyy-MM-dd}", ["to"] = $"{To:yyyy-MM-dd}", ["interval"] = Interval.ToString(),
    };

    public async Task<IActionResult> OnGetAsync()
    {
        ViewData["Title"] = T["Reports"].Value;
        ViewData["Section"] = "reports";
        if (await LoadAsync() is { } problem)
        {
            RangeError = problem;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        return Page();
    }

    public async Task<IActionResult> OnGetGmvCsvAsync() =>
        await LoadAsync() is null ? new CsvDownload(GmvCsvRow.File(Gmv, From, To)) : BadRequest();

    /// <summary>Starts the ETL now; the page shows it running.</summary>
    public async Task<IActionResult> OnPostRunAsync(bool rebuild)
    {
        await Grains.GetGrain<IWarehouseGrain>(0).Begin(rebuild);
        Flash = rebuild ? T["The warehouse is being rebuilt from scratch."] : T["The warehouse is being brought up to date."];
        return RedirectToPage();
    }

    /// <summary>Starts an export: a month's graph, or the warehouse's tables as Parquet.</summary>
    public async Task<IActionResult> OnPostExportAsync(string kind, string? month)
    {
        DateOnly? first = DateOnly.TryParseExact((month ?? "") + "-01", "yyyy-MM-dd", out var parsed) ? parsed : null;
        if (kind == "graph" && first is null)
        {
            FlashError = T["A graph export needs its month, such as 2026-11."];
            return RedirectToPage();
        }

        await Grains.GetGrain<IWarehouseGrain>(0).RequestExport(kind == "graph" ? ExportKind.Graph : ExportKind.Parquet, first);
        Flash = T["The export started; it is listed below when it is ready."];
        return RedirectToPage();
    }

    private async Task<string?> LoadAsync()
    {
        Exports = await exports.ListAsync(10, HttpContext.RequestAborted);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        To ??= today;
        From ??= ReportQuery.DefaultFrom(To.Value, Interval);
        var range = new ReportRange(From.Value, To.Value, Interval);
        var warehouse = Grains.GetGrain<IWarehouseGrain>(0);
        Warehouse = await warehouse.Status();
        try
        {
            Gmv = await warehouse.Gmv(range);
            var stores = warehouse.Stores(range.From, range.To, 20);
            var gaps = warehouse.SearchGaps(range.From, range.To, 20);
            (Stores, Gaps) = (await stores, await gaps);
            return null;
        }
        catch (DomainException e) when (e.Kind == DomainErrorKind.Validation)
        {
            return T[e.Errors?.Values.SelectMany(v => v).FirstOrDefault() ?? e.Message].Value;
        }
    }
}
