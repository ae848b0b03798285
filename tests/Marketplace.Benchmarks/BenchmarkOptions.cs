using System.Globalization;

namespace Marketplace.Benchmarks;

/// <summary>Command-line knobs shared by the benchmarks.</summary>
public sealed record BenchmarkOptions(int Seconds, int Clients, int? Products)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        int? Value(string flag)
        {
            var i = Array.IndexOf(args, flag);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : null;
        }

        return new BenchmarkOptions(Value("--seconds") ?? 10, Value("--clients") ?? 0, Value("--products"));
    }
}

/// <summary>Latency samples in Stopwatch ticks, summarised as percentiles in milliseconds.</summary>
public sealed class Latencies
{
    private readonly List<long> samples = [];

    public int Count => samples.Count;

    public void Add(long ticks) => samples.Add(ticks);

    public void AddRange(Latencies other) => samples.AddRange(other.samples);

    public double Percentile(double p)
    {
        if (samples.Count == 0)
        {
            return double.NaN;
        }

        samples.Sort();
        var index = (int)Math.Clamp(Math.Ceiling(p / 100 * samples.Count) - 1, 0, samples.Count - 1);
        return samples[index] * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
    }
}
