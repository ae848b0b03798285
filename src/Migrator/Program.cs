using Marketplace.Migrator;
using Npgsql;

// Usage: Marketplace.Migrator [--create-database] [--reindex]
// --reindex rebuilds the search read model from grain state after migrating.
// The connection string comes from MARKETPLACE_DB (or ConnectionStrings__Marketplace), as for the silo.
var connectionString = Environment.GetEnvironmentVariable("MARKETPLACE_DB")
    ?? Environment.GetEnvironmentVariable("ConnectionStrings__Marketplace");
if (string.IsNullOrWhiteSpace(connectionString))
{
    Console.Error.WriteLine("Set MARKETPLACE_DB to the PostgreSQL connection string.");
    return 2;
}

using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(10));
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
        await using var reindex = dataSource.CreateCommand("SELECT search_reindex()");
        reindex.CommandTimeout = 0;
        var count = await reindex.ExecuteScalarAsync(cancellation.Token);
        Console.WriteLine($"search read model rebuilt from grain state: {count} searchable product(s) in {watch.Elapsed.TotalSeconds:F1} s");
    }

    return 0;
}
catch (Exception e) when (e is NpgsqlException or InvalidOperationException or OperationCanceledException)
{
    Console.Error.WriteLine($"migration failed: {e.Message}");
    return 1;
}
