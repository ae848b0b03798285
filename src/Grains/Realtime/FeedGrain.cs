using Marketplace.Contracts.Realtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Realtime;

/// <summary>
/// One live topic. Its subscribers are web hosts, so a change costs one push per web host however many people watch.
/// Subscriptions live in memory and expire unless renewed: the web hosts renew them, which also rebuilds them on a new
/// activation after a silo died. Stock events keep the highest version per SKU (a late, older event is dropped) and go
/// through a coalescing window: the first change of a quiet SKU is pushed at once; changes within the window after a
/// push wait for its end and only the latest is pushed.
/// </summary>
public sealed partial class FeedGrain(
    IOptions<RealtimeOptions> options,
    ILocalSiloDetails silo,
    TimeProvider clock,
    ILogger<FeedGrain> logger) : Grain, IFeedGrain
{
    private readonly Dictionary<GrainId, Subscriber> subscribers = [];
    private readonly Dictionary<string, SkuWindow> skus = new(StringComparer.Ordinal);
    private IGrainTimer? flushTimer;
    private DateTimeOffset flushDue = DateTimeOffset.MaxValue;
    private long eventsIn;
    private long eventsDropped;
    private long pushes;

    private string Topic => this.GetPrimaryKeyString();

    public Task<bool> Subscribe(IFeedObserver observer)
    {
        var id = observer.GetGrainId();
        var known = subscribers.ContainsKey(id);
        subscribers[id] = new Subscriber(observer, clock.GetUtcNow() + options.Value.SubscriptionLifetime);
        if (!known)
        {
            LogSubscribed(logger, Topic, id);
        }

        return Task.FromResult(!known);
    }

    public Task Unsubscribe(IFeedObserver observer)
    {
        subscribers.Remove(observer.GetGrainId());
        return Task.CompletedTask;
    }

    public Task Publish(FeedEvent feedEvent)
    {
        eventsIn++;
        if (feedEvent is StockChanged stock)
        {
            OnStock(stock);
        }
        else
        {
            Push([feedEvent]);
        }

        return Task.CompletedTask;
    }

    public Task<FeedStatistics> GetStatistics() => Task.FromResult(new FeedStatistics(
        Topic, silo.SiloAddress.ToString(), subscribers.Count, eventsIn, eventsDropped, pushes));

    private void OnStock(StockChanged stock)
    {
        if (!skus.TryGetValue(stock.Sku, out var sku))
        {
            sku = new SkuWindow();
            skus[stock.Sku] = sku;
        }

        if (stock.Version <= sku.Version)
        {
            eventsDropped++;
            return;
        }

        sku.Version = stock.Version;
        var window = options.Value.CoalesceWindow;
        var now = clock.GetUtcNow();
        if (window <= TimeSpan.Zero || (sku.Pending is null && now - sku.LastPushAt >= window))
        {
            sku.LastPushAt = now;
            Push([stock]);
            return;
        }

        if (sku.Pending is not null)
        {
            eventsDropped++;
        }

        sku.Pending = stock;
        ArmFlush(sku.LastPushAt + window);
    }

    private void ArmFlush(DateTimeOffset due)
    {
        if (flushTimer is not null && flushDue <= due)
        {
            return;
        }

        flushTimer?.Dispose();
        flushDue = due;
        var delay = due - clock.GetUtcNow();
        flushTimer = this.RegisterGrainTimer(Flush, new GrainTimerCreationOptions
        {
            DueTime = delay > TimeSpan.Zero ? delay : TimeSpan.Zero,
            Period = Timeout.InfiniteTimeSpan,
        });
    }

    private Task Flush(CancellationToken cancellationToken)
    {
        flushTimer?.Dispose();
        flushTimer = null;
        flushDue = DateTimeOffset.MaxValue;
        var now = clock.GetUtcNow();
        var window = options.Value.CoalesceWindow;
        List<FeedEvent> due = [];
        var next = DateTimeOffset.MaxValue;
        foreach (var sku in skus.Values)
        {
            if (sku.Pending is not { } pending)
            {
                continue;
            }

            if (sku.LastPushAt + window <= now)
            {
                due.Add(pending);
                sku.Pending = null;
                sku.LastPushAt = now;
            }
            else if (sku.LastPushAt + window < next)
            {
                next = sku.LastPushAt + window;
            }
        }

        if (due.Count > 0)
        {
            Push(due);
        }

        if (next != DateTimeOffset.MaxValue)
        {
            ArmFlush(next);
        }

        return Task.CompletedTask;
    }

    /// <summary>One one-way message per live subscriber; subscriptions past their lifetime are dropped first.</summary>
    private void Push(IReadOnlyList<FeedEvent> events)
    {
        var now = clock.GetUtcNow();
        List<GrainId>? expired = null;
        foreach (var (id, subscriber) in subscribers)
        {
            if (subscriber.ExpiresAt <= now)
            {
                (expired ??= []).Add(id);
                continue;
            }

            try
            {
                _ = subscriber.Observer.OnEvents(Topic, events);
                pushes++;
            }
            catch (Exception e)
            {
                LogPushFailed(logger, e, Topic, id);
            }
        }

        foreach (var id in expired ?? [])
        {
            subscribers.Remove(id);
            LogExpired(logger, Topic, id);
        }
    }

    private sealed record Subscriber(IFeedObserver Observer, DateTimeOffset ExpiresAt);

    private sealed class SkuWindow
    {
        public long Version { get; set; }

        public DateTimeOffset LastPushAt { get; set; } = DateTimeOffset.MinValue;

        public StockChanged? Pending { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Feed {Topic}: web host {Observer} subscribed")]
    private static partial void LogSubscribed(ILogger logger, string topic, GrainId observer);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Feed {Topic}: subscription of {Observer} expired")]
    private static partial void LogExpired(ILogger logger, string topic, GrainId observer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed {Topic}: pushing to {Observer} failed")]
    private static partial void LogPushFailed(ILogger logger, Exception exception, string topic, GrainId observer);
}
