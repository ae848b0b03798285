using Marketplace.Migrator;
using Npgsql;

// Usage: Marketplace.Migrator [--create-database]
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
    return 0;
}
catch (Exception e) when (e is NpgsqlException or InvalidOperationException or OperationCanceledException)
{
    Console.Error.WriteLine($"migration failed: {e.Message}");
    return 1;
}
