using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Contracts.Realtime;
using Marketplace.Testing;

namespace Marketplace.System.Tests;

/// <summary>
/// Live events across processes: two silos, two web hosts, SignalR clients on both. The silo holding a product's feed
/// is killed with SIGKILL, then a web host is restarted; each time the clients must receive changes again within 30 s,
/// without doing anything but the automatic reconnect a browser client does.
/// </summary>
public sealed class RealtimeFailoverTests(ITestOutputHelper output)
{
    private const string ClusterId = "realtime-failover-test";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Events_resume_after_the_feeds_silo_is_killed_and_after_a_web_host_restarts()
    {
        await using var database = await TestDatabase.CreateAsync("realtime");
        var siloPorts = new[] { ProcessHost.FreePort(), ProcessHost.FreePort() };
        var silos = siloPorts.Select((port, i) => ProcessHost.StartSilo($"silo-{i + 1}", database.ConnectionString, ClusterId,
            new Dictionary<string, string> { ["Orleans__SiloPort"] = port.ToString(global::System.Globalization.CultureInfo.InvariantCulture) })).ToList();
        var web1 = ProcessHost.StartWebHost("web-1", database.ConnectionString, ClusterId);
        var web2Port = ProcessHost.FreePort();
        var web2 = ProcessHost.StartWebHost("web-2", database.ConnectionString, ClusterId, httpPort: web2Port);
        try
        {
            foreach (var host in silos.Append(web1).Append(web2))
            {
                await host.WaitReadyAsync(StartTimeout);
            }

            await RunAsync(database, silos, siloPorts, web1, () => web2, async () =>
            {
                await web2.KillAsync();
                await web2.DisposeAsync();
                web2 = ProcessHost.StartWebHost("web-2", database.ConnectionString, ClusterId, httpPort: web2Port);
                await web2.WaitReadyAsync(StartTimeout);
            });
        }
        catch
        {
            foreach (var host in silos.Append(web1).Append(web2))
            {
                output.WriteLine($"--- {host.Name} ---\n{host.Tail(30)}");
            }

            throw;
        }
        finally
        {
            foreach (var host in silos.Append(web1).Append(web2))
            {
                await host.DisposeAsync();
            }
        }
    }

