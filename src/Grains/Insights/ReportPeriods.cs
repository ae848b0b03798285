using Marketplace.Contracts.Insights;

namespace Marketplace.Grains.Insights;

/// <summary>The periods of a report: where each starts, which ranges are answerable, and the empty periods filled in.</summary>
public static class ReportPeriods
{
    /// <summary>The most periods one report answers (three years of days, or many more weeks and months).</summary>
    public const int MaxPeriods = 1100;

    /// <summary>The first day of the period <paramref name="day"/> falls in.</summary>
    public static DateOnly StartOf(DateOnly day, ReportInterval interval) => interval switch
    {
        ReportInterval.Week => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
        ReportInterval.Month => new DateOnly(day.Year, day.Month, 1),
        _ => day,
    };

    public static DateOnly Next(DateOnly start, ReportInterval interval) => interval switch
    {
        ReportInterval.Week => start.AddDays(7),
        ReportInterval.Month => start.AddMonths(1),
        _ => start.AddDays(1),
    };

    /// <summary>The start of every period the range touches, in order.</summary>
    public static IEnumerable<DateOnly> Starts(ReportRange range)
    {
        for (var start = StartOf(range.From, range.Interval); start <= range.To; start = Next(start, range.Interval))
        {
            yield return start;
        }
    }

    /// <summary>What is wrong with a range, or null when a report can answer it.</summary>
    public static string? Problem(ReportRange range)
    {
        if (range.To < range.From)
        {
            return "'to' is before 'from'.";
        }

        var days = range.To.DayNumber - range.From.DayNumber + 1;
        var periods = range.Interval switch
        {
            ReportInterval.Week => days / 7 + 2,
            ReportInterval.Month => days / 28 + 2,
            _ => days,
        };
        return periods > MaxPeriods ? $"The range holds more than {MaxPeriods} periods; choose a longer interval or a shorter range." : null;
    }

    /// <summary>
    /// Every period of the range for every currency that has figures, with zeros where nothing happened, so a chart's
    /// line does not skip quiet days. Ordered by currency, then period.
    /// </summary>
    public static IReadOnlyList<T> Fill<T>(IEnumerable<T> points, ReportRange range, Func<T, DateOnly> start, Func<T, string> currency, Func<DateOnly, string, T> empty)
    {
        var known = points.ToDictionary(p => (start(p), currency(p)));
        var starts = Starts(range).ToList();
        return known.Keys.Select(k => k.Item2).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .SelectMany(c => starts.Select(s => known.TryGetValue((s, c), out var point) ? point : empty(s, c)))
            .ToList();
    }
}
