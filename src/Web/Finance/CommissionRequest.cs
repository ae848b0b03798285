using System.Globalization;
using Marketplace.Contracts.Finance;

namespace Marketplace.Web.Finance;

/// <summary>Commission rates as people write them: percentages with up to two decimals (8, 7.5, 12.25).</summary>
public sealed record CommissionRatesBody
{
    public decimal? DefaultRate { get; init; }

    public Dictionary<string, decimal>? Categories { get; init; }

    public Dictionary<string, decimal>? Stores { get; init; }
}

/// <summary>The rates as the API answers them, in percent.</summary>
public sealed record CommissionRatesResponse(
    decimal DefaultRate, IReadOnlyDictionary<string, decimal> Categories, IReadOnlyDictionary<string, decimal> Stores, DateTimeOffset? UpdatedAt)
{
    public static CommissionRatesResponse From(CommissionRates rates) => new(
        Percent.Of(rates.DefaultBps),
        rates.Categories.ToDictionary(c => c.Key, c => Percent.Of(c.Value), StringComparer.Ordinal),
        rates.Stores.ToDictionary(s => s.Key, s => Percent.Of(s.Value), StringComparer.Ordinal),
        rates.UpdatedAt);
}

/// <summary>Percent ↔ basis points, refusing what basis points cannot hold exactly.</summary>
public static class Percent
{
    public static decimal Of(int bps) => bps / 100m;

    /// <summary>The basis points of a percentage with at most two decimals between 0 and 100, or null.</summary>
    public static int? ToBps(decimal percent)
    {
        var bps = percent * 100m;
        return percent is >= 0 and <= 100 && bps == decimal.Truncate(bps) ? (int)bps : null;
    }

    /// <summary>The rates of a request, or the field errors that keep it from being one.</summary>
    public static (CommissionRates? Rates, Dictionary<string, string[]> Errors) Parse(CommissionRatesBody body)
    {
        var errors = new Dictionary<string, string[]>();
        var defaultBps = body.DefaultRate is { } rate ? ToBps(rate) : null;
        if (defaultBps is null)
        {
            errors["defaultRate"] = ["A percentage between 0 and 100 with at most two decimals."];
        }

        Dictionary<string, int> Map(string field, Dictionary<string, decimal>? rates)
        {
            var map = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (key, value) in rates ?? [])
            {
                if (ToBps(value) is { } bps)
                {
                    map[key] = bps;
                }
                else
                {
                    errors[$"{field}.{key}"] = [string.Format(CultureInfo.InvariantCulture, "{0} is not a percentage between 0 and 100 with at most two decimals.", value)];
                }
            }

            return map;
        }

        var categories = Map("categories", body.Categories);
        var stores = Map("stores", body.Stores);
        return errors.Count > 0 ? (null, errors) : (new CommissionRates(defaultBps!.Value, categories, stores), errors);
    }
}

/// <summary>
/// Overrides as an admin types them, one per line: <c>coffee = 10</c> for a category, <c>sel_… = 5</c> for a store
/// (a store id starts with <c>sel_</c>); blank lines are skipped.
/// </summary>
public static class CommissionText
{
    public static string Format(CommissionRates rates) => string.Join('\n',
        rates.Categories.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} = {Percent.Of(c.Value).ToString(CultureInfo.InvariantCulture)}")
            .Concat(rates.Stores.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} = {Percent.Of(s.Value).ToString(CultureInfo.InvariantCulture)}")));

    /// <summary>The request the text says, or the number of the first line that is not "name = percent".</summary>
    public static (CommissionRatesBody? Body, int? BadLine) Parse(decimal? defaultRate, string? overrides)
    {
        var categories = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var stores = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var lines = (overrides ?? "").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var parts = line.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0
                || !decimal.TryParse(parts[1].TrimEnd('%').Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var rate))
            {
                return (null, i + 1);
            }

            (parts[0].StartsWith(GrainKeys.SellerPrefix, StringComparison.Ordinal) ? stores : categories)[parts[0]] = rate;
        }

        return (new CommissionRatesBody { DefaultRate = defaultRate, Categories = categories, Stores = stores }, null);
    }
}

/// <summary>Regional tax rates as the API takes and answers them: <c>{countries: {US: {CA: 7.25, NY: 8.875}}}</c>, in percent.</summary>
public sealed record TaxRatesBody
{
    public Dictionary<string, Dictionary<string, decimal>>? Countries { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }

    public static TaxRatesBody From(TaxRates rates) => new()
    {
        Countries = rates.Countries.ToDictionary(c => c.Key, c => c.Value.ToDictionary(r => r.Key, r => r.Value / 10_000m, StringComparer.Ordinal), StringComparer.Ordinal),
        UpdatedAt = rates.UpdatedAt,
    };

    /// <summary>The table in parts per million (a rate outside 0-50 % or finer than four decimals is refused by the grain's rules).</summary>
    public TaxRates ToRates() => new((Countries ?? []).ToDictionary(
        c => c.Key,
        c => (IReadOnlyDictionary<string, int>)c.Value.ToDictionary(r => r.Key, r => Ppm(r.Value), StringComparer.Ordinal),
        StringComparer.Ordinal));

    private static int Ppm(decimal percent)
    {
        var ppm = percent * 10_000m;
        return ppm == decimal.Truncate(ppm) && ppm is >= 0 and <= int.MaxValue ? (int)ppm : -1;
    }
}
