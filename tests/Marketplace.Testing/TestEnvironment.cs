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
