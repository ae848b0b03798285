using Marketplace.Contracts.Realtime;
using Marketplace.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Realtime;

/// <summary>
/// The live hub. Guests may watch products; accounts also get their cart, order and notification events, on every
/// connection they have. A connection joins the SignalR group of each topic it needs, and the host subscribes to the
/// topic's feed once (<see cref="FeedSubscriptions"/>).
/// </summary>
[Authorize(Policy = AuthorizationSetup.VisitorPolicy)]
public sealed partial class MarketHub(
    FeedSubscriptions feeds, IGrainFactory grains, IOptions<RealtimeHostOptions> options, ILogger<MarketHub> logger) : Hub
{
    public const string Path = "/hubs/market";

    private const string TopicsKey = "mk.topics";

    public override async Task OnConnectedAsync()
    {
        var user = Context.User!;
        if (!user.IsInRole(RoleNames.Guest))
        {
            await JoinAsync(FeedTopics.User(user.UserId()));
        }

        await base.OnConnectedAsync();
    }

    /// <summary>
    /// The topics this connection receives: "user/{id}" for an account, "product/{id}" per watched product. Messages are
    /// handled only after the connection's start-up, so an answer also means the account's own events already flow.
    /// </summary>
    public IReadOnlyList<string> Subscriptions()
    {
        lock (Topics)
        {
            return [.. Topics.Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>Starts stock events for the product's SKUs; returns once they flow, so later changes are delivered.</summary>
    public async Task WatchProduct(string productId)
    {
        if (!GrainKeys.IsProductId(productId))
        {
            throw new HubException("That is not a product id.");
        }

        // Only what the product page shows: a draft's numbers stay with its store, and an unknown id creates nothing.
        ProductHeader? header;
        try
        {
            header = await grains.GetGrain<IProductGrain>(productId).GetHeader();
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            LogSubscribeFailed(logger, FeedTopics.Product(productId), e.GetType().Name);
            throw new HubException("Live updates are unavailable right now; try again.");
        }

        if (header is null || (header.Status != ProductStatus.Published && !Context.User!.ActsFor(header.SellerId)))
        {
            throw new HubException("There is no such product.");
        }

        var topic = FeedTopics.Product(productId);
        var joined = Topics;
        lock (joined)
        {
            if (joined.Contains(topic))
            {
                return;
            }

            if (joined.Count(t => FeedTopics.TryParseProduct(t, out _)) >= options.Value.MaxWatchesPerConnection)
            {
                throw new HubException($"A connection watches at most {options.Value.MaxWatchesPerConnection} products.");
            }
        }

        await JoinAsync(topic);
    }

    public async Task UnwatchProduct(string productId)
    {
        var topic = FeedTopics.Product(productId);
        bool removed;
        lock (Topics)
        {
            removed = Topics.Remove(topic);
        }

        if (removed)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, topic);
            feeds.Release(topic);
        }
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        List<string> left;
        lock (Topics)
        {
            left = [.. Topics];
            Topics.Clear();
        }

        foreach (var topic in left)
        {
            feeds.Release(topic);
        }

        await base.OnDisconnectedAsync(exception);
    }

    private HashSet<string> Topics
    {
        get
        {
            if (!Context.Items.TryGetValue(TopicsKey, out var value))
            {
                value = new HashSet<string>(StringComparer.Ordinal);
                Context.Items[TopicsKey] = value;
            }

            return (HashSet<string>)value!;
        }
    }

    private async Task JoinAsync(string topic)
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, topic);
        try
        {
            await feeds.AcquireAsync(topic, Context.ConnectionAborted);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or SiloUnavailableException)
        {
            LogSubscribeFailed(logger, topic, e.GetType().Name);
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, topic);
            throw new HubException("Live updates are unavailable right now; try again.");
        }

        bool closed;
        lock (Topics)
        {
            Topics.Add(topic);
            // The connection may have closed while subscribing, after its disconnect handler released what it had.
            closed = Context.ConnectionAborted.IsCancellationRequested;
            if (closed)
            {
                Topics.Remove(topic);
            }
        }

        if (closed)
        {
            feeds.Release(topic);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscribing to feed {Topic} failed ({Error})")]
    private static partial void LogSubscribeFailed(ILogger logger, string topic, string error);
}
