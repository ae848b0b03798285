namespace Marketplace.Grains.Storage;

/// <summary>
/// Writes of many callers in shared transactions: the caller that finds nothing being written starts writing, and what
/// callers queue meanwhile is written together next (at most <paramref name="maxGroup"/> at a time). When a shared
/// write fails, each item is written alone, so one bad item cannot fail the others. Each caller's task completes once
/// its item's transaction committed.
/// </summary>
/// <param name="writeGroup">Writes the items in one transaction and answers one result per item, in order.</param>
public sealed class GroupCommit<TItem, TResult>(Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> writeGroup, int maxGroup)
{
    private readonly Lock gate = new();
    private readonly List<(TItem Item, TaskCompletionSource<TResult> Done)> pending = [];
    private bool flushing;

    public Task<TResult> WriteAsync(TItem item)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool lead;
        lock (gate)
        {
            pending.Add((item, done));
            lead = !flushing;
            flushing = true;
        }

        if (lead)
        {
            _ = Task.Run(FlushAsync, CancellationToken.None);
        }

        return done.Task;
    }

    private async Task FlushAsync()
    {
        while (true)
        {
            List<(TItem Item, TaskCompletionSource<TResult> Done)> group;
            lock (gate)
            {
                if (pending.Count == 0)
                {
                    flushing = false;
                    return;
                }

                group = pending.Take(maxGroup).ToList();
                pending.RemoveRange(0, group.Count);
            }

            try
            {
                Complete(group, await writeGroup([.. group.Select(g => g.Item)]));
            }
            catch (Exception) when (group.Count > 1)
            {
                foreach (var one in group)
                {
                    try
                    {
                        Complete([one], await writeGroup([one.Item]));
                    }
                    catch (Exception e)
                    {
                        one.Done.TrySetException(e);
                    }
                }
            }
            catch (Exception e)
            {
                group[0].Done.TrySetException(e);
            }
        }
    }

    private static void Complete(List<(TItem Item, TaskCompletionSource<TResult> Done)> group, IReadOnlyList<TResult> results)
    {
        for (var i = 0; i < group.Count; i++)
        {
            group[i].Done.TrySetResult(results[i]);
        }
    }
}
