namespace Marketplace.Grains.Inventory;

/// <summary>
/// Group commit inside one reentrant grain. Calls apply their change to memory at once and then wait for the write that
/// carries it: one write is in flight at a time, and every change applied meanwhile is stored together by the next. A
/// call is answered only after that write committed. A write that fails breaks the writer for good: the changes it
/// carried, those queued behind it and every later call are refused with <paramref name="refusal"/>, and the grain
/// retires the activation so a fresh one reloads what storage has.
/// </summary>
/// <remarks>Not thread-safe: it relies on the grain's turns running one at a time.</remarks>
/// <param name="writeBatch">
/// Writes everything applied since the previous batch, and answers what to do once that batch's callers have their
/// answer (tell watchers, keep a reminder). Throws when the batch was not stored.
/// </param>
/// <param name="refusal">The error a caller gets when its change cannot be stored.</param>
public sealed class CoalescedWrites(Func<Task<Func<Task>>> writeBatch, Func<Exception> refusal)
{
    private TaskCompletionSource? nextWrite;
    private TaskCompletionSource? currentWrite;
    private bool writing;

    /// <summary>A write failed; nothing more is stored by this activation.</summary>
    public bool IsBroken { get; private set; }

    public void ThrowIfBroken()
    {
        if (IsBroken)
        {
            throw refusal();
        }
    }

    /// <summary>Queues the changes applied so far for the next write and waits until they are stored.</summary>
    public Task StoreAsync()
    {
        ThrowIfBroken();
        nextWrite ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stored = nextWrite.Task;
        if (!writing)
        {
            _ = WriteLoopAsync();
        }

        return stored;
    }

    /// <summary>Waits until everything applied so far is stored (a repeated request must not be answered sooner).</summary>
    public Task WhenStoredAsync()
    {
        ThrowIfBroken();
        return nextWrite?.Task ?? currentWrite?.Task ?? Task.CompletedTask;
    }

    /// <summary>The only writer: one write in flight at a time, until nothing is left to store.</summary>
    private async Task WriteLoopAsync()
    {
        writing = true;
        try
        {
            while (nextWrite is { } write)
            {
                nextWrite = null;
                currentWrite = write;
                Func<Task> afterCommit;
                try
                {
                    afterCommit = await writeBatch();
                }
                catch (Exception)
                {
                    IsBroken = true;
                    currentWrite = null;
                    write.SetException(refusal());
                    nextWrite?.SetException(refusal());
                    nextWrite = null;
                    return;
                }

                currentWrite = null;
                write.SetResult();
                await afterCommit();
            }
        }
        finally
        {
            writing = false;
        }
    }
}
