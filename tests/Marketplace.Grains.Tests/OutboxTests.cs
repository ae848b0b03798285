using Marketplace.Grains.Notifications;
using Microsoft.Extensions.Logging.Abstractions;

namespace Marketplace.Grains.Tests;

/// <summary>The one mechanism for effects decided now and carried out after, without a cluster: timers are run by hand.</summary>
public sealed class OutboxTests
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Delivered_entries_are_recorded_as_done_and_stored_at_once()
    {
        var box = new Box(["a", "b"]);

        await box.Outbox.DeliverAsync();

        Assert.Equal(["a", "b"], box.Attempts.Order());
        Assert.Empty(box.Pending);
        Assert.Equal(1, box.Writes);
        Assert.Empty(box.Timers.Live);
    }

    [Fact]
    public async Task An_entry_whose_delivery_fails_stays_and_is_tried_again_after_the_retry_delay()
    {
        var box = new Box(["a", "b"]) { Failing = { "b" } };

        await box.Outbox.DeliverAsync();

        Assert.Equal(["b"], box.Pending);
        Assert.Equal(1, box.Writes);
        var retry = Assert.Single(box.Timers.Live);
        Assert.Equal(Retry, retry.Due);

        box.Failing.Clear();
        await box.Timers.FireAsync(retry);
        Assert.Empty(box.Pending);
        Assert.Equal(["a", "b", "b"], box.Attempts.Order());
        Assert.Equal(2, box.Writes);
        Assert.Empty(box.Timers.Live);
    }

    [Fact]
    public async Task Nothing_delivered_writes_nothing()
    {
        var empty = new Box([]);
        await empty.Outbox.DeliverAsync();
        await empty.Outbox.FlushAsync();

        var failing = new Box(["a"]) { Failing = { "a" } };
        await failing.Outbox.DeliverAsync();

        Assert.Equal((0, 0), (empty.Writes, failing.Writes));
        Assert.Equal(["a"], failing.Pending);
    }

    [Fact]
    public async Task With_a_flush_delay_what_was_done_rides_on_the_grains_next_write()
    {
        var box = new Box(["a"], flushDelay: TimeSpan.FromSeconds(10));

        await box.Outbox.DeliverAsync();
        Assert.Empty(box.Pending);
        Assert.Equal(0, box.Writes);
        var flush = Assert.Single(box.Timers.Live);
        Assert.Equal(TimeSpan.FromSeconds(10), flush.Due);

        // The grain writes for its own reasons: that write carries it, and the flush is called off.
        box.Outbox.Written();
        Assert.True(flush.Disposed);
        await box.Outbox.FlushAsync();
        Assert.Equal(0, box.Writes);
    }

    [Fact]
    public async Task With_a_flush_delay_and_no_write_of_the_grain_what_was_done_is_written_on_its_own_once()
    {
        var box = new Box(["a", "b"], flushDelay: TimeSpan.FromSeconds(10));

        await box.Outbox.DeliverAsync();
        await box.Timers.FireAsync(Assert.Single(box.Timers.Live));
        await box.Outbox.FlushAsync();

        Assert.Equal(1, box.Writes);
    }

    [Fact]
    public async Task After_a_failed_write_nothing_of_memory_is_written_on_the_way_out()
    {
        var box = new Box(["a"], flushDelay: TimeSpan.FromSeconds(10));
        await box.Outbox.DeliverAsync();

        box.Outbox.WriteFailed();
        await box.Outbox.FlushAsync();

        Assert.Equal(0, box.Writes);
    }

    [Fact]
    public async Task A_flush_whose_write_fails_is_not_repeated_from_the_same_memory()
    {
        var box = new Box(["a"]) { WriteFails = true };

        await box.Outbox.DeliverAsync();
        box.WriteFails = false;
        await box.Outbox.FlushAsync();

        Assert.Equal(0, box.Writes);
        Assert.Equal(1, box.FailedWrites);
    }

    [Fact]
    public void A_scheduled_delivery_is_brought_forward_never_put_off()
    {
        var box = new Box(["a"]);

        box.Outbox.Schedule(TimeSpan.FromMinutes(10));
        box.Outbox.Schedule(TimeSpan.FromMinutes(20));
        Assert.Equal(TimeSpan.FromMinutes(10), Assert.Single(box.Timers.Live).Due);

        box.Outbox.Schedule(TimeSpan.Zero);
        Assert.Equal(TimeSpan.Zero, Assert.Single(box.Timers.Live).Due);
        Assert.Equal(2, box.Timers.Started.Count);
    }

    [Fact]
    public async Task Resuming_delivers_what_is_pending_on_a_turn_of_its_own_or_stores_what_was_done()
    {
        var pending = new Box(["a"]);
        await pending.Outbox.ResumeAsync();
        Assert.Empty(pending.Attempts);
        await pending.Timers.FireAsync(Assert.Single(pending.Timers.Live));
        Assert.Equal(["a"], pending.Attempts);

        var delivered = new Box(["a"], flushDelay: TimeSpan.FromMinutes(1));
        await delivered.Outbox.DeliverAsync();
        await delivered.Outbox.ResumeAsync();
        Assert.Equal(1, delivered.Writes);
    }

    [Fact]
    public async Task What_each_delivery_records_is_applied_after_every_delivery_of_the_round_ended()
    {
        var order = new List<string>();
        var gate = new TaskCompletionSource();
        var outbox = new Outbox<string>(
            () => ["slow", "fast"],
            async entry =>
            {
                if (entry == "slow")
                {
                    await gate.Task;
                }

                order.Add("delivered " + entry);
                return () => order.Add("recorded " + entry);
            },
            () => Task.CompletedTask, new OutboxTiming(Retry), new ManualTimers().Start, TimeProvider.System, NullLogger.Instance, "test");

        var round = outbox.DeliverAsync();
        Assert.Equal(["delivered fast"], order);
        gate.SetResult();
        await round;

        Assert.Equal(["delivered fast", "delivered slow", "recorded slow", "recorded fast"], order);
    }

    /// <summary>A grain's list of pending entries with a recipient that fails on request, and a count of the grain's writes.</summary>
    private sealed class Box
    {
        public Box(List<string> pending, TimeSpan? flushDelay = null)
        {
            Pending = pending;
            Outbox = new Outbox<string>(
                () => Pending, entry => SendAsync(entry).Then(() => Pending.Remove(entry)),
                WriteAsync, new OutboxTiming(Retry, flushDelay), Timers.Start, TimeProvider.System, NullLogger.Instance, "test");
        }

        public List<string> Pending { get; }

        /// <summary>Every delivery tried, failed ones included.</summary>
        public List<string> Attempts { get; } = [];

        public HashSet<string> Failing { get; } = [];

        public ManualTimers Timers { get; } = new();

        public Outbox<string> Outbox { get; }

        public int Writes { get; private set; }

        public int FailedWrites { get; private set; }

        public bool WriteFails { get; set; }

        private Task SendAsync(string entry)
        {
            Attempts.Add(entry);
            return Failing.Contains(entry) ? Task.FromException(new InvalidOperationException("unreachable")) : Task.CompletedTask;
        }

        private Task WriteAsync()
        {
            if (WriteFails)
            {
                FailedWrites++;
                return Task.FromException(new InvalidOperationException("storage down"));
            }

            Writes++;
            return Task.CompletedTask;
        }
    }

    /// <summary>One-shot timers the test fires itself.</summary>
    private sealed class ManualTimers
    {
        public List<ManualTimer> Started { get; } = [];

        public IEnumerable<ManualTimer> Live => Started.Where(t => !t.Disposed && !t.Fired);

        public IDisposable Start(TimeSpan due, Func<Task> callback)
        {
            var timer = new ManualTimer(due, callback);
            Started.Add(timer);
            return timer;
        }

        public Task FireAsync(ManualTimer timer)
        {
            Assert.False(timer.Disposed, "a disposed timer does not fire");
            timer.Fired = true;
            return timer.Callback();
        }
    }

    private sealed class ManualTimer(TimeSpan due, Func<Task> callback) : IDisposable
    {
        public TimeSpan Due { get; } = due;

        public Func<Task> Callback { get; } = callback;

        public bool Disposed { get; private set; }

        public bool Fired { get; set; }

        public void Dispose() => Disposed = true;
    }
}