    private async Task RunAsync(TestDatabase database, List<ProcessHost> silos, int[] siloPorts, ProcessHost web1, Func<ProcessHost> web2,
        Func<Task> restartWeb2)
    {
        using var seller = new HttpClient { BaseAddress = web1.BaseAddress };
        var storeId = await seller.CreateStoreAsync("Tienda en vivo");
        var sellerToken = seller.DefaultRequestHeaders.Authorization!.Parameter!;
        var productId = await seller.CreateProductAsync(storeId, ApiClient.Product(stock: 1000));
        using var shopper = new HttpClient { BaseAddress = web1.BaseAddress };
        shopper.UseToken((await shopper.RegisterAsync()).AccessToken);

        await using var onWeb1 = await HubClient.ConnectAsync(web1.BaseAddress.ToString(), await GuestTokenAsync(web1));
        await using var onWeb2 = await HubClient.ConnectAsync(web2().BaseAddress.ToString(), await GuestTokenAsync(web1));
        await using var storeOnWeb2 = await HubClient.ConnectAsync(web2().BaseAddress.ToString(), sellerToken);
        await onWeb1.WatchAsync(productId);
        await onWeb2.WatchAsync(productId);

        // Both hosts relay a change, and a question asked through one host reaches the store connected to the other.
        await SetStockAsync(seller, productId, 900);
        await Task.WhenAll(SeesAsync(onWeb1, productId, 900), SeesAsync(onWeb2, productId, 900));
        (await shopper.PostAsJsonAsync($"/api/products/{productId}/questions", new { text = "Is it fresh?" })).EnsureSuccessStatusCode();
        await storeOnWeb2.WaitForAsync("Notification", p => p.GetProperty("kind").GetString() == "questionAsked");

        // Kill the silo that holds the product's feed.
        await using (var cluster = await TestClusterClient.StartAsync(database.ConnectionString, ClusterId, ClusterId))
        {
            var stats = await cluster.Client.GetGrain<IFeedGrain>(FeedTopics.Product(productId)).GetStatistics();
            Assert.Equal(2, stats.Subscribers); // one subscription per web host, not per connection
            var victim = Array.FindIndex(siloPorts, port => stats.Silo.Contains($":{port}:", StringComparison.Ordinal));
            Assert.True(victim >= 0, $"The feed's silo {stats.Silo} is none of ours.");
            output.WriteLine($"Killing {silos[victim].Name}, which holds the feed ({stats.Silo}).");
            await silos[victim].KillAsync();
        }

        var resumed = await ChangeUntilSeenAsync(seller, productId, 800, [onWeb1, onWeb2]);
        output.WriteLine($"Events resumed {resumed.TotalSeconds:F1} s after the kill.");
        Assert.True(resumed < Recovery, $"Events resumed only after {resumed.TotalSeconds:F1} s.");

        // Restart web host 2 on the same port: its clients reconnect by themselves and receive again.
        await restartWeb2();
        var back = await ChangeUntilSeenAsync(seller, productId, 700, [onWeb2]);
        output.WriteLine($"Clients of the restarted host received again {back.TotalSeconds:F1} s after it was ready.");
        Assert.True(back < Recovery, $"The restarted host's clients received only after {back.TotalSeconds:F1} s.");
        Assert.True(onWeb2.Reconnections >= 1);
        var deadline = DateTime.UtcNow + Recovery;
        while (storeOnWeb2.Reconnections == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Contains(await storeOnWeb2.SubscriptionsAsync(), t => t.StartsWith("user/", StringComparison.Ordinal));
        (await shopper.PostAsJsonAsync($"/api/products/{productId}/questions", new { text = "Still fresh?" })).EnsureSuccessStatusCode();
        await storeOnWeb2.WaitForAsync("Notification", p => p.GetProperty("body").GetString() == "Still fresh?", Recovery);
    }

    /// <summary>
    /// Sets a new stock level every half second (requests may fail while the cluster notices the dead silo) until every
    /// client has seen one of them; answers how long that took.
    /// </summary>
    private static async Task<TimeSpan> ChangeUntilSeenAsync(HttpClient seller, string productId, int start, HubClient[] clients)
    {
        var clock = Stopwatch.StartNew();
        var sent = new List<int>();
        for (var level = start; clock.Elapsed < TimeSpan.FromSeconds(60); level--)
        {
            try
            {
                if (await TrySetStockAsync(seller, productId, level))
                {
                    sent.Add(level);
                }
            }
            catch (HttpRequestException)
            {
                // The web host is restarting; keep changing.
            }

            if (clients.All(c => c.Received("StockChanged").Any(e => sent.Contains(e.Payload.GetProperty("available").GetInt32()))))
            {
                return clock.Elapsed;
            }

            await Task.Delay(500);
        }

        return clock.Elapsed;
    }

    private static async Task SeesAsync(HubClient client, string productId, int available) =>
        await client.WaitForAsync("StockChanged", p => p.GetProperty("productId").GetString() == productId
            && p.GetProperty("available").GetInt32() == available, TimeSpan.FromSeconds(10));

    private static async Task SetStockAsync(HttpClient seller, string productId, int onHand) =>
        Assert.True(await TrySetStockAsync(seller, productId, onHand));

    private static async Task<bool> TrySetStockAsync(HttpClient seller, string productId, int onHand)
    {
        using var response = await seller.PutAsJsonAsync($"/api/products/{productId}/stock", new { items = new[] { new { sku = "CAFE-250", onHand } } });
        return response.IsSuccessStatusCode;
    }

    private static async Task<string> GuestTokenAsync(ProcessHost web)
    {
        using var http = new HttpClient { BaseAddress = web.BaseAddress };
        var guest = await (await http.PostAsync("/api/auth/guest", null)).ReadJsonAsync();
        return guest.GetProperty("accessToken").GetString()!;
    }
}
