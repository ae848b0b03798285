using Marketplace.Migrator;
using Npgsql;

namespace Marketplace.Testing;

/// <summary>A database of its own on the test server, migrated to the current schema, dropped on dispose.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly bool owned;

    private TestDatabase(string name, string connectionString, bool owned = true)
    {
        Name = name;
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
        this.owned = owned;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public static async Task<TestDatabase> CreateAsync(string purpose, bool migrate = true)
    {
        var name = $"mkt_{purpose}_{Guid.NewGuid():N}"[..40].ToLowerInvariant();
        var connectionString = new NpgsqlConnectionStringBuilder(TestEnvironment.ServerConnectionString)
        {
            Database = name,
            MaxPoolSize = 50,
        }.ConnectionString;
        await DatabaseMigrator.EnsureDatabaseExistsAsync(connectionString);
        var database = new TestDatabase(name, connectionString);
        if (migrate)
        {
            await new DatabaseMigrator(database.DataSource).MigrateAsync();
        }

        return database;
    }

    /// <summary>A database that exists elsewhere (e.g. the one of a <c>./marketplace up</c> under test), left as it is on dispose.</summary>
    public static TestDatabase Attach(string connectionString) =>
        new(new NpgsqlConnectionStringBuilder(connectionString).Database ?? "", connectionString, owned: false);

    public async Task<T?> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var (parameterName, value) in parameters)
        {
            command.Parameters.AddWithValue(parameterName, value);
        }

        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)result;
    }

    /// <summary>Drops the database now, cutting its connections; disposing afterwards still works.</summary>
    public async Task DropAsync()
    {
        DataSource.Clear();
        await DropDatabaseAsync();
    }

    /// <summary>Whether the server lists the database in <c>pg_database</c>.</summary>
    public async Task<bool> ExistsAsync()
    {
        await using var connection = await OpenServerAsync();
        await using var exists = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = @name)", connection);
        exists.Parameters.AddWithValue("name", Name);
        return (bool)(await exists.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        if (!owned)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        try
        {
            await DropDatabaseAsync();
        }
        catch (NpgsqlException)
        {
            // The server is thrown away after the run anyway.
        }
    }

    /// <summary>A connection to the server's maintenance database, outside any pool.</summary>
    private static async Task<NpgsqlConnection> OpenServerAsync()
    {
        var maintenance = new NpgsqlConnectionStringBuilder(TestEnvironment.ServerConnectionString) { Pooling = false };
        var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    // WITH (FORCE) ends the sessions still connected to it (PostgreSQL 13 and later).
    private async Task DropDatabaseAsync()
    {
        await using var connection = await OpenServerAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
