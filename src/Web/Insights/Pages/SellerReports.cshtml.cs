using Marketplace.Contracts.Insights;
using Marketplace.Web.Finance;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Insights.Pages;

/// <summary>
/// The store's reports over the warehouse: sales over time (chart and table per currency), the conversion funnel, best
/// sellers and returning buyers, for a range and interval the seller picks; each table downloads as CSV.
/// </summary>
public sealed class SellerReportsModel(TimeProvider clock) : SellerPage
{
    public override string Section => "reports";

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public ReportInterval Interval { get; set; } = ReportInterval.Day;

    public IReadOnlyList<SalesPoint> Sales { get; private set; } = [];

    public FunnelReport Funnel { get; private set; } = new(new FunnelRow(null, "", 0, 0, 0, 0), []);

    public IReadOnlyList<TopProduct> Top { get; private set; } = [];

    public ReturningBuyers Returning { get; private set; } = new(0, 0);

    public IReadOnlyList<string> Currencies => Sales.Select(p => p.Currency).Distinct().Order(StringComparer.Ordinal).ToList();

    public string? RangeError { get; private set; }

    /// <summary>The range as the CSV links repeat it.</summary>
    public Dictionary<string, string> RangeRoute => new()
    {
        ["from"] = $"{From:yyyy-MM-dd}", ["to"] = $"{To:yyyy-MM-dd}", ["interval"] = Interval.ToString(),
    };

    public async Task<IActionResult> OnGetAsync()
    {
        ViewData["Title"] = T["Reports"].Value;
        if (await LoadAsync() is { } problem)
        {
            RangeError = problem;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        return Page();
    }

    public async Task<IActionResult> OnGetSalesCsvAsync() =>
        await LoadAsync() is null ? new CsvDownload(SalesCsvRow.File(Sales, From, To)) : BadRequest();

    public async Task<IActionResult> OnGetFunnelCsvAsync() =>
        await LoadAsync() is null ? new CsvDownload(FunnelCsvRow.File(Funnel, T["Whole store"].Value, From, To)) : BadRequest();

    public static string Percent(long part, long whole) => whole == 0 ? "–" : (part / (double)whole).ToString("P0", System.Globalization.CultureInfo.CurrentCulture);

    /// <summary>Reads every report of the range; answers what is wrong with the range instead, if anything.</summary>
    private async Task<string?> LoadAsync()
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        To ??= today;
        From ??= ReportQuery.DefaultFrom(To.Value, Interval);
        var range = new ReportRange(From.Value, To.Value, Interval);
        var warehouse = Grains.GetGrain<IWarehouseGrain>(0);
        try
        {
            // The warehouse judges the range; one refusal says what is wrong with it.
            Sales = await warehouse.Sales(SellerId, range);
            var funnel = warehouse.Funnel(SellerId, range.From, range.To);
            var top = warehouse.TopProducts(SellerId, range.From, range.To, 10);
            var returning = warehouse.ReturningBuyers(SellerId, range.From, range.To);
            (Funnel, Top, Returning) = (await funnel, await top, await returning);
            return null;
        }
        catch (DomainException e) when (e.Kind == DomainErrorKind.Validation)
        {
            return T[e.Errors?.Values.SelectMany(v => v).FirstOrDefault() ?? e.Message].Value;
        }
    }
}
