using System.Globalization;

namespace Marketplace.Benchmarks;

/// <summary>
/// What a benchmark needs of a /metrics page (Prometheus text): each series name's value summed over its label sets,
/// and the declared type of each metric. Histogram buckets are left out: summed over their bounds they mean nothing,
/// and the <c>_sum</c> and <c>_count</c> series say what a mean needs.
/// </summary>
public sealed record PrometheusText(IReadOnlyDictionary<string, double> Values, IReadOnlyDictionary<string, string> Types)
{
    public static readonly PrometheusText Empty = new(new Dictionary<string, double>(), new Dictionary<string, string>());

    /// <summary>The series whose names start with <paramref name="prefix"/>.</summary>
    public static PrometheusText Parse(string text, string prefix)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 4 && parts[2].StartsWith(prefix, StringComparison.Ordinal))
                {
                    types[parts[2]] = parts[3];
                }

                continue;
            }

            if (!line.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var nameEnd = line.IndexOfAny(['{', ' ']);
            var valueStart = nameEnd < 0 ? -1 : line[nameEnd] == '{' ? LabelsEnd(line, nameEnd) : nameEnd;
            if (valueStart < 0)
            {
                continue;
            }

            var name = line[..nameEnd];
            var fields = line[valueStart..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (name.EndsWith("_bucket", StringComparison.Ordinal) || fields.Length == 0 || !TryValue(fields[0], out var value))
            {
                continue;
            }

            values[name] = values.GetValueOrDefault(name) + value;
        }

        return new PrometheusText(values, types);
    }

    /// <summary>Both pages' values added up (one page per silo).</summary>
    public PrometheusText Plus(PrometheusText other)
    {
        var values = new Dictionary<string, double>(Values, StringComparer.Ordinal);
        foreach (var (name, value) in other.Values)
        {
            values[name] = values.GetValueOrDefault(name) + value;
        }

        var types = new Dictionary<string, string>(Types, StringComparer.Ordinal);
        foreach (var (name, type) in other.Types)
        {
            types[name] = type;
        }

        return new PrometheusText(values, types);
    }

    /// <summary>The declared type of a series (a counter's <c>_total</c>, a histogram's <c>_sum</c>), or "untyped".</summary>
    public string TypeOf(string series)
    {
        if (Types.TryGetValue(series, out var type))
        {
            return type;
        }

        foreach (var suffix in new[] { "_total", "_sum", "_count" })
        {
            if (series.EndsWith(suffix, StringComparison.Ordinal) && Types.TryGetValue(series[..^suffix.Length], out type))
            {
                return type;
            }
        }

        return "untyped";
    }

    /// <summary>Where the label set that starts at <paramref name="open"/> ends; quoted values may hold braces and escapes.</summary>
    private static int LabelsEnd(string line, int open)
    {
        var quoted = false;
        for (var i = open + 1; i < line.Length; i++)
        {
            switch (line[i])
            {
                case '\\' when quoted:
                    i++;
                    break;
                case '"':
                    quoted = !quoted;
                    break;
                case '}' when !quoted:
                    return i + 1;
            }
        }

        return -1;
    }

    private static bool TryValue(string text, out double value)
    {
        switch (text)
        {
            case "+Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }
}
