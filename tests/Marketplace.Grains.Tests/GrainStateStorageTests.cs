using Marketplace.Grains.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Storage;

namespace Marketplace.Grains.Tests;

/// <summary>
/// The batching grain storage provider on a real PostgreSQL, driven directly (no silo): shared transactions, version
/// checks per row, retries after a lost transaction, recognising a commit whose answer was lost, clearing, back-pressure.
/// </summary>
public sealed class GrainStateStorageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Concurrent_writes_of_many_grains_commit_in_shared_transactions_with_their_read_model_rows()
    {
        await using var probe = await Probe.CreateAsync("share");
        var grains = Enumerable.Range(0, 300).Select(i => $"prb_{i:D4}").ToList();

        var states = await Task.WhenAll(grains.Select(g => probe.WriteAsync(g, new ProbeState { Value = 1 })));
        await Task.WhenAll(states.Select(s => { s.State.Value = 2; return probe.WriteAsync(s); }));

        Assert.Equal(300L, await probe.Database.ScalarAsync<long>("SELECT count(*) FROM grain_states WHERE grain_type = 'probe' AND version = 2"));
        Assert.Equal(300L, await probe.Database.ScalarAsync<long>("SELECT count(*) FROM probe_rows WHERE value = 2 AND state_version = 2"));
        // Every row remembers the transaction that wrote it last: 300 updates in far fewer transactions.
        var transactions = await probe.Database.ScalarAsync<long>("SELECT count(DISTINCT xmin::text) FROM grain_states WHERE grain_type = 'probe'");
        output.WriteLine($"300 concurrent updates committed in {transactions} transaction(s)");
        Assert.InRange(transactions, 1, 150);
        Assert.Equal(0L, await probe.Database.ScalarAsync<long>(
            "SELECT count(*) FROM grain_states g JOIN probe_rows r ON r.key = g.grain_key WHERE g.xmin::text <> r.xmin::text"));
    }

    [Fact]
    public async Task A_stale_version_fails_only_its_own_row()
    {
        await using var probe = await Probe.CreateAsync("stale");
        var states = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => probe.WriteAsync($"prb_{i:D2}", new ProbeState { Value = 1 })));
        var stale = states[7];
        stale.ETag = "5";

        var writes = states.Select(s => { s.State.Value = 2; return probe.WriteAsync(s); }).ToList();
        var failure = await Assert.ThrowsAsync<InconsistentStateException>(() => writes[7]);
        await Task.WhenAll(writes.Where((_, i) => i != 7));

        Assert.Contains("prb_07", failure.Message, StringComparison.Ordinal);
        Assert.Equal(19L, await probe.Database.ScalarAsync<long>("SELECT count(*) FROM probe_rows WHERE value = 2"));
        Assert.Equal(1, await probe.Database.ScalarAsync<int>("SELECT version FROM grain_states WHERE grain_key = 'prb_07'"));
        Assert.Equal(1, await probe.Database.ScalarAsync<int>("SELECT value FROM probe_rows WHERE key = 'prb_07'"));
    }

    [Fact]
    public async Task Concurrent_first_writes_of_one_grain_store_one_and_refuse_the_rest()
    {
        await using var probe = await Probe.CreateAsync("first");

        var attempts = Enumerable.Range(0, 8).Select(i => probe.WriteAsync("prb_same", new ProbeState { Value = i })).ToList();
        var outcomes = await Task.WhenAll(attempts.Select(async a =>
        {
            try
            {
                await a;
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        }));

        Assert.Single(outcomes, won => won);
        Assert.Equal(1L, await probe.Database.ScalarAsync<long>("SELECT count(*) FROM grain_states"));
        Assert.Equal(1, await probe.Database.ScalarAsync<int>("SELECT version FROM grain_states"));
    }

    [Fact]
    public async Task A_transaction_whose_connection_is_killed_is_written_row_by_row_and_nothing_is_lost()
    {
        await using var probe = await Probe.CreateAsync("kill");
        var first = await probe.WriteAsync("prb_lead", new ProbeState { Value = 1 });

        // The next transaction kills its own connection before it can commit; everything in it must still be stored.
        probe.ReadModel.KillNextTransaction = true;
        var writes = Enumerable.Range(0, 60).Select(i => probe.WriteAsync($"prb_{i:D2}", new ProbeState { Value = i })).ToList();
        first.State.Value = 2;
        writes.Add(probe.WriteAsync(first));
        await Task.WhenAll(writes);

        Assert.Equal(1, probe.ReadModel.Kills);
        Assert.Equal(61L, await probe.Database.ScalarAsync<long>("SELECT count(*) FROM grain_states WHERE grain_key <> 'prb_lead' OR version = 2"));
        Assert.Equal(0L, await probe.Database.ScalarAsync<long>("""
            SELECT count(*) FROM grain_states g FULL JOIN probe_rows r ON r.key = g.grain_key
            WHERE r.key IS NULL OR g.grain_key IS NULL OR r.state_version <> g.version OR r.value <> (g.payload ->> 'Value')::integer
            """));
    }

    [Fact]
    public async Task A_write_whose_commit_went_through_before_the_connection_was_lost_is_recognised_not_refused()
    {
        await using var probe = await Probe.CreateAsync("recog");
        var committed = await probe.WriteAsync("prb_committed", new ProbeState { Value = 1 });
        var other = await probe.WriteAsync("prb_other", new ProbeState { Value = 1 });

        // As if the transaction of both next writes had committed and the answer was lost: storage already holds
        // version 2 of both, with exactly what the first write stores and something else than the second.
        committed.State.Value = 2;
        other.State.Value = 2;
        await probe.Database.ScalarAsync<int>("""
            UPDATE grain_states SET version = 2,
                   payload = CASE grain_key WHEN 'prb_committed' THEN @same::json ELSE '{"Value":99}'::json END
            """, ("same", StateJson.Serialize(committed.State)));
        probe.ReadModel.KillNextTransaction = true;

        var retried = probe.WriteAsync(committed);
        var conflicting = probe.WriteAsync(other);

        await retried;
        Assert.Equal("2", committed.ETag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => conflicting);
        Assert.Equal(1, probe.ReadModel.Kills);
    }

    [Fact]
    public async Task State_reads_back_as_written_and_a_cleared_state_leaves_no_row_in_storage_or_read_model()
    {
        await using var probe = await Probe.CreateAsync("clear");
        var written = await probe.WriteAsync("prb_one", new ProbeState { Value = 42, Note = "nul\u0000 and quote \" and ñ" });

        var read = new GrainState<ProbeState>(new ProbeState());
        await probe.Storage.ReadStateAsync("probe", Probe.Id("prb_one"), read);
        Assert.Equal((42, written.State.Note, "1", true), (read.State!.Value, read.State.Note, read.ETag, read.RecordExists));

        await probe.Storage.ClearStateAsync("probe", Probe.Id("prb_one"), read);
        Assert.Null(read.ETag);
        Assert.Equal(0L, await probe.Database.ScalarAsync<long>("SELECT count(*) FROM grain_states"));
        Assert.Equal(0L, await probe.Database.ScalarAsync<long>("SELECT count(*) FROM probe_rows"));

        var again = new GrainState<ProbeState>(new ProbeState());
        await probe.Storage.ReadStateAsync("probe", Probe.Id("prb_one"), again);
        Assert.False(again.RecordExists);
        again.State!.Value = 7;
        await probe.Storage.WriteStateAsync("probe", Probe.Id("prb_one"), again);
        Assert.Equal("1", again.ETag);
    }

    [Fact]
    public async Task Writers_beyond_the_queue_bound_wait_for_room_and_all_complete()
    {
        await using var probe = await Probe.CreateAsync("bound", new GrainStorageOptions { MaxQueuedWrites = 4, MaxRowsPerTransaction = 3 });
        var deepest = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                deepest = Math.Max(deepest, probe.Writer.Queued);
                await Task.Yield();
            }
        });

        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => probe.WriteAsync($"prb_{i:D3}", new ProbeState { Value = i })));
        await sampling.CancelAsync();
        await sampler;

        Assert.Equal(100L, await probe.Database.ScalarAsync<long>("SELECT count(*) FROM probe_rows"));
        Assert.InRange(deepest, 1, 4);
    }

    public sealed class ProbeState
    {
        public int Value { get; set; }

        public string? Note { get; set; }
    }

    public sealed record ProbeRow(string Key, int Value, int Version);

    /// <summary>A read model of its own table, which can kill the connection of the next transaction it is part of.</summary>
    public sealed class ProbeReadModel : ReadModel<ProbeState, ProbeRow>
    {
        public bool KillNextTransaction { get; set; }

        public int Kills { get; private set; }

        public override string StateName => "probe";

        public override IReadOnlyList<string> Tables { get; } = ["probe_rows"];

        public override ProbeRow Project(string grainKey, ProbeState state, int version) => new(grainKey, state.Value, version);

        protected override void AddUpserts(NpgsqlBatch batch, IReadOnlyList<(ProbeRow Row, bool IsNew)> rows)
        {
            batch.BatchCommands.Add(Statement("""
                INSERT INTO probe_rows (key, value, state_version) SELECT * FROM unnest($1::text[], $2::integer[], $3::integer[])
                ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, state_version = EXCLUDED.state_version
                """, rows.Select(r => r.Row.Key).ToArray(), rows.Select(r => r.Row.Value).ToArray(), rows.Select(r => r.Row.Version).ToArray()));
            if (KillNextTransaction)
            {
                KillNextTransaction = false;
                Kills++;
                batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_terminate_backend(pg_backend_pid())"));
            }
        }

        protected override void AddRemovals(NpgsqlBatch batch, string[] keys) =>
            batch.BatchCommands.Add(Statement("DELETE FROM probe_rows WHERE key = ANY ($1)", [keys]));
    }

    /// <summary>A grain's state as the provider left it after a write.</summary>
    private sealed record Stored(string Key, GrainState<ProbeState> Grain)
    {
        public ProbeState State => Grain.State!;

        public string? ETag
        {
            get => Grain.ETag;
            set => Grain.ETag = value;
        }
    }

    private sealed class Probe : IAsyncDisposable
    {
        private Probe(TestDatabase database, GrainStorageOptions options)
        {
            Database = database;
            Writer = new StateWriter(database.DataSource, Options.Create(options), NullLogger<StateWriter>.Instance);
            Storage = new GrainStateStorage(database.DataSource, Writer, new ReadModelCatalog([ReadModel]));
        }

        public TestDatabase Database { get; }

        public ProbeReadModel ReadModel { get; } = new();

        public StateWriter Writer { get; }

        public GrainStateStorage Storage { get; }

        public static GrainId Id(string key) => GrainId.Create("probe", key);

        public static async Task<Probe> CreateAsync(string purpose, GrainStorageOptions? options = null)
        {
            var database = await TestDatabase.CreateAsync("gss_" + purpose);
            await database.ScalarAsync<int>("CREATE TABLE probe_rows (key text PRIMARY KEY, value integer NOT NULL, state_version integer NOT NULL)");
            return new Probe(database, options ?? new GrainStorageOptions());
        }

        /// <summary>The first write of a grain.</summary>
        public Task<Stored> WriteAsync(string key, ProbeState state) => WriteAsync(new Stored(key, new GrainState<ProbeState>(state)));

        /// <summary>A write of a grain's state as it is now, expecting the version its last write or read left.</summary>
        public async Task<Stored> WriteAsync(Stored stored)
        {
            await Storage.WriteStateAsync("probe", Id(stored.Key), stored.Grain);
            return stored;
        }

        public async ValueTask DisposeAsync()
        {
            Writer.Dispose();
            await Database.DisposeAsync();
        }
    }
}
