using Marketplace.Grains.Storage;
using Marketplace.Migrator;
using Npgsql;

// Usage: Marketplace.Migrator [--create-database] [--reindex]
//        Marketplace.Migrator --wait [seconds]
// --reindex rebuilds every read model (order listings, search, store directory) from grain state after migrating, with
// the same C# projections the silos apply; safe while the cluster runs.
// --wait applies nothing: it exits 0 once the database holds every migration of this build (checking every 2 s, for at
// most the given seconds, default 600) and 1 if it never does; on Kubernetes the silos and web hosts run it as an init
// container, so a release starts only after its migration Job finished.
// The connection string comes from MARKETPLACE_DB (or ConnectionStrings__Marketplace), as for the silo.
var connectionString = Environment.GetEnvironmentVariable("MARKETPLACE_DB")
    ?? Environment.GetEnvironmentVariable("ConnectionStrings__Marketplace");
if (string.IsNullOrWhiteSpace(connectionString))
{
    Console.Error.WriteLine("Set MARKETPLACE_DB to the PostgreSQL connection string.");
    return 2;
}

using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(10));
if (args is ["--wait", ..])
{
    var limit = TimeSpan.FromSeconds(args.Length > 1 && int.TryParse(args[1], out var seconds) && seconds > 0 ? seconds : 600);
    return await WaitForSchemaAsync(connectionString, limit);
}

try
{
    if (args.Contains("--create-database"))
    {
        await DatabaseMigrator.EnsureDatabaseExistsAsync(connectionString, cancellation.Token);
    }

    await using var dataSource = NpgsqlDataSource.Create(connectionString);
    var report = await new DatabaseMigrator(dataSource, Console.Out).MigrateAsync(cancellation.Token);
    Console.WriteLine(report.Applied.Count == 0
        ? $"schema is current (version {report.CurrentVersion})"
        : $"applied {report.Applied.Count} migration(s); schema version {report.CurrentVersion}");
    if (args.Contains("--reindex"))
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var counts = await new ReadModelRebuilder(dataSource).RebuildAllAsync(cancellation.Token);
        Console.WriteLine($"read models rebuilt from grain state in {watch.Elapsed.TotalSeconds:F1} s: " +
                          string.Join(", ", counts.Select(c => $"{c.Key} {c.Value} row(s)")));
    }

    return 0;
}
catch (Exception e) when (e is NpgsqlException or InvalidOperationException or OperationCanceledException)
{
    Console.Error.WriteLine($"migration failed: {e.Message}");
    return 1;
}

static async Task<int> WaitForSchemaAsync(string connectionString, TimeSpan limit)
{
    await using var dataSource = NpgsqlDataSource.Create(connectionString);
    var migrator = new DatabaseMigrator(dataSource);
    var deadline = DateTime.UtcNow + limit;
    var latest = DatabaseMigrator.EmbeddedMigrations[^1].Version;
    while (true)
    {
        try
        {
            if (await migrator.IsCurrentAsync())
            {
                Console.WriteLine($"schema is current (version {latest})");
                return 0;
            }

            Console.WriteLine($"waiting for schema version {latest}");
        }
        catch (NpgsqlException e)
        {
            Console.WriteLine($"waiting for the database: {e.Message}");
        }

        if (DateTime.UtcNow >= deadline)
        {
            Console.Error.WriteLine($"the schema did not reach version {latest} within {limit.TotalSeconds:F0} s");
            return 1;
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
    }
}
