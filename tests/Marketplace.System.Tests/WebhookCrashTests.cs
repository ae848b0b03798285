using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Marketplace.Testing;

namespace Marketplace.System.Tests;

/// <summary>
/// Webhook delivery across a crash: the only silo is killed with SIGKILL while a slow receiver has deliveries in flight
/// and more are queued, and started again. Nothing wakes the endpoint but its reminder; afterwards every event reached the
/// receiver (some twice, which is what the event id is for), each product's versions arrived in order, and the
/// delivery log holds every one as delivered.
/// </summary>
public sealed class WebhookCrashTests(ITestOutputHelper output)
{
    private const int Products = 12;
    private const int Versions = 4;

    [Fact]
    public async Task Killing_the_silo_during_delivery_loses_no_event_and_keeps_each_products_order()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync("webhookcrash");
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Delay = TimeSpan.FromMilliseconds(150);
        await using var cluster = await ProcessCluster.StartAsync("webhookcrash", database.ConnectionString, siloSettings: new Dictionary<string, string>
        {
            ["Webhooks__AllowPrivateNetworks"] = "true",
            ["Webhooks__PollInterval"] = "00:00:00.200",
            ["Webhooks__RetryBaseDelay"] = "00:00:00.200",
            ["Webhooks__RetryMaxDelay"] = "00:00:01",
            ["Webhooks__Concurrency"] = "4",
        });
        var silo = cluster.StartSilo("silo-1");
        var web = cluster.StartWebHost("web-1");
        await ProcessCluster.WaitReadyAsync(silo, web);
        using var http = new HttpClient { BaseAddress = web.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var storeId = await http.CreateStoreAsync("Crash Hooks");
        using (var created = await http.PostAsJsonAsync("/api/seller/webhooks", new { url = receiver.Url, events = new[] { "product.created", "product.updated" } }, ct))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var products = new List<string>();
        for (var i = 0; i < Products; i++)
        {
            var productId = await http.CreateProductAsync(storeId);
            products.Add(productId);
            for (var version = 2; version <= Versions; version++)
            {
                using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/products/{productId}") { Content = JsonContent.Create(ApiClient.Product()) };
                put.Headers.IfMatch.Add(EntityTagHeaderValue.Any);
                (await http.SendAsync(put, ct)).EnsureSuccessStatusCode();
            }
        }

        // Some delivered, the rest queued or in flight at the slow receiver.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (receiver.Received.Count < 5)
        {
            Assert.True(DateTime.UtcNow < deadline, "no delivery arrived before the kill");
            await Task.Delay(50, ct);
        }

        output.WriteLine($"killing {silo.Name} after {receiver.Received.Count} of {Products * Versions} deliveries");
        await silo.KillAsync();
        var again = cluster.StartSilo("silo-1");
        await ProcessCluster.WaitReadyAsync(again);

        // Only the endpoint's reminder (a minute apart at most) brings it back.
        var expected = products.SelectMany(p => Enumerable.Range(1, Versions).Select(v => (p, v))).ToHashSet();
        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (!expected.IsSubsetOf(Seen(receiver)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{expected.Except(Seen(receiver)).Count()} events never arrived");
            await Task.Delay(250, ct);
        }

        var received = receiver.Received;
        output.WriteLine($"{received.Count} requests for {expected.Count} events");
        foreach (var productId in products)
        {
            // In order of first arrival; a repeat after the crash is the same event again, told apart by its id.
            var firsts = received.Where(r => r.Data("productId") == productId).DistinctBy(r => r.EventId)
                .Select(r => r.Json.GetProperty("version").GetInt32()).ToList();
            Assert.Equal(Enumerable.Range(1, Versions), firsts);
        }

        Assert.All(received.GroupBy(r => r.EventId), g => Assert.Single(g.Select(r => r.Json.GetProperty("version").GetInt32()).Distinct()));
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM webhook_deliveries WHERE status <> 'delivered'"));
        Assert.Equal((long)expected.Count, await database.ScalarAsync<long>("SELECT count(*) FROM webhook_deliveries"));
    }

    private static HashSet<(string, int)> Seen(WebhookReceiver receiver) =>
        receiver.Received.Select(r => (r.Data("productId"), r.Json.GetProperty("version").GetInt32())).ToHashSet();
}
