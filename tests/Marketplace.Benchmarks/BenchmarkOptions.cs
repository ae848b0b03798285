using System.Globalization;

namespace Marketplace.Benchmarks;

/// <summary>Command-line knobs shared by the benchmarks.</summary>
public sealed record BenchmarkOptions(int Seconds, int Clients, int? Products, int? Rate = null)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        int? Value(string flag)
        {
            var i = Array.IndexOf(args, flag);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : null;
        }

        return new BenchmarkOptions(Value("--seconds") ?? 10, Value("--clients") ?? 0, Value("--products"), Value("--rate"));
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

/// <summary>CPU seconds used so far by processes of this machine (from /proc), to say what a run cost.</summary>
public static class CpuTime
{
    public static double Self => System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    /// <summary>Every PostgreSQL process (the server and its backends).</summary>
    public static double Postgres() => Of(p => p.ProcessName.StartsWith("postgres", StringComparison.Ordinal));

    /// <summary>The sandbox process (and any other dotnet process than this one, as it is started from its build output).</summary>
    public static double Sandbox() => Of(p => p.ProcessName.Contains("Sandbox", StringComparison.OrdinalIgnoreCase)
        || (p.ProcessName == "dotnet" && p.Id != Environment.ProcessId));

    /// <summary>The processes <paramref name="pick"/> chooses; one that exits meanwhile counts nothing.</summary>
    public static double Of(Func<System.Diagnostics.Process, bool> pick)
    {
        var seconds = 0.0;
        foreach (var process in System.Diagnostics.Process.GetProcesses())
        {
            try
            {
                if (pick(process))
                {
                    seconds += process.TotalProcessorTime.TotalSeconds;
                }
            }
            catch (InvalidOperationException)
            {
                // exited meanwhile
            }
            finally
            {
                process.Dispose();
            }
        }

        return seconds;
    }
}
