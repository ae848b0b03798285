using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Notifications;

/// <summary>How soon an outbox tries again, and when it stores what it carried out.</summary>
/// <param name="RetryDelay">How long entries whose delivery failed wait before they are tried again.</param>
/// <param name="FlushDelay">
/// Null: what was carried out is written at once. Otherwise it waits up to this long for a write the grain makes anyway
/// (which carries it), and is written on its own only when none came.
/// </param>
public sealed record OutboxTiming(TimeSpan RetryDelay, TimeSpan? FlushDelay = null);

/// <summary>Starts a one-shot timer whose callback runs on the grain's own turn.</summary>
public delegate IDisposable OutboxTimer(TimeSpan due, Func<Task> callback);

/// <summary>
/// Carries out one entry at its recipient and answers how the grain's state records that it is done (a notice taken off
/// the list, a refund counted); the outbox applies that once every delivery of the round has ended.
/// </summary>
public delegate Task<Action> OutboxDelivery<in TEntry>(TEntry entry);

/// <summary>
/// The one mechanism for effects a grain decides now and carries out after (notices, stock to let go, refunds, a rating
/// to pass on): the grain's persisted state lists what is decided and not done, written in the same write as the
/// decision; the outbox carries it out after that write, records what was done and stores that, and tries what failed
/// again on a timer until it is done. After a crash the stored state still lists it, and whatever wakes the grain (its
/// activation, the order sweeper) starts the outbox again. The receiving side must be idempotent (a notification's id
/// derives from its source key, a refund's from its idempotency key), because a crash between carrying an entry out
/// and storing that it was done carries it out again.
/// </summary>
/// <remarks>
/// The grain stays the owner of its state and of every write: it tells the outbox where the pending entries are, how
/// to deliver one and how to write, and after each of its own writes whether the write succeeded.
/// </remarks>
public sealed class Outbox<TEntry>(
    Func<IReadOnlyCollection<TEntry>> pending,
    OutboxDelivery<TEntry> deliver,
    Func<Task> write,
    OutboxTiming timing,
    OutboxTimer startTimer,
    TimeProvider clock,
    ILogger logger,
    string owner)
{
    private IDisposable? deliveryTimer;
    private DateTimeOffset deliveryDue;
    private IDisposable? flushTimer;

    /// <summary>Entries were recorded as done in memory, but the stored state still lists them.</summary>
    private bool doneUnsaved;

    public bool HasPending => pending().Count > 0;

    /// <summary>
    /// Delivers on a turn of its own, so the request that stored the entries is answered without waiting for their
    /// recipients; no later than <paramref name="due"/> from now (an earlier delivery already planned stays).
    /// </summary>
    public void Schedule(TimeSpan due)
    {
        var at = clock.GetUtcNow() + due;
        if (deliveryTimer is not null && deliveryDue <= at)
        {
            return;
        }

        deliveryTimer?.Dispose();
        deliveryDue = at;
        deliveryTimer = startTimer(due, async () =>
        {
            deliveryTimer?.Dispose();
            deliveryTimer = null;
            await DeliverAsync();
        });
    }

    /// <summary>
    /// Picks up what the stored state lists when the grain activates or is woken: pending entries are delivered on a
    /// turn of their own, at once; if none is pending, what was done and not stored yet is stored.
    /// </summary>
    public Task ResumeAsync()
    {
        if (!HasPending)
        {
            return FlushAsync();
        }

        Schedule(TimeSpan.Zero);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Delivers every pending entry now, all at once, and records those done; that is written at once or left for a
    /// later write (<see cref="OutboxTiming.FlushDelay"/>). What failed is tried again after the retry delay.
    /// </summary>
    public async Task DeliverAsync()
    {
        var entries = pending().ToList();
        if (entries.Count == 0)
        {
            return;
        }

        var done = (await Task.WhenAll(entries.Select(TryDeliverAsync))).OfType<Action>().ToList();
        if (done.Count > 0)
        {
            foreach (var record in done)
            {
                record();
            }

            doneUnsaved = true;
            if (timing.FlushDelay is not { } wait)
            {
                await FlushAsync();
            }
            else
            {
                flushTimer ??= startTimer(wait, async () =>
                {
                    flushTimer?.Dispose();
                    flushTimer = null;
                    await FlushAsync();
                });
            }
        }

        if (HasPending)
        {
            Schedule(timing.RetryDelay);
        }
    }

    /// <summary>Writes what was done if no write of the grain has carried it yet.</summary>
    public async Task FlushAsync()
    {
        if (!doneUnsaved)
        {
            return;
        }

        try
        {
            await write();
            Written();
        }
        catch (Exception e)
        {
            // The stored state still lists the entries: whatever wakes the grain next delivers them again.
            WriteFailed();
            OutboxLog.FlushFailed(logger, e, owner);
        }
    }

    /// <summary>The grain stored its state: what was done so far is stored with it.</summary>
    public void Written()
    {
        doneUnsaved = false;
        flushTimer?.Dispose();
        flushTimer = null;
    }

    /// <summary>
    /// A write of the grain failed and its activation retires: memory may differ from storage, so nothing of it may be
    /// written on the way out. Storage still lists what memory recorded as done; it is carried out again.
    /// </summary>
    public void WriteFailed()
    {
        doneUnsaved = false;
        flushTimer?.Dispose();
        flushTimer = null;
    }

    private async Task<Action?> TryDeliverAsync(TEntry entry)
    {
        try
        {
            return await deliver(entry);
        }
        catch (Exception e)
        {
            OutboxLog.DeliveryFailed(logger, e, owner);
            return null;
        }
    }
}

/// <summary>Helpers for grains that use an outbox.</summary>
public static class Outboxes
{
    /// <summary>Outbox timers as grain timers: one-shot, on the grain's turn, not interleaved with its requests.</summary>
    public static OutboxTimer TimersOf(IGrainBase grain) => (due, callback) => grain.RegisterGrainTimer(
        _ => callback(), new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan });

    /// <summary>A delivery whose entry is done once <paramref name="delivery"/> completed: <paramref name="done"/> records that.</summary>
    public static async Task<Action> Then(this Task delivery, Action done)
    {
        await delivery;
        return done;
    }
}

internal static partial class OutboxLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Carrying out a pending effect of {Owner} failed; it is retried")]
    public static partial void DeliveryFailed(ILogger logger, Exception exception, string owner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing the effects {Owner} carried out failed; they are carried out again later")]
    public static partial void FlushFailed(ILogger logger, Exception exception, string owner);
}
