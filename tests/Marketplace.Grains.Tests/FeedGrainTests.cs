using System.Collections.Concurrent;
using Marketplace.Contracts.Common;
using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Realtime;

namespace Marketplace.Grains.Tests;

/// <summary>The live feed grain with real observers (object references of the test's cluster client), as web hosts use it.</summary>
[Collection(ClusterCollection.Name)]
public sealed class FeedGrainTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_change_costs_one_push_per_subscribed_web_host_and_stale_versions_are_dropped()
    {
        var topic = FeedTopics.Product(GrainKeys.NewProductId());
        var feed = cluster.Client.GetGrain<IFeedGrain>(topic);
        var (hostA, refA) = Observer();
        var (hostB, refB) = Observer();
        Assert.True(await feed.Subscribe(refA));
        Assert.True(await feed.Subscribe(refB));
        Assert.False(await feed.Subscribe(refA)); // a renewal

        // Ten SKUs, each quiet until now: each change is pushed at once, once per host.
        for (var i = 0; i < 10; i++)
        {
            await feed.Publish(new StockChanged("p", $"SKU-{i}", 10 - i, Version: 2, DateTimeOffset.UtcNow));
        }

        await Eventually(() => hostA.Received.Count == 10 && hostB.Received.Count == 10);
        // One-way messages may overtake each other: an older version arriving late is dropped, not shown.
        await feed.Publish(new StockChanged("p", "SKU-0", 99, Version: 1, DateTimeOffset.UtcNow));
        await feed.Publish(new OrderChanged("ord_x", OrderStatus.Paid, DateTimeOffset.UtcNow));
        await Eventually(() => hostA.Received.Count == 11 && hostB.Received.Count == 11);
        var stats = await feed.GetStatistics();
        Assert.Equal((2, 12L, 1L, 22L), (stats.Subscribers, stats.EventsIn, stats.EventsDropped, stats.Pushes));
        Assert.DoesNotContain(hostA.Received, e => e is StockChanged { Available: 99 });

        await feed.Unsubscribe(refB);
        await feed.Publish(new OrderChanged("ord_x", OrderStatus.Shipped, DateTimeOffset.UtcNow));
        await Eventually(() => hostA.Received.Count == 12);
        await Task.Delay(200);
        Assert.Equal(11, hostB.Received.Count);
    }

    [Fact]
    public async Task A_burst_on_one_sku_is_coalesced_and_ends_on_the_latest_value()
    {
        var feed = cluster.Client.GetGrain<IFeedGrain>(FeedTopics.Product(GrainKeys.NewProductId()));
        var (host, reference) = Observer();
        await feed.Subscribe(reference);

        for (var version = 1; version <= 200; version++)
        {
            await feed.Publish(new StockChanged("p", "HOT", 1000 - version, version, DateTimeOffset.UtcNow));
        }

        await Eventually(() => host.Received.LastOrDefault() is StockChanged { Available: 800 });
        await Task.Delay(250);
        var stocks = host.Received.OfType<StockChanged>().ToList();
        Assert.Equal(800, stocks[^1].Available);
        Assert.True(stocks.Count < 20, $"{stocks.Count} pushes for 200 changes");
        Assert.Equal(stocks.OrderBy(s => s.Version), stocks); // never rolls back
    }

    /// <summary>An observer and its reference; the test holds the observer, since the client keeps only a weak reference.</summary>
    private (RecordingObserver Observer, IFeedObserver Reference) Observer()
    {
        var observer = new RecordingObserver();
        return (observer, cluster.Client.CreateObjectReference<IFeedObserver>(observer));
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The expected pushes did not arrive.");
            await Task.Delay(20);
        }
    }

    private sealed class RecordingObserver : IFeedObserver
    {
        public ConcurrentQueue<FeedEvent> Received { get; } = new();

        public Task OnEvents(string topic, IReadOnlyList<FeedEvent> events)
        {
            foreach (var e in events)
            {
                Received.Enqueue(e);
            }

            return Task.CompletedTask;
        }
    }
}
