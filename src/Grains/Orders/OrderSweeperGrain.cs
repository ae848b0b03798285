using Marketplace.Contracts.Orders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Grains.Orders;

/// <summary>
/// The saga's safety net after crashes. An order's deadline runs on a grain timer while the order is active; if its
/// silo dies, nothing in memory remains. The read model, written in the same transaction as every order write, still
/// says which orders are overdue or have an effect pending; this grain (key 0, one reminder) reads that and wakes them.
/// Waking is idempotent, so a sweep that overlaps an active order's own timer costs one call.
/// </summary>
public sealed partial class OrderSweeperGrain(
    NpgsqlDataSource db, IOptions<OrderOptions> options, ILogger<OrderSweeperGrain> logger) : Grain, IOrderSweeperGrain, IRemindable
{
    public const int BatchSize = 2000;
    private const string SweepReminder = "order-sweep";

    public async Task Start()
    {
        if (await this.GetReminder(SweepReminder) is null)
        {
            var period = options.Value.ReminderPeriod;
            await this.RegisterOrUpdateReminder(SweepReminder, period, period);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status) => await Sweep();

    public async Task<int> Sweep()
    {
        var due = new List<string>();
        await using (var command = db.CreateCommand("""
            SELECT order_id FROM order_listings
            WHERE (status IN ('awaitingSellerConfirmation', 'awaitingPayment') AND decide_by <= now())
               OR (needs_attention AND updated_at <= now() - $1)
            ORDER BY decide_by NULLS LAST
            LIMIT $2
            """))
        {
            // An order busy with its own effects right now is left to itself for a retry period.
            command.Parameters.Add(new NpgsqlParameter { Value = options.Value.RetryDelay * 2 });
            command.Parameters.Add(new NpgsqlParameter { Value = BatchSize });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                due.Add(reader.GetString(0));
            }
        }

        var failed = 0;
        foreach (var chunk in due.Chunk(50))
        {
            await Task.WhenAll(chunk.Select(async orderId =>
            {
                try
                {
                    await GrainFactory.GetGrain<IOrderGrain>(orderId).Wake();
                }
                catch (Exception e) when (e is OrleansException or DomainException or TimeoutException)
                {
                    Interlocked.Increment(ref failed);
                    LogWakeFailed(logger, e, orderId);
                }
            }));
        }

        if (due.Count > 0)
        {
            LogSwept(logger, due.Count, failed);
        }

        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Order sweep woke {Count} overdue or unfinished order(s); {Failed} failed and wait for the next sweep")]
    private static partial void LogSwept(ILogger logger, int count, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order sweep could not wake {OrderId}")]
    private static partial void LogWakeFailed(ILogger logger, Exception exception, string orderId);
}
