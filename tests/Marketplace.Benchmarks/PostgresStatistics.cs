using System.Globalization;
using Marketplace.Testing;
using Npgsql;

namespace Marketplace.Benchmarks;

/// <summary>Counters PostgreSQL keeps about itself, read before and after a timed run to say what the run cost it.</summary>
public static class PostgresStatistics
{
    /// <summary>Commits in the benchmark's database and WAL bytes written by the whole server (pg_stat_wal has no per-database figure).</summary>
    public sealed record Totals(long Commits, long WalBytes);

    /// <summary>A statement as pg_stat_statements saw it during the run.</summary>
    public sealed record Statement(long Calls, double TotalMs, long Rows, string Query);

    /// <summary>
    /// The totals so far. Backends report their counters when idle, at most once a second, so this waits that long
    /// first: what was done just before the call is counted, and what a run did is not left for the next reading.
    /// </summary>
    public static async Task<Totals> ReadAsync(TestDatabase database)
    {
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        return new Totals(
            await database.ScalarAsync<long>("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"),
            await database.ScalarAsync<long>("SELECT wal_bytes::bigint FROM pg_stat_wal"));
    }

    /// <summary>The postmaster's process id: the parent of this connection's backend.</summary>
    public static async Task<int> ServerProcessIdAsync(TestDatabase database) =>
        CpuTime.ParentOf(await database.ScalarAsync<int>("SELECT pg_backend_pid()"))
        ?? throw new InvalidOperationException("The PostgreSQL server does not run on this machine (no backend process in /proc).");

    /// <summary>Makes pg_stat_statements readable in the database (the server loads the library; see ./marketplace pg_start).</summary>
    public static async Task EnableStatementsAsync(TestDatabase database) =>
        await database.ScalarAsync<object>("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");

    /// <summary>Forgets every statement seen so far, on the whole server (needs a superuser: the cluster's owner is one).</summary>
    public static async Task ResetStatementsAsync(TestDatabase database) =>
        await database.ScalarAsync<object>("SELECT pg_stat_statements_reset()");

    /// <summary>The database's most called statements since the last reset, with their text on one line.</summary>
    public static async Task<List<Statement>> TopStatementsAsync(TestDatabase database, int count)
    {
        await using var command = database.DataSource.CreateCommand("""
            SELECT calls, total_exec_time, rows, regexp_replace(query, '\s+', ' ', 'g')
            FROM pg_stat_statements
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            ORDER BY calls DESC
            LIMIT $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = count });
        await using var reader = await command.ExecuteReaderAsync();
        var statements = new List<Statement>();
        while (await reader.ReadAsync())
        {
            statements.Add(new Statement(reader.GetInt64(0), reader.GetDouble(1), reader.GetInt64(2), reader.GetString(3).Trim()));
        }

        return statements;
    }

    /// <summary>Prints the statements per purchase: calls, mean and total time, rows per call, the query cut to one short line.</summary>
    public static void Print(IReadOnlyList<Statement> statements, int purchases, int width = 110)
    {
        Console.WriteLine("  calls/purchase   mean ms   total ms  rows/call  statement");
        foreach (var s in statements)
        {
            var query = s.Query.Length <= width ? s.Query : s.Query[..(width - 1)] + "…";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {(purchases == 0 ? 0 : (double)s.Calls / purchases),14:F2} {s.TotalMs / Math.Max(1, s.Calls),9:F3} {s.TotalMs,10:F0} {(double)s.Rows / Math.Max(1, s.Calls),10:F2}  {query}"));
        }
    }
}
