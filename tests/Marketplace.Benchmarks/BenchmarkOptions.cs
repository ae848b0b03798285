using System.Globalization;

namespace Marketplace.Benchmarks;

/// <summary>
/// Command-line knobs shared by the benchmarks; <see cref="Silos"/> is the number of silo processes and
/// <see cref="Coupon"/> has every purchase enter a store coupon (checkout); <see cref="Orders"/> is the size of the
/// generated order history (backup).
/// </summary>
public sealed record BenchmarkOptions(int Seconds, int Clients, int? Products, int? Rate = null, int Silos = 1, bool Coupon = false, int? Orders = null)
{
    public const string Usage = "inventory|search|checkout|realtime|announce|om|insights|catalog|backup [--seconds N] [--clients N] [--products N] [--rate N] [--silos N] [--coupon] [--orders N]";

    public static BenchmarkOptions Parse(string[] args)
    {
        int? Value(string flag)
        {
            var i = Array.IndexOf(args, flag);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : null;
        }

        return new BenchmarkOptions(Value("--seconds") ?? 10, Value("--clients") ?? 0, Value("--products"), Value("--rate"), Value("--silos") ?? 1,
            args.Contains("--coupon"), Value("--orders"));
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

    /// <summary>One process by id (from /proc); one that exited counts nothing.</summary>
    public static double Of(int processId) => Stat(processId) is { } stat ? stat.Own / ClockTicksPerSecond : 0;

    /// <summary>
    /// A server process and its children (PostgreSQL's postmaster and its backends): their time so far plus what the
    /// children that already exited used, which the parent's stat keeps once it reaped them, so short-lived
    /// connections count too. Unlike <see cref="Postgres"/>, another server on the same machine does not.
    /// </summary>
    public static double Tree(int parentId)
    {
        var ticks = 0L;
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var id) || Stat(id) is not { } stat)
            {
                continue;
            }

            if (id == parentId)
            {
                ticks += stat.Own + stat.ExitedChildren;
            }
            else if (stat.ParentId == parentId)
            {
                ticks += stat.Own;
            }
        }

        return ticks / ClockTicksPerSecond;
    }

    /// <summary>The parent of a process, or null when it is gone.</summary>
    public static int? ParentOf(int processId) => Stat(processId)?.ParentId;

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

    /// <summary>/proc reports times in USER_HZ, which Linux fixes at 100 for user space on every architecture it runs on.</summary>
    private const double ClockTicksPerSecond = 100;

    /// <summary>Fields of /proc/[pid]/stat: parent, user + system ticks of the process and of its reaped children.</summary>
    private static (int ParentId, long Own, long ExitedChildren)? Stat(int processId)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{processId}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The command name comes second, in parentheses, and may hold spaces; the fields after it do not. Counting from
        // the state (field 3): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        return ((int)Field(4), Field(14) + Field(15), Field(16) + Field(17));
    }
}
