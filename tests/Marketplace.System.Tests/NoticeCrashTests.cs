using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Testing;

namespace Marketplace.System.Tests;

/// <summary>
/// An order stored as Paid whose notice to the store was not delivered yet when its silo died: the order's stored state
/// says it needs attention, so the sweeper wakes it on another silo and the store hears of the payment exactly once.
/// (The read model's trigger used to forget undelivered notices, and such an order was never woken.)
/// </summary>
public sealed class NoticeCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_silo_killed_after_paid_and_before_the_notice_is_delivered_still_tells_the_store_exactly_once()
    {
        await using var database = await TestDatabase.CreateAsync("noticecrash");
        // Every silo holds notices for ten minutes before delivering them itself: only the sweeper delivers in time.
        await using var cluster = await ProcessCluster.StartAsync("noticecrash", database.ConnectionString,
            siloSettings: new Dictionary<string, string> { ["Orders__NoticeDelay"] = "00:10:00", ["Orders__RetryDelay"] = "00:00:01" });
        var silo = cluster.StartSilo("silo-1");
        var web = cluster.StartWebHost("web-1");
        await ProcessCluster.WaitReadyAsync(silo, web);
        using var http = new HttpClient { BaseAddress = web.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var seller = await http.RegisterAsync("seller", "Café Ana");
        http.UseToken(seller.AccessToken);
        (await http.PutAsJsonAsync($"/api/sellers/{seller.SellerId}", new { name = "Café Ana", requiresConfirmation = false })).EnsureSuccessStatusCode();
        var productId = await http.CreateProductAsync(seller.SellerId!);
        http.UseToken(null);
        var buyer = (await http.RegisterAsync()).AccessToken;

        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(buyer, HttpMethod.Post, "/api/cart/items", new { productId, sku = "CAFE-250", quantity = 1 })).Status);
        var checkout = await http.SendAsync(buyer, HttpMethod.Post, "/api/cart/checkout", new { shippingAddress = ProcessCluster.Address }, "notice-crash-1");
        Assert.Equal(HttpStatusCode.Created, checkout.Status);
        var orderId = checkout.Json.GetProperty("orders")[0].GetProperty("orderId").GetString()!;
        var pay = await http.SendAsync(buyer, HttpMethod.Post, $"/api/orders/{orderId}/pay");
        using (var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }))
        using (var page = await browser.PostAsync(pay.Json.GetProperty("redirectUrl").GetString(), new FormUrlEncodedContent([new("outcome", "succeeded")])))
        {
            Assert.Equal(HttpStatusCode.SeeOther, page.StatusCode);
        }

        await WaitUntilAsync(TimeSpan.FromSeconds(30), async () =>
            (await http.SendAsync(buyer, HttpMethod.Get, $"/api/orders/{orderId}")).Json is { ValueKind: JsonValueKind.Object } order
            && order.GetProperty("status").GetString() == "paid");
        // Paid and stored with its notice pending: the listing says the order needs attention, the store heard nothing.
        Assert.True(await database.ScalarAsync<bool>("SELECT needs_attention FROM order_listings WHERE order_id = @id", ("id", orderId)));
        Assert.Equal(0, await OrderPaidNoticesAsync(http, seller.AccessToken, orderId));

        await silo.KillAsync();
        var killed = Stopwatch.StartNew();
        var replacement = cluster.StartSilo("silo-2");
        await ProcessCluster.WaitReadyAsync(replacement);
        var ready = killed.Elapsed;
        await WaitUntilAsync(TimeSpan.FromSeconds(150), async () => await OrderPaidNoticesAsync(http, seller.AccessToken, orderId) > 0);
        var told = killed.Elapsed;
        await WaitUntilAsync(TimeSpan.FromSeconds(30), async () =>
            !await database.ScalarAsync<bool>("SELECT needs_attention FROM order_listings WHERE order_id = @id", ("id", orderId)));
        output.WriteLine($"replacement silo ready {ready.TotalSeconds:F1} s after the kill; the store was told {told.TotalSeconds:F1} s after it " +
                         $"(the sweep runs once a minute); the order stopped needing attention {killed.Elapsed.TotalSeconds:F1} s after it");

        // A later sweep or a redelivery changes nothing: one orderPaid notification, still.
        Assert.Equal(1, await OrderPaidNoticesAsync(http, seller.AccessToken, orderId));
        Assert.Equal(1L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM notifications WHERE kind = 'orderPaid' AND link = @link AND user_id = @store",
            ("link", $"/orders/{orderId}"), ("store", seller.UserId)));
    }

    private static async Task<int> OrderPaidNoticesAsync(HttpClient http, string token, string orderId)
    {
        // While the cluster notices the dead silo, a read may fail: that counts as not told yet.
        var inbox = await http.SendAsync(token, HttpMethod.Get, "/api/notifications?pageSize=100");
        if (inbox.Status != HttpStatusCode.OK)
        {
            return -1;
        }

        return inbox.Json.GetProperty("items").EnumerateArray()
            .Count(n => n.GetProperty("kind").GetString() == "orderPaid" && n.GetProperty("link").GetString() == $"/orders/{orderId}");
    }

    private static async Task WaitUntilAsync(TimeSpan limit, Func<Task<bool>> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < limit, $"not reached within {limit.TotalSeconds:F0} s");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }
}
