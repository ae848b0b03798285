using Marketplace.Contracts.Realtime;
using Marketplace.Web.Cart;
using Marketplace.Web.Infrastructure;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Realtime;

/// <summary>
/// This web host's side of the live feeds: one grain observer for the whole host, one subscription per topic that
/// has at least one local connection, relayed to the topic's SignalR group. A topic's subscription is made by the
/// first connection that needs it (which waits until it is active) and renewed every
/// <see cref="RealtimeHostOptions.RenewInterval"/> while any connection needs it (every
/// <see cref="RealtimeHostOptions.RetryInterval"/> after a failed renewal); a renewal the feed did not know
/// (its silo died, so it lost its memory) re-reads a product's stock so watchers do not keep a stale value. A topic
/// nobody needs is kept for one more interval, so a page reload does not unsubscribe and subscribe again.
/// </summary>
public sealed partial class FeedSubscriptions(
    IGrainFactory grains,
    IHubContext<MarketHub> hub,
    IOptions<RealtimeHostOptions> options,
    IStringLocalizer<Text> texts,
    TimeProvider clock,
    ILogger<FeedSubscriptions> logger) : BackgroundService, IFeedObserver
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, TopicState> topics = new(StringComparer.Ordinal);
    private IFeedObserver? reference;

    /// <summary>Topics with a subscription (or one being made); for diagnostics and tests.</summary>
    public int TopicCount
    {
        get
        {
            lock (gate)
            {
                return topics.Count;
            }
        }
    }

    private IFeedObserver Reference
    {
        get
        {
            lock (gate)
            {
                return reference ??= grains.CreateObjectReference<IFeedObserver>(this);
            }
        }
    }

    /// <summary>Counts one more local need for the topic; completes once the host's subscription to it is active.</summary>
    public async Task AcquireAsync(string topic, CancellationToken cancellationToken)
    {
        Task subscribed;
        lock (gate)
        {
            if (!topics.TryGetValue(topic, out var state))
            {
                state = new TopicState();
                topics[topic] = state;
            }

            state.References++;
            state.IdleSince = null;
            if (state.Subscribed is null || state.Subscribed.IsFaulted || state.Subscribed.IsCanceled)
            {
                state.Subscribed = SubscribeAsync(topic);
                state.RenewAt = clock.GetUtcNow() + options.Value.RenewInterval;
            }

            subscribed = state.Subscribed;
        }

        try
        {
            await subscribed.WaitAsync(options.Value.CallTimeout, clock, cancellationToken);
        }
        catch
        {
            Release(topic);
            throw;
        }
    }

    /// <summary>Counts one local need less; the subscription ends after a quiet interval.</summary>
    public void Release(string topic)
    {
        lock (gate)
        {
            if (topics.TryGetValue(topic, out var state) && --state.References <= 0)
            {
                state.References = 0;
                state.IdleSince = clock.GetUtcNow();
            }
        }
    }

    public Task OnEvents(string topic, IReadOnlyList<FeedEvent> events)
    {
        var group = hub.Clients.Group(topic);
        foreach (var feedEvent in events)
        {
            switch (feedEvent)
            {
                case StockChanged stock when IsNewest(topic, "stock:" + stock.Sku, stock.Version, sameIsStale: true):
                    Send(group, HubEvents.StockChanged, new StockChangedMessage(stock.ProductId, stock.Sku, stock.Available, stock.At));
                    break;
                case CartChanged cart when IsNewest(topic, "cart", cart.Cart.UpdatedAt?.UtcTicks ?? 0, sameIsStale: true):
                    Send(group, HubEvents.CartChanged, new CartChangedMessage(CartResponse.From(cart.Cart)));
                    break;
                case OrderChanged order when IsNewest(topic, "order:" + order.OrderId, order.At.UtcTicks, sameIsStale: false):
                    Send(group, HubEvents.OrderChanged, new OrderChangedMessage(order.OrderId, order.Status, order.At));
                    break;
                case NotificationPushed pushed:
                    Send(group, HubEvents.Notification, NotificationMessage.From(pushed.Notification, texts));
                    break;
            }
        }

        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RetryInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RenewAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Renewing must outlive any one failure: the subscriptions depend on it.
                LogRenewFailed(logger, "*", e.GetType().Name);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Leaving politely saves the feeds a lifetime of pushes to a host that is gone; they would expire anyway.
        List<string> all;
        lock (gate)
        {
            all = [.. topics.Keys];
            topics.Clear();
        }

        if (reference is not null)
        {
            await Task.WhenAll(all.Select(t => UnsubscribeQuietly(t, reference))).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken)
                .ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        List<string> renew = [];
        List<string> drop = [];
        lock (gate)
        {
            foreach (var (topic, state) in topics)
            {
                if (state.IdleSince is { } idle && now - idle >= options.Value.RenewInterval)
                {
                    drop.Add(topic);
                }
                else if (state.Subscribed is { IsCompleted: true } && state.RenewAt <= now)
                {
                    renew.Add(topic);
                }
            }

            foreach (var topic in drop)
            {
                topics.Remove(topic);
            }
        }

        var observer = Reference;
        var dropped = drop.ToHashSet(StringComparer.Ordinal);
        await Parallel.ForEachAsync(drop.Concat(renew), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
            async (topic, _) =>
            {
                if (dropped.Contains(topic))
                {
                    await UnsubscribeQuietly(topic, observer);
                    // A connection that wanted the topic again meanwhile subscribed anew, and that may have reached the
                    // feed before the unsubscribe did: subscribe once more, now that the unsubscribe is done.
                    if (IsWanted(topic))
                    {
                        await RenewOneAsync(topic, observer);
                    }

                    return;
                }

                await RenewOneAsync(topic, observer);
            });
    }

    private async Task RenewOneAsync(string topic, IFeedObserver observer)
    {

        try
        {
            var lost = await grains.GetGrain<IFeedGrain>(topic).Subscribe(observer).WaitAsync(options.Value.CallTimeout, clock);
            SetRenewAt(topic, clock.GetUtcNow() + options.Value.RenewInterval);
            if (lost)
            {
                LogResubscribed(logger, topic);
                await ResyncAsync(topic);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            SetRenewAt(topic, clock.GetUtcNow() + options.Value.RetryInterval);
            LogRenewFailed(logger, topic, e.GetType().Name);
        }
    }

    private bool IsWanted(string topic)
    {
        lock (gate)
        {
            return topics.ContainsKey(topic);
        }
    }

    private void SetRenewAt(string topic, DateTimeOffset at)
    {
        lock (gate)
        {
            if (topics.TryGetValue(topic, out var state))
            {
                state.RenewAt = at;
            }
        }
    }

    private async Task SubscribeAsync(string topic)
    {
        await grains.GetGrain<IFeedGrain>(topic).Subscribe(Reference);
    }

    /// <summary>
    /// After a feed lost its memory, changes made meanwhile were pushed to nobody: send watchers the stock as it is
    /// now. Carts and notifications need no such step (the inbox is durable and the next cart change carries it all).
    /// </summary>
    private async Task ResyncAsync(string topic)
    {
        if (!FeedTopics.TryParseProduct(topic, out var productId))
        {
            return;
        }

        try
        {
            if (await grains.GetGrain<IProductGrain>(productId).GetDetails() is not { } product)
            {
                return;
            }

            // Each level with its version, through the same check as pushes: a push that got here first is newer
            // and stays.
            var now = clock.GetUtcNow();
            var levels = await Task.WhenAll(product.Variants.Select(async v =>
                (v.Sku, Level: await grains.GetGrain<IInventoryGrain>(GrainKeys.Sku(productId, v.Sku)).GetLevel())));
            await OnEvents(topic, levels.Select(l => (FeedEvent)new StockChanged(productId, l.Sku, l.Level.Available, l.Level.Version, now)).ToList());
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or DomainException)
        {
            LogRenewFailed(logger, topic, e.GetType().Name);
        }
    }

    /// <summary>
    /// Events may overtake each other on the way (one-way messages are not ordered): per topic and key (a SKU, the
    /// cart, an order), one older than already relayed is dropped, so a screen never goes back to an earlier state.
    /// </summary>
    private bool IsNewest(string topic, string key, long version, bool sameIsStale)
    {
        lock (gate)
        {
            if (!topics.TryGetValue(topic, out var state))
            {
                return false;
            }

            if (state.Versions.TryGetValue(key, out var seen) && (seen > version || (sameIsStale && seen == version)))
            {
                WebMetrics.Stale();
                return false;
            }

            state.Versions[key] = version;
            return true;
        }
    }

    private void Send(IClientProxy group, string method, object message)
    {
        WebMetrics.Pushed(method);
        group.SendAsync(method, message).ContinueWith(
            t => LogRelayFailed(logger, t.Exception!, method),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    private async Task UnsubscribeQuietly(string topic, IFeedObserver observer)
    {
        try
        {
            await grains.GetGrain<IFeedGrain>(topic).Unsubscribe(observer).WaitAsync(options.Value.CallTimeout, clock);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or SiloUnavailableException)
        {
            // The feed forgets an unrenewed subscription by itself.
        }
    }

    private sealed class TopicState
    {
        public int References { get; set; }

        public DateTimeOffset? IdleSince { get; set; }

        public Task? Subscribed { get; set; }

        public DateTimeOffset RenewAt { get; set; }

        public Dictionary<string, long> Versions { get; } = new(StringComparer.Ordinal);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Feed {Topic} had lost this host's subscription; subscribed again")]
    private static partial void LogResubscribed(ILogger logger, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing feed {Topic} failed ({Error}); retrying soon")]
    private static partial void LogRenewFailed(ILogger logger, string topic, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relaying {Method} to SignalR failed")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception, string method);
}
