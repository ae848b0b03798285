using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Marketplace.Testing;

/// <summary>
/// <c>./marketplace up</c> run as a child process, the way a person runs it, on a data folder and a
/// <c>MARKETPLACE_PORT</c> of its own (every other port follows it) and with the build as it is
/// (<c>MARKETPLACE_SKIP_BUILD=1</c>). Disposing stops it with SIGTERM, kills whatever it left behind, keeps its output
/// and its processes' logs under <c>.test-data/logs/</c> and removes the data folder.
/// </summary>
public sealed partial class MarketplaceUp : IAsyncDisposable
{
    /// <summary>Ports of the first web host tried; the rest of an installation's ports lie within 200 of it or follow it.</summary>
    private static readonly int[] Bases = [.. Enumerable.Range(0, 8).Select(i => 9300 + 200 * i)];

    private static readonly HashSet<int> BasesInUse = [];

    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly string name;
    private readonly string marker = Guid.NewGuid().ToString("N");
    private readonly TaskCompletionSource exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private MarketplaceUp(string name, int port, string dataFolder, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        this.name = name;
        Port = port;
        DataFolder = dataFolder;
        var info = Script(["up", .. arguments]);

        // Only what this installation is told; nothing of the test run's own settings that `up` would pass on.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MARKETPLACE_", StringComparison.Ordinal)
                     || k.Contains("__", StringComparison.Ordinal) || k is "DOTNET_ENVIRONMENT" or "ASPNETCORE_ENVIRONMENT").ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["MARKETPLACE_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        info.Environment["MARKETPLACE_DATA"] = dataFolder;
        info.Environment["MARKETPLACE_SKIP_BUILD"] = "1";
        info.Environment["MARKETPLACE_CONFIGURATION"] = TestEnvironment.Configuration;
        // Inherited by every process `up` starts, so that the test can find any it left behind.
        info.Environment["MARKETPLACE_TEST_UP_RUN"] = marker;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Exited += (_, _) => exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public string DataFolder { get; }

    /// <summary>What <c>up</c> printed, standard output and error interleaved.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    /// <summary>
    /// Starts <c>./marketplace up</c> with <paramref name="arguments"/> on ports nobody holds, for up to
    /// <paramref name="silos"/> silos; <paramref name="environment"/> adds settings it passes on to its processes.
    /// </summary>
    public static MarketplaceUp Start(string name, IEnumerable<string> arguments, int silos = 1,
        IReadOnlyDictionary<string, string>? environment = null, string? dataFolder = null)
    {
        var port = ClaimPort(silos);
        return new MarketplaceUp(name, port, dataFolder ?? NewDataFolder(name), arguments, environment);
    }

    /// <summary><c>./marketplace</c> with <paramref name="arguments"/>, run from the repository, its output read by the caller.</summary>
    private static ProcessStartInfo Script(IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TestEnvironment.RepositoryRoot,
        };
        info.ArgumentList.Add(Path.Combine(TestEnvironment.RepositoryRoot, "marketplace"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>A data folder name nobody uses yet, under the system's temporary folder.</summary>
    public static string NewDataFolder(string name) => Path.Combine(Path.GetTempPath(), $"marketplace-up-{name}-{Guid.NewGuid():N}"[..40]);

    /// <summary>
    /// Runs another <c>./marketplace</c> command (e.g. <c>backup</c>) on this installation, as its operator would: same
    /// data folder and ports. Answers its exit code and output.
    /// </summary>
    public async Task<(int ExitCode, string Output)> RunCommandAsync(TimeSpan timeout, params string[] arguments)
    {
        var info = Script(arguments);
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MARKETPLACE_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["MARKETPLACE_PORT"] = Port.ToString(CultureInfo.InvariantCulture);
        info.Environment["MARKETPLACE_DATA"] = DataFolder;
        using var command = Process.Start(info)!;
        var stdout = command.StandardOutput.ReadToEndAsync();
        var stderr = command.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await command.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            command.Kill(entireProcessTree: true);
            throw new TimeoutException($"./marketplace {string.Join(' ', arguments)} did not finish within {timeout}:\n{await stdout}{await stderr}");
        }

        return (command.ExitCode, await stdout + await stderr);
    }

    /// <summary>Waits until <c>up</c> prints that the marketplace is running; throws with its output if it stops first.</summary>
    public Task WaitRunningAsync(TimeSpan timeout) => WaitForOutputAsync(RunningLine(), timeout);

    /// <summary>Waits until a line matches <paramref name="pattern"/> and answers the last match.</summary>
    public async Task<Match> WaitForOutputAsync(Regex pattern, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var matches = pattern.Matches(Output);
            if (matches.Count > 0)
            {
                return matches[^1];
            }

            if (HasExited)
            {
                throw new InvalidOperationException($"up ({name}) exited with {ExitCode} before printing /{pattern}/:\n{Output}");
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"up ({name}) did not print /{pattern}/ within {timeout}:\n{Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits until <c>up</c> exits and answers its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await exited.Task.WaitAsync(timeout);
        await process.WaitForExitAsync(); // the rest of its output
        return process.ExitCode;
    }

    /// <summary>The pid of a process as <c>up</c> last reported starting it, e.g. "silo 2" or "web host 1".</summary>
    public int ProcessId(string processName)
    {
        var starts = Regex.Matches(Output, $@"^\[marketplace\] {Regex.Escape(processName)} starting (?:again )?\(pid (\d+)", RegexOptions.Multiline);
        return starts.Count > 0
            ? int.Parse(starts[^1].Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"up ({name}) did not start {processName}:\n{Output}");
    }

    /// <summary>
    /// The primary PostgreSQL server's pid (it leads a process group of its own: its sessions and helpers). With
    /// <c>--standby</c> the primary is node 1 until a failover (<c>pg-primary</c> says which).
    /// </summary>
    public int PostgresId => int.Parse(File.ReadLines(Path.Combine(PostgresData(PrimaryNode), "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    /// <summary>Which node is the primary: 1, or 2 after a failover of <c>up --standby</c>.</summary>
    public int PrimaryNode => File.Exists(Path.Combine(DataFolder, "pg-primary"))
        ? int.Parse(File.ReadAllText(Path.Combine(DataFolder, "pg-primary")).Trim(), CultureInfo.InvariantCulture)
        : 1;

    /// <summary>
    /// The installation's database, as its silos and web hosts reach it: with a standby, both nodes, of which Npgsql
    /// takes the one that accepts writes.
    /// </summary>
    public string ConnectionString
    {
        get
        {
            var password = File.ReadAllText(Path.Combine(DataFolder, "pg-password")).Trim();
            var credentials = $"Database=marketplace;Username=marketplace;Password={password}";
            if (Directory.Exists(NodeFolder(2)))
            {
                return $"Host=127.0.0.1:{PostgresPort},127.0.0.1:{PostgresPort + 20};{credentials};Target Session Attributes=read-write;Host Recheck Seconds=1";
            }

            // postmaster.pid's fourth line is the port the server listens on.
            var port = File.ReadLines(Path.Combine(PostgresData(1), "postmaster.pid")).ElementAt(3).Trim();
            return $"Host=127.0.0.1;Port={port};{credentials}";
        }
    }

    /// <summary>Node 1's PostgreSQL port; a standby's is 20 above it.</summary>
    private int PostgresPort => 55432 + Port - 8080;

    private string NodeFolder(int node) => node == 1 ? DataFolder : Path.Combine(DataFolder, $"node-{node}");

    private string PostgresData(int node) => File.Exists(Path.Combine(NodeFolder(node), "pg-location"))
        ? File.ReadAllText(Path.Combine(NodeFolder(node), "pg-location")).Trim()
        : Path.Combine(NodeFolder(node), "pg");

    /// <summary>Pauses every PostgreSQL process (SIGSTOP) for <paramref name="duration"/>, then lets them go on.</summary>
    public async Task PausePostgresAsync(TimeSpan duration)
    {
        var group = PostgresId;
        if (!Signals.Send(-group, Signals.Stop))
        {
            throw new InvalidOperationException($"Could not pause PostgreSQL (process group {group}).");
        }

        try
        {
            await Task.Delay(duration);
        }
        finally
        {
            Signals.Send(-group, Signals.Cont);
        }
    }

    /// <summary>SIGTERM to <c>up</c>, as Ctrl-C would, and its exit code once it stopped everything.</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        if (!HasExited)
        {
            Signals.Send(process.Id, Signals.Term);
        }

        return await WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(90));
    }

    /// <summary>Processes this <c>up</c> started that still exist: any carrying its environment, and its PostgreSQL.</summary>
    public IReadOnlyList<string> Leftovers()
    {
        var found = new List<string>();
        var needle = Encoding.UTF8.GetBytes($"MARKETPLACE_TEST_UP_RUN={marker}\0");
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllBytes(Path.Combine(dir, "environ")).AsSpan().IndexOf(needle) >= 0)
                {
                    found.Add($"{pid} {File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ')}");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }

        // PostgreSQL rewrites the memory its environment was in (for its process titles), so it is found by its group.
        foreach (var group in PostgresGroups().Where(g => Signals.Exists(-g)))
        {
            found.Add($"PostgreSQL process group {group}");
        }

        return found;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!HasExited)
            {
                try
                {
                    await StopAsync();
                }
                catch (TimeoutException)
                {
                    process.Kill(entireProcessTree: true);
                }
            }

            // Nothing survives a test, whatever happened to `up`.
            foreach (var line in Leftovers())
            {
                if (int.TryParse(line.Split(' ')[0], out var pid))
                {
                    Signals.Send(pid, Signals.Kill);
                }
            }

            foreach (var group in PostgresGroups())
            {
                Signals.Send(-group, Signals.Kill);
            }

            var logs = Directory.CreateDirectory(Path.Combine(TestEnvironment.RepositoryRoot, ".test-data", "logs")).FullName;
            await File.WriteAllTextAsync(Path.Combine(logs, $"up-{name}.log"), Output);
            if (Directory.Exists(Path.Combine(DataFolder, "logs")))
            {
                foreach (var log in Directory.EnumerateFiles(Path.Combine(DataFolder, "logs")))
                {
                    File.Copy(log, Path.Combine(logs, $"up-{name}-{Path.GetFileName(log)}"), overwrite: true);
                }
            }

            foreach (var node in new[] { 1, 2 })
            {
                if (Directory.Exists(PostgresData(node)) && !PostgresData(node).StartsWith(DataFolder + "/", StringComparison.Ordinal))
                {
                    Directory.Delete(PostgresData(node), recursive: true);
                }
            }

            if (Directory.Exists(DataFolder))
            {
                Directory.Delete(DataFolder, recursive: true);
            }
        }
        finally
        {
            process.Dispose();
            lock (BasesInUse)
            {
                BasesInUse.Remove(Port);
            }
        }
    }

    [GeneratedRegex(@"^Marketplace is running: ", RegexOptions.Multiline)]
    private static partial Regex RunningLine();

    [GeneratedRegex(@"^\[marketplace\] (?:PostgreSQL (?:is )?running (?:again )?|node \d runs as the standby )\(pid (\d+)", RegexOptions.Multiline)]
    private static partial Regex PostgresLine();

    /// <summary>Every PostgreSQL server <c>up</c> reported running, standbys too; each leads a process group of its own.</summary>
    private IEnumerable<int> PostgresGroups() =>
        PostgresLine().Matches(Output).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Distinct();

    /// <summary>
    /// A MARKETPLACE_PORT whose derived ports (web host, sandbox at +50, mail inbox and SMTP at +51 and +52, silo health at
    /// +100+i, silo and gateway ports and PostgreSQL and its standby shifted by its distance from 8080) are all free, and not handed to
    /// another installation of this run.
    /// </summary>
    private static int ClaimPort(int silos)
    {
        lock (BasesInUse)
        {
            foreach (var port in Bases.OrderBy(_ => Random.Shared.Next()))
            {
                var offset = port - 8080;
                int[] ports = [port, port + 50, port + 51, port + 52, 55432 + offset, 55452 + offset, .. Enumerable.Range(1, silos)
                    .SelectMany(i => new[] { port + 100 + i, 11110 + i + offset, 30000 + i + offset })];
                if (!BasesInUse.Contains(port) && ports.All(IsFree))
                {
                    BasesInUse.Add(port);
                    return port;
                }
            }
        }

        throw new InvalidOperationException("No free MARKETPLACE_PORT among " + string.Join(", ", Bases));
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
