using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Marketplace.Testing;

/// <summary>
/// A real silo, web host or sandbox process started from the build output (as ./marketplace up does), for tests that stop,
/// kill and restart processes; also the outside programs tests talk to, such as the mail server.
/// </summary>
public sealed class ProcessHost : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private ProcessHost(string name, Process process, int httpPort)
    {
        Name = name;
        this.process = process;
        HttpPort = httpPort;
    }

    public string Name { get; }

    public int HttpPort { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort}");

    public bool HasExited => process.HasExited;

    public int Id => process.Id;

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

    /// <summary>Starts a silo process on free ports; <paramref name="settings"/> adds environment (e.g. <c>Orders__PaymentTimeout</c>).</summary>
    public static ProcessHost StartSilo(string name, string connectionString, string clusterId, IReadOnlyDictionary<string, string>? settings = null) =>
        Start(name, "Silo", null, With(settings, new Dictionary<string, string>
        {
            ["MARKETPLACE_DB"] = connectionString,
            ["Orleans__ClusterId"] = clusterId,
            ["Orleans__ServiceId"] = clusterId,
            ["Orleans__SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans__SiloName"] = name,
        }));

    /// <summary>Starts a web host process on a free port.</summary>
    /// <remarks>A given <paramref name="httpPort"/> lets a restarted web host come back where its clients look for it.</remarks>
    public static ProcessHost StartWebHost(
        string name, string connectionString, string clusterId, IReadOnlyDictionary<string, string>? settings = null, int? httpPort = null) =>
        Start(name, "Web", httpPort, With(settings, new Dictionary<string, string>
        {
            ["MARKETPLACE_DB"] = connectionString,
            ["Orleans__ClusterId"] = clusterId,
            ["Orleans__ServiceId"] = clusterId,
            ["Auth__SigningKey"] = TestSecrets.SigningKey,
            ["RateLimits__Enabled"] = "false",
            ["Auth__SellersMustVerifyEmail"] = "false",
            ["Blobs__Path"] = Path.Combine(Path.GetTempPath(), "marketplace-blobs-" + Guid.NewGuid().ToString("N")),
        }));

    /// <summary>
    /// Starts the payment and shipping sandbox on a free port with the test keys, its journal in
    /// <paramref name="dataPath"/> (a restart on the same folder resumes). <paramref name="settings"/> adds or overrides
    /// its settings, e.g. <c>Sandbox__DuplicateRate</c>.
    /// </summary>
    public static ProcessHost StartSandbox(string name, string dataPath, IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["Sandbox__DataPath"] = dataPath,
            ["Sandbox__Payments__ApiKey"] = TestSecrets.SandboxPaymentsApiKey,
            ["Sandbox__Payments__WebhookSecret"] = TestSecrets.SandboxPaymentsWebhookSecret,
            ["Sandbox__Shipping__ApiKey"] = TestSecrets.SandboxShippingApiKey,
            ["Sandbox__Shipping__WebhookSecret"] = TestSecrets.SandboxShippingWebhookSecret,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return Start(name, "Sandbox", null, environment);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until GET <paramref name="path"/> answers 200.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout, string path = "/health/ready")
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {process.ExitCode} during start-up:\n{Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(path);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{Name} was not ready after {timeout}:\n{Tail()}");
    }

    /// <summary>Sends SIGTERM and waits for a graceful exit.</summary>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        if (process.HasExited)
        {
            return;
        }

        if (!Signals.Send(process.Id, Signals.Term))
        {
            throw new InvalidOperationException($"Could not signal {Name} (pid {process.Id}).");
        }

        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
    }

    /// <summary>kill -9: no shutdown of any kind.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        finally
        {
            process.Dispose();
        }
    }

    public string Tail(int lines = 40)
    {
        var all = Output.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    private static Dictionary<string, string> With(IReadOnlyDictionary<string, string>? settings, Dictionary<string, string> environment)
    {
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return environment;
    }

    /// <summary>
    /// Starts a program that is not one of ours (e.g. the mail server) with its own settings only: no environment name,
    /// no logging settings of ours. <paramref name="httpPort"/> is where it answers HTTP.
    /// </summary>
    internal static ProcessHost StartProgram(string name, ProcessStartInfo info, int httpPort)
    {
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return Launch(name, info, httpPort);
    }

    private static ProcessHost Start(string name, string project, int? port, Dictionary<string, string> environment)
    {
        var httpPort = port ?? FreePort();
        var info = new ProcessStartInfo("dotnet");
        var assembly = TestEnvironment.ProcessAssembly(project);
        info.ArgumentList.Add(assembly);
        info.WorkingDirectory = Path.GetDirectoryName(assembly)!; // where its appsettings files are
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}";
        info.Environment["DOTNET_ENVIRONMENT"] = "Development";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Orleans.Runtime.MembershipService"] = "Information";
        info.Environment["Logging__LogLevel__Marketplace.ServiceDefaults.RetryRejectedCalls"] = "Information";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return Launch(name, info, httpPort);
    }

    private static ProcessHost Launch(string name, ProcessStartInfo info, int httpPort)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var host = new ProcessHost(name, process, httpPort);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
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
