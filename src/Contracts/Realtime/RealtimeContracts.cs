using Marketplace.Contracts.Cart;
using Marketplace.Contracts.Notifications;
using Marketplace.Contracts.Orders;

namespace Marketplace.Contracts.Realtime;

/// <summary>Names of the live feeds. A feed grain is keyed by its topic; web hosts subscribe to topics, not to connections.</summary>
public static class FeedTopics
{
    private const string ProductPrefix = "product/";
    private const string UserPrefix = "user/";

    /// <summary>Stock changes of every SKU of one product.</summary>
    public static string Product(string productId) => ProductPrefix + productId;

    /// <summary>Cart, order and notification events of one user.</summary>
    public static string User(string userId) => UserPrefix + userId;

    public static bool TryParseProduct(string topic, out string productId) => TryParse(topic, ProductPrefix, out productId);

    public static bool TryParseUser(string topic, out string userId) => TryParse(topic, UserPrefix, out userId);

    private static bool TryParse(string topic, string prefix, out string id)
    {
        id = topic.StartsWith(prefix, StringComparison.Ordinal) ? topic[prefix.Length..] : "";
        return id.Length > 0;
    }
}

/// <summary>Something a live feed pushes to the web hosts that watch it.</summary>
[GenerateSerializer, Immutable, Alias("mk.FeedEvent")]
public abstract record FeedEvent;

/// <summary>
/// A SKU's availability after a stored change. <see cref="Version"/> grows with every stored change of the SKU, so an
/// older event that arrives late is recognised and dropped.
/// </summary>
[GenerateSerializer, Immutable, Alias("mk.StockChanged")]
public sealed record StockChanged(
    [property: Id(0)] string ProductId,
    [property: Id(1)] string Sku,
    [property: Id(2)] int Available,
    [property: Id(3)] long Version,
    [property: Id(4)] DateTimeOffset At) : FeedEvent;

/// <summary>The owner's cart as it is after a change.</summary>
[GenerateSerializer, Immutable, Alias("mk.CartChanged")]
public sealed record CartChanged([property: Id(0)] CartView Cart) : FeedEvent;

/// <summary>An order of the user (as buyer or as store staff) moved to a new status.</summary>
[GenerateSerializer, Immutable, Alias("mk.OrderChanged")]
public sealed record OrderChanged(
    [property: Id(0)] string OrderId,
    [property: Id(1)] OrderStatus Status,
    [property: Id(2)] DateTimeOffset At) : FeedEvent;

/// <summary>A notification that was just stored in the user's inbox.</summary>
[GenerateSerializer, Immutable, Alias("mk.NotificationPushed")]
public sealed record NotificationPushed([property: Id(0)] NotificationView Notification) : FeedEvent;

/// <summary>
/// A web host's receiver of live events: one per web host, whatever the number of connections it relays them to.
/// </summary>
[Alias("mk.IFeedObserver")]
public interface IFeedObserver : IGrainObserver
{
    [OneWay, Alias("OnEvents")]
    Task OnEvents(string topic, IReadOnlyList<FeedEvent> events);
}

/// <summary>What one feed has done since it was activated (for benchmarks and diagnostics).</summary>
[GenerateSerializer, Immutable, Alias("mk.FeedStatistics")]
public sealed record FeedStatistics(
    [property: Id(0)] string Topic,
    [property: Id(1)] string Silo,
    [property: Id(2)] int Subscribers,
    [property: Id(3)] long EventsIn,
    [property: Id(4)] long EventsDropped,
    [property: Id(5)] long Pushes);

/// <summary>
/// One live topic (<see cref="FeedTopics"/>). Holds the web hosts subscribed to it, in memory only: a web host renews
/// its subscription periodically, and one not renewed within the subscription lifetime is dropped, so a feed that
/// lost its memory (its silo died) is whole again after one renewal period. Stock events are coalesced per SKU.
/// </summary>
[Alias("mk.IFeedGrain")]
public interface IFeedGrain : IGrainWithStringKey
{
    /// <summary>Adds or renews a web host's subscription; answers true when the feed did not know it (new or lost).</summary>
    [Alias("Subscribe")]
    Task<bool> Subscribe(IFeedObserver observer);

    [Alias("Unsubscribe")]
    Task Unsubscribe(IFeedObserver observer);

    /// <summary>Sends an event to every subscribed web host (stock events through the coalescing window).</summary>
    [OneWay, Alias("Publish")]
    Task Publish(FeedEvent feedEvent);

    [AlwaysInterleave, Alias("GetStatistics")]
    Task<FeedStatistics> GetStatistics();
}
