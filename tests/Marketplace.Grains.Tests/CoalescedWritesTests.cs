using Marketplace.Grains.Inventory;

namespace Marketplace.Grains.Tests;

/// <summary>Group commit inside a grain, without a cluster: writes are held open by the test and released one by one.</summary>
public sealed class CoalescedWritesTests
{
    [Fact]
    public async Task An_idle_writer_stores_a_change_at_once_and_answers_after_the_write()
    {
        var storage = new Storage();
        var writes = storage.Writer();

        var stored = writes.StoreAsync();
        Assert.False(stored.IsCompleted);
        storage.Commit();
        await stored;

        Assert.Equal(1, storage.Batches);
        await writes.WhenStoredAsync();
    }

    [Fact]
    public async Task Changes_made_while_a_write_is_in_flight_share_the_next_write()
    {
        var storage = new Storage();
        var writes = storage.Writer();

        var first = writes.StoreAsync();
        var second = writes.StoreAsync();
        var third = writes.StoreAsync();
        var repeated = writes.WhenStoredAsync();
        Assert.Same(second, third);

        storage.Commit();
        await first;
        Assert.False(second.IsCompleted);
        Assert.False(repeated.IsCompleted);

        storage.Commit();
        await Task.WhenAll(second, repeated);
        Assert.Equal(2, storage.Batches);
    }

    [Fact]
    public async Task A_repeated_request_waits_for_the_write_in_flight()
    {
        var storage = new Storage();
        var writes = storage.Writer();

        var first = writes.StoreAsync();
        var repeated = writes.WhenStoredAsync();
        Assert.False(repeated.IsCompleted);

        storage.Commit();
        await Task.WhenAll(first, repeated);
    }

    [Fact]
    public async Task What_follows_a_commit_runs_once_its_callers_have_their_answer()
    {
        var storage = new Storage();
        var writes = storage.Writer();

        var stored = writes.StoreAsync();
        storage.Commit();
        await stored;
        await storage.AfterCommitRan.Task.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal([true], storage.CallerAnsweredBeforeAfterCommit);
    }

    [Fact]
    public async Task A_failed_write_refuses_its_changes_those_queued_behind_it_and_every_later_call()
    {
        var storage = new Storage();
        var writes = storage.Writer();

        var first = writes.StoreAsync();
        storage.Fail();
        Assert.Equal("refused", (await Assert.ThrowsAsync<InvalidOperationException>(() => first)).Message);

        Assert.True(writes.IsBroken);
        Assert.Throws<InvalidOperationException>(() => { _ = writes.StoreAsync(); });
        Assert.Throws<InvalidOperationException>(() => { _ = writes.WhenStoredAsync(); });
        Assert.Throws<InvalidOperationException>(writes.ThrowIfBroken);
        Assert.Equal(0, storage.Batches);
    }

    [Fact]
    public async Task Changes_queued_behind_a_write_that_fails_are_refused_with_it()
    {
        var storage = new Storage();
        var writes = storage.Writer();

        var first = writes.StoreAsync();
        var queued = writes.StoreAsync();
        storage.Fail();

        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        await Assert.ThrowsAsync<InvalidOperationException>(() => queued);
        Assert.Equal(0, storage.Batches);
    }

    /// <summary>A store whose writes wait until the test commits or fails them.</summary>
    private sealed class Storage
    {
        private readonly Queue<TaskCompletionSource> open = new();
        private readonly List<Task> answered = [];

        public int Batches { get; private set; }

        public List<bool> CallerAnsweredBeforeAfterCommit { get; } = [];

        public TaskCompletionSource AfterCommitRan { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CoalescedWrites Writer()
        {
            CoalescedWrites? writes = null;
            writes = new CoalescedWrites(async () =>
            {
                var write = new TaskCompletionSource();
                open.Enqueue(write);
                await write.Task;
                Batches++;
                var caller = writes!.WhenStoredAsync();
                return () =>
                {
                    CallerAnsweredBeforeAfterCommit.Add(caller.IsCompleted);
                    AfterCommitRan.TrySetResult();
                    return Task.CompletedTask;
                };
            }, () => new InvalidOperationException("refused"));
            return writes;
        }

        public void Commit() => open.Dequeue().SetResult();

        public void Fail() => open.Dequeue().SetException(new TimeoutException("database gone"));
    }
}
