using System.Text.Json;
using Marketplace.Contracts.Insights;

namespace Marketplace.Web.Insights;

/// <summary>One line or set of bars of a chart; values in major units for money.</summary>
public sealed record ChartSeries(string Label, IReadOnlyList<decimal> Values, string Axis = "y");

/// <summary>
/// A chart as the page hands it to the chart script (JSON in the page; the script draws it with Chart.js). The same
/// figures are in a table next to it, for screen readers and for reading exact values.
/// </summary>
public sealed record ChartData(string Kind, IReadOnlyList<string> Labels, IReadOnlyList<ChartSeries> Series, string? SecondAxis = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The chart as JSON safe to place inside a script element (the default encoder escapes &lt; and &gt;).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Minor units as the major units a chart's axis shows.</summary>
    public static decimal Major(long minorUnits, string currency) =>
        minorUnits / (decimal)Math.Pow(10, Currencies.IsSupported(currency) ? Currencies.DecimalsOf(currency) : 0);

    /// <summary>Sales of one currency: gross as bars, orders as a line on a second axis.</summary>
    public static ChartData Sales(IEnumerable<SalesPoint> points, string currency, string grossLabel, string ordersLabel)
    {
        var series = points.Where(p => p.Currency == currency).OrderBy(p => p.Start).ToList();
        return new ChartData("bar", series.Select(p => p.Start.ToString("yyyy-MM-dd")).ToList(),
        [
            new ChartSeries(grossLabel, series.Select(p => Major(p.Gross, currency)).ToList()),
            new ChartSeries(ordersLabel, series.Select(p => (decimal)p.Orders).ToList(), "y2"),
        ], ordersLabel);
    }

    /// <summary>The marketplace in one currency: GMV as bars, commission as a line.</summary>
    public static ChartData Gmv(IEnumerable<GmvPoint> points, string currency, string gmvLabel, string commissionLabel)
    {
        var series = points.Where(p => p.Currency == currency).OrderBy(p => p.Start).ToList();
        return new ChartData("bar", series.Select(p => p.Start.ToString("yyyy-MM-dd")).ToList(),
        [
            new ChartSeries(gmvLabel, series.Select(p => Major(p.Gmv, currency)).ToList()),
            new ChartSeries(commissionLabel, series.Select(p => Major(p.Commission, currency)).ToList()),
        ]);
    }

    /// <summary>A funnel's steps as horizontal bars.</summary>
    public static ChartData Funnel(FunnelRow row, IReadOnlyList<string> stepLabels, string visitorsLabel) =>
        new("funnel", stepLabels, [new ChartSeries(visitorsLabel, [row.Views, row.Carts, row.Orders, row.Paid])]);
}
