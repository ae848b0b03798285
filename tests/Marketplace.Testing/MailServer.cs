using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Marketplace.Testing;

/// <summary>
/// A real SMTP server of a test's own: smtp4dev, the local tool pinned in .config/dotnet-tools.json, on free loopback
/// ports with plain SMTP (no TLS, no authentication), its messages in memory and up to 10,000 of them kept. Read what it
/// received through <see cref="Inbox"/>; disposing kills it.
/// </summary>
public sealed class MailServer : IAsyncDisposable
{
    private const string ToolPackage = "rnwood.smtp4dev";
    private const string ToolAssembly = "Rnwood.Smtp4dev.dll";

    private readonly ProcessHost process;
    private readonly string dataFolder;

    private MailServer(ProcessHost process, int smtpPort, string dataFolder)
    {
        this.process = process;
        this.dataFolder = dataFolder;
        SmtpPort = smtpPort;
        Inbox = new MailInbox(InboxUrl);
    }

    public string SmtpHost => "127.0.0.1";

    public int SmtpPort { get; }

    /// <summary>The web inbox, whose REST API <see cref="Inbox"/> reads.</summary>
    public Uri InboxUrl => process.BaseAddress;

    public MailInbox Inbox { get; }

    /// <summary>The server's process (a benchmark counts its CPU).</summary>
    public int ProcessId => process.Id;

    /// <summary>What the server logged: its settings, then a few lines per session and message.</summary>
    public string Output => process.Output;

    /// <summary>Starts a fresh server and waits until both its web API and its SMTP port answer.</summary>
    public static async Task<MailServer> StartAsync(TimeSpan? timeout = null)
    {
        var smtpPort = ProcessHost.FreePort();
        var webPort = ProcessHost.FreePort();
        while (webPort == smtpPort)
        {
            webPort = ProcessHost.FreePort();
        }

        // smtp4dev reads and writes its settings under this folder instead of the user's configuration folder.
        var dataFolder = Directory.CreateTempSubdirectory("marketplace-mail-").FullName;
        var info = ToolStartInfo();
        foreach (var argument in new[]
                 {
                     $"--urls=http://127.0.0.1:{webPort}", "--bindaddress=127.0.0.1",
                     "--smtpport=" + smtpPort.ToString(CultureInfo.InvariantCulture), "--tlsmode=None",
                     // Empty values switch IMAP and POP3 off and keep the messages in memory.
                     "--imapport=", "--pop3port=", "--db=", "--messagestokeep=10000",
                     "--baseappdatapath=" + dataFolder, "--nousersettings", "--locksettings",
                 })
        {
            info.ArgumentList.Add(argument);
        }

        var host = ProcessHost.StartProgram("mail server", info, webPort);
        var server = new MailServer(host, smtpPort, dataFolder);
        try
        {
            var clock = Stopwatch.StartNew();
            var limit = timeout ?? TimeSpan.FromSeconds(60);
            await host.WaitReadyAsync(limit, "/api/messages?pageSize=1");
            await server.WaitForSmtpAsync(limit - clock.Elapsed);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Inbox.Dispose();
        await process.DisposeAsync();
        Directory.Delete(dataFolder, recursive: true);
    }

    /// <summary>
    /// The restored tool run with <c>dotnet</c> itself, so that killing the process stops the server; where NuGet keeps
    /// its packages elsewhere, <c>dotnet tool run</c> from the repository finds it (and tells when it is not restored).
    /// The tool targets net10.0 and rolls forward to newer runtimes by its own runtime configuration.
    /// </summary>
    private static ProcessStartInfo ToolStartInfo()
    {
        var root = TestEnvironment.RepositoryRoot;
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, ".config", "dotnet-tools.json")));
        var version = manifest.RootElement.GetProperty("tools").GetProperty(ToolPackage).GetProperty("version").GetString()
            ?? throw new InvalidOperationException($"{ToolPackage} has no version in .config/dotnet-tools.json");
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        // One package per platform (linux-x64, …, or "any"); whichever was restored serves.
        var assembly = Directory.Exists(packages)
            ? Directory.EnumerateDirectories(packages, ToolPackage + ".*")
                .Select(package => Path.Combine(package, version, "tools"))
                .Where(Directory.Exists)
                .SelectMany(tools => Directory.EnumerateFiles(tools, ToolAssembly, SearchOption.AllDirectories))
                .FirstOrDefault()
            : null;

        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = root };
        foreach (var argument in assembly is null ? ["tool", "run", "smtp4dev", "--"] : new[] { assembly })
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>Waits for the SMTP greeting (220): the web API can answer before the SMTP port is bound, or without it.</summary>
    private async Task WaitForSmtpAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await client.ConnectAsync(SmtpHost, SmtpPort, attempt.Token);
                using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
                var greeting = await reader.ReadLineAsync(attempt.Token);
                if (greeting?.StartsWith("220", StringComparison.Ordinal) == true)
                {
                    await client.GetStream().WriteAsync("QUIT\r\n"u8.ToArray(), attempt.Token);
                    return;
                }
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
            {
                // Not listening yet.
            }

            if (process.HasExited || clock.Elapsed > timeout)
            {
                throw new InvalidOperationException($"The mail server's SMTP port {SmtpPort} does not answer:\n{process.Tail()}");
            }

            await Task.Delay(100);
        }
    }
}
