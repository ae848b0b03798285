using System.Diagnostics;
using Marketplace.Migrator;
using Marketplace.Testing;
using Npgsql;

namespace Marketplace.Grains.Tests;

public sealed class MigrationTests
{
    [Fact]
    public async Task Applying_twice_applies_nothing_the_second_time()
    {
        await using var database = await TestDatabase.CreateAsync("mig2", migrate: false);
        var migrator = new DatabaseMigrator(database.DataSource);

        var first = await migrator.MigrateAsync();
        var second = await migrator.MigrateAsync();

        Assert.Equal(DatabaseMigrator.EmbeddedMigrations.Select(m => m.Version), first.Applied);
        Assert.Empty(second.Applied);
        Assert.Equal(DatabaseMigrator.EmbeddedMigrations.Count, await database.ScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task Two_migrator_processes_at_once_apply_each_script_exactly_once()
    {
        await using var database = await TestDatabase.CreateAsync("migp", migrate: false);

        var runs = await Task.WhenAll(RunMigratorAsync(database.ConnectionString), RunMigratorAsync(database.ConnectionString));

        Assert.All(runs, run => Assert.True(run.ExitCode == 0, run.Output));
        Assert.Single(runs, run => run.Output.Contains("applied", StringComparison.Ordinal) && !run.Output.Contains("current", StringComparison.Ordinal));
        Assert.Equal(DatabaseMigrator.EmbeddedMigrations.Count, await database.ScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
        Assert.Equal(9L, await database.ScalarAsync<long>("SELECT count(*) FROM OrleansQuery WHERE QueryKey LIKE '%Membership%' OR QueryKey IN ('GatewaysQueryKey', 'UpdateIAmAlivetimeKey', 'CleanupDefunctSiloEntriesKey')"));
    }

    [Fact]
    public async Task A_release_waits_until_its_migrations_are_applied()
    {
        await using var database = await TestDatabase.CreateAsync("migw", migrate: false);
        var migrator = new DatabaseMigrator(database.DataSource);
        Assert.False(await migrator.IsCurrentAsync());

        var waiting = RunMigratorAsync(database.ConnectionString, "--wait", "60");
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.False(waiting.IsCompleted);
        await migrator.MigrateAsync();
        Assert.True(await migrator.IsCurrentAsync());
        var run = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(run.ExitCode == 0, run.Output);

        await database.ScalarAsync<object>($"DELETE FROM schema_migrations WHERE version = {DatabaseMigrator.EmbeddedMigrations[^1].Version}");
        Assert.False(await migrator.IsCurrentAsync());
        var gaveUp = await RunMigratorAsync(database.ConnectionString, "--wait", "1");
        Assert.Equal(1, gaveUp.ExitCode);
    }

    [Fact]
    public async Task The_database_is_created_when_missing()
    {
        await using var database = await TestDatabase.CreateAsync("migc", migrate: false);
        Assert.Equal(1, await database.ScalarAsync<int>("SELECT 1"));
        await database.DropAsync();
        Assert.False(await database.ExistsAsync());
        var missing = await Assert.ThrowsAsync<PostgresException>(() => database.ScalarAsync<int>("SELECT 1"));
        Assert.Equal(PostgresErrorCodes.InvalidCatalogName, missing.SqlState);

        await DatabaseMigrator.EnsureDatabaseExistsAsync(database.ConnectionString);
        await DatabaseMigrator.EnsureDatabaseExistsAsync(database.ConnectionString);

        Assert.True(await database.ExistsAsync());
        Assert.Equal(1, await database.ScalarAsync<int>("SELECT 1"));
        var migrator = new DatabaseMigrator(database.DataSource);
        Assert.Equal(DatabaseMigrator.EmbeddedMigrations.Select(m => m.Version), (await migrator.MigrateAsync()).Applied);
        Assert.True(await migrator.IsCurrentAsync());
    }

    [Fact]
    public async Task A_changed_applied_script_is_refused()
    {
        await using var database = await TestDatabase.CreateAsync("migx");
        await database.ScalarAsync<object>("UPDATE schema_migrations SET checksum = 'tampered' WHERE version = 1");
        await Assert.ThrowsAsync<InvalidOperationException>(() => new DatabaseMigrator(database.DataSource).MigrateAsync());
    }

    [Fact]
    public void Every_provider_finds_the_query_keys_it_needs() =>
        Assert.All(
            new[]
            {
                "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey", "UpdateIAmAlivetimeKey",
                "MembershipReadRowKey", "MembershipReadAllKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey",
                "CleanupDefunctSiloEntriesKey", "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key",
                "ReadRangeRows2Key", "DeleteReminderRowKey", "DeleteReminderRowsKey",
            },
            key => Assert.Contains($"'{key}'", DatabaseMigrator.EmbeddedMigrations[0].Sql, StringComparison.Ordinal));

    private static async Task<(int ExitCode, string Output)> RunMigratorAsync(string connectionString, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(TestEnvironment.ProcessAssembly("Migrator"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["MARKETPLACE_DB"] = connectionString;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
