using System.Collections.Concurrent;
using System.Diagnostics;
using Marketplace.Contracts.Orders;
using Marketplace.Grains.Orders;
using Marketplace.Grains.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Marketplace.System.Tests;

/// <summary>
/// The batching storage provider while PostgreSQL is restarted with <c>pg_ctl -m immediate</c> under write load: every
/// write acknowledged before the restart is there afterwards, and the read model written in the same transactions agrees
/// with the state rows row for row. (A System test, because restarting the server would disturb parallel collections.)
/// </summary>
public sealed class StorageCrashTests(ITestOutputHelper output)
{
    private const int Grains = 24;

    [Fact]
    public async Task Restarting_postgres_under_write_load_loses_no_acknowledged_write_and_keeps_read_models_in_step()
    {
        await using var database = await TestDatabase.CreateAsync("storagecrash");
        using var writer = new StateWriter(database.DataSource, Options.Create(new GrainStorageOptions()), NullLogger<StateWriter>.Instance);
        var storage = new GrainStateStorage(database.DataSource, writer, new ReadModelCatalog([new OrderListingReadModel()]));
        // Per grain, the last acknowledged write: its version and the total it stored.
        var acknowledged = new ConcurrentDictionary<string, (int Version, long Total)>();
        var failures = 0;
        var restarted = 0;
        var acknowledgedAfterRestart = 0;
        using var stop = new CancellationTokenSource();

        var load = Enumerable.Range(0, Grains).Select(i => Task.Run(async () =>
        {
            var key = $"ord_crash{i:D3}";
            var id = GrainId.Create("order", key);
            var grain = new GrainState<OrderState>(NewOrder(i));
            while (!stop.IsCancellationRequested)
            {
                grain.State!.Total++;
                grain.State.UpdatedAt = DateTimeOffset.UtcNow;
                try
                {
                    await storage.WriteStateAsync("order", id, grain);
                    acknowledged[key] = (int.Parse(grain.ETag!, global::System.Globalization.CultureInfo.InvariantCulture), grain.State.Total);
                    if (Volatile.Read(ref restarted) == 1)
                    {
                        Interlocked.Increment(ref acknowledgedAfterRestart);
                    }
                }
                catch (Exception)
                {
                    // As a grain does after a failed write: start again from what storage holds.
                    Interlocked.Increment(ref failures);
                    await Task.Delay(100);
                    try
                    {
                        var reread = new GrainState<OrderState>(NewOrder(i));
                        await storage.ReadStateAsync("order", id, reread);
                        grain = reread;
                    }
                    catch (Exception)
                    {
                        // The server is still away; the next write tries again.
                    }
                }
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(3));
        var before = acknowledged.Values.Sum(a => a.Version);
        var watch = Stopwatch.StartNew();
        await TestEnvironment.RestartPostgresImmediatelyAsync();
        Volatile.Write(ref restarted, 1);
        var restartTook = watch.Elapsed;
        var deadline = Stopwatch.StartNew();
        while (Volatile.Read(ref acknowledgedAfterRestart) < Grains && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
        }

        var recovered = watch.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stop.CancelAsync();
        await Task.WhenAll(load);
        database.DataSource.Clear();

        output.WriteLine($"{before} writes acknowledged before the restart (took {restartTook.TotalSeconds:F1} s); writes again " +
                         $"{recovered.TotalSeconds:F1} s after it began; {acknowledged.Values.Sum(a => a.Version)} in all, {failures} failed");
        Assert.True(acknowledgedAfterRestart >= Grains, $"only {acknowledgedAfterRestart} writes acknowledged after the restart");

        var stored = new Dictionary<string, (int Version, long Total)>();
        await using (var command = database.DataSource.CreateCommand("SELECT grain_key, version, (payload ->> 'Total')::bigint FROM grain_states"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored[reader.GetString(0)] = (reader.GetInt32(1), reader.GetInt64(2));
            }
        }

        Assert.Equal(Grains, stored.Count);
        foreach (var (key, ack) in acknowledged)
        {
            // Never behind what was acknowledged; one ahead at most (a write whose commit went through but whose answer
            // was lost with the server is reported as failed to its writer, which then reads it back).
            var (version, total) = stored[key];
            Assert.True(version >= ack.Version && (version > ack.Version || total == ack.Total),
                $"{key}: acknowledged version {ack.Version} (total {ack.Total}), stored {version} (total {total})");
        }

        Assert.Equal(0L, await database.ScalarAsync<long>("""
            SELECT count(*) FROM grain_states g FULL JOIN order_listings o ON o.order_id = g.grain_key
            WHERE g.grain_key IS NULL OR o.order_id IS NULL OR o.state_version <> g.version OR o.total <> (g.payload ->> 'Total')::bigint
            """));
        Assert.Equal(Grains * 2L, await database.ScalarAsync<long>("SELECT count(*) FROM order_listing_lines"));
    }

    private static OrderState NewOrder(int i) => new()
    {
        Created = true, BuyerId = "usr_crash", SellerId = $"sel_crash{i % 3}", SellerName = "Café Ana", Currency = "CLP",
        Status = OrderStatus.AwaitingPayment, PlacedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        Lines = [new OrderLine("prd_a", "A", "Café", 1, 1000), new OrderLine("prd_b", "B", "Té", 2, 500)],
    };
}
