namespace Marketplace.Testing;

/// <summary>What the test command (./marketplace test) provides: a PostgreSQL server and the build to test.</summary>
public static class TestEnvironment
{
    /// <summary>Connection string of the test server's maintenance database; fixtures create their own databases.</summary>
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("MARKETPLACE_TEST_DB") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                "MARKETPLACE_TEST_DB is not set. Run the tests with ./marketplace test, which starts a throw-away " +
                "PostgreSQL server and points the tests at it.");

    public static string Configuration => Environment.GetEnvironmentVariable("MARKETPLACE_TEST_CONFIGURATION") ?? "Release";

    /// <summary>The folder holding Orleans.sln.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The built assembly of a process under src/, e.g. "Silo" → src/Silo/bin/Release/net10.0/Marketplace.Silo.dll.</summary>
    public static string ProcessAssembly(string project)
    {
        var path = Path.Combine(RepositoryRoot, "src", project, "bin", Configuration, "net10.0", $"Marketplace.{project}.dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"Build src/{project} in {Configuration} first (./marketplace test does).", path);
    }

    /// <summary>
    /// Restarts the test server the way a crash would (<c>pg_ctl -m immediate</c>: no checkpoint, every connection cut),
    /// then waits until it accepts connections again. Only for test projects that run their tests one at a time.
    /// </summary>
    public static async Task RestartPostgresImmediatelyAsync()
    {
        static string Required(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set; run the tests with ./marketplace test.");

        var data = Required("MARKETPLACE_TEST_PG_DATA");
        var pgCtl = Path.Combine(Required("MARKETPLACE_TEST_PG_BIN"), "pg_ctl");
        string[] arguments = ["-D", data, "-m", "immediate", "-w", "-t", "120", "-l", Path.Combine(data, "server.log"), "restart"];
        // The server refuses to run as root; the test command runs it as an unprivileged user.
        var info = Environment.UserName == "root"
            ? new System.Diagnostics.ProcessStartInfo("runuser", ["-u", Required("MARKETPLACE_TEST_PG_OS_USER"), "--", pgCtl, .. arguments])
            : new System.Diagnostics.ProcessStartInfo(pgCtl, arguments);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        using var process = System.Diagnostics.Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pg_ctl restart failed ({process.ExitCode}): {await output} {await error}");
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find Orleans.sln above " + AppContext.BaseDirectory);
    }
}
