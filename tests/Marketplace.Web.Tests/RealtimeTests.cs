using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Contracts.Common;
using Marketplace.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Marketplace.Web.Tests;

/// <summary>The live hub through a real SignalR client over WebSockets, against the real web host and cluster.</summary>
[Collection(OrdersWebCollection.Name)]
public sealed class RealtimeTests(OrdersWebFixture fixture)
{
    [Fact]
    public async Task A_watcher_sees_stock_drop_when_someone_buys_and_rise_when_the_store_restocks()
    {
        using var seller = fixture.CreateClient();
        var storeId = await seller.CreateStoreAsync();
        var productId = await seller.CreateProductAsync(storeId);
        await using var watcher = await HubClient.ConnectAsync(fixture.BaseUrl, await GuestTokenAsync());
        await watcher.WatchAsync(productId);

        var (shopper, _) = await ShopperAsync();
        await ShopSteps.AddAsync(shopper, productId, "CAFE-250", 3);
        Assert.Equal(HttpStatusCode.Created, (await ShopSteps.CheckoutAsync(shopper, "rt-stock")).StatusCode);
        var bought = await watcher.WaitForAsync("StockChanged", p => Is(p, productId, "CAFE-250", 17));
        Assert.True(bought.GetProperty("at").GetDateTimeOffset() <= DateTimeOffset.UtcNow);

        var restock = await seller.PutAsJsonAsync($"/api/products/{productId}/stock", new { items = new[] { new { sku = "CAFE-250", onHand = 40 } } });
        restock.EnsureSuccessStatusCode();
        await watcher.WaitForAsync("StockChanged", p => Is(p, productId, "CAFE-250", 37)); // 40 on hand, 3 held
        Assert.DoesNotContain(watcher.Received("StockChanged"), e => e.Payload.GetProperty("productId").GetString() != productId);
    }

    [Fact]
    public async Task A_cart_change_on_one_device_reaches_the_owners_other_device_and_nobody_else()
    {
        using var seller = fixture.CreateClient();
        var productId = await seller.CreateProductAsync(await seller.CreateStoreAsync());
        var (shopper, account) = await ShopperAsync();
        await using var phone = await HubClient.ConnectAsync(fixture.BaseUrl, account.AccessToken);
        Assert.Equal([$"user/{account.UserId}"], await phone.SubscriptionsAsync());
        await using var laptop = await HubClient.ConnectAsync(fixture.BaseUrl, account.AccessToken);
        var (_, stranger) = await ShopperAsync();
        await using var strangers = await HubClient.ConnectAsync(fixture.BaseUrl, stranger.AccessToken);

        await ShopSteps.AddAsync(shopper, productId, "CAFE-250", 2);

        foreach (var device in new[] { phone, laptop })
        {
            var changed = await device.WaitForAsync("CartChanged", p => p.GetProperty("cart").GetProperty("items").GetInt32() == 2);
            var line = changed.GetProperty("cart").GetProperty("sellers")[0].GetProperty("lines")[0];
            Assert.Equal((productId, "CAFE-250", 8990L), (line.GetProperty("productId").GetString(), line.GetProperty("sku").GetString(),
                line.GetProperty("unitPrice").GetInt64()));
        }

        (await shopper.DeleteAsync($"/api/cart/items/{productId}/CAFE-250")).EnsureSuccessStatusCode();
        await laptop.WaitForAsync("CartChanged", p => p.GetProperty("cart").GetProperty("items").GetInt32() == 0);
        await Task.Delay(300);
        Assert.Empty(strangers.Received());
    }

    [Fact]
    public async Task The_store_hears_of_an_order_the_moment_it_is_placed_and_the_buyer_follows_it_live()
    {
        using var seller = fixture.CreateClient();
        var storeId = await seller.CreateStoreAsync();
        var productId = await seller.CreateProductAsync(storeId);
        var sellerToken = seller.DefaultRequestHeaders.Authorization!.Parameter!;
        await using var store = await HubClient.ConnectAsync(fixture.BaseUrl, sellerToken);
        var (shopper, buyer) = await ShopperAsync();
        await using var buyerHub = await HubClient.ConnectAsync(fixture.BaseUrl, buyer.AccessToken);
        var (_, stranger) = await ShopperAsync();
        await using var strangers = await HubClient.ConnectAsync(fixture.BaseUrl, stranger.AccessToken);

        await ShopSteps.AddAsync(shopper, productId, "CAFE-250", 1);
        var checkout = await (await ShopSteps.CheckoutAsync(shopper, "rt-order")).ReadJsonAsync();
        var orderId = checkout.GetProperty("orders")[0].GetProperty("orderId").GetString()!;

        var news = await store.WaitForAsync("Notification", p => p.GetProperty("kind").GetString() == "orderAwaitingConfirmation");
        Assert.Equal($"/orders/{orderId}", news.GetProperty("link").GetString());
        Assert.StartsWith("ntf_", news.GetProperty("id").GetString());
        await store.WaitForAsync("OrderChanged", p => p.GetProperty("orderId").GetString() == orderId
            && p.GetProperty("status").GetString() == "awaitingSellerConfirmation");
        await buyerHub.WaitForAsync("OrderChanged", p => p.GetProperty("status").GetString() == "awaitingSellerConfirmation");

        (await seller.PostAsJsonAsync($"/api/orders/{orderId}/accept", new { })).EnsureSuccessStatusCode();
        var accepted = await buyerHub.WaitForAsync("Notification", p => p.GetProperty("kind").GetString() == "orderAccepted");
        Assert.Contains("pay", accepted.GetProperty("body").GetString());
        await buyerHub.WaitForAsync("OrderChanged", p => p.GetProperty("status").GetString() == "awaitingPayment");

        await Task.Delay(300);
        Assert.Empty(strangers.Received());
        Assert.DoesNotContain(buyerHub.Received("Notification"), e => e.Payload.GetProperty("kind").GetString() == "orderAwaitingConfirmation");
    }

    [Fact]
    public async Task A_notification_made_while_offline_is_in_the_inbox_exactly_once_on_the_next_visit()
    {
        using var seller = fixture.CreateClient();
        var storeId = await seller.CreateStoreAsync();
        var productId = await seller.CreateProductAsync(storeId);
        var (shopper, _) = await ShopperAsync();
        await ShopSteps.AddAsync(shopper, productId, "CAFE-250", 1);
        var checkout = await (await ShopSteps.CheckoutAsync(shopper, "rt-offline")).ReadJsonAsync();
        var orderId = checkout.GetProperty("orders")[0].GetProperty("orderId").GetString()!;
        // A retried checkout (same key) must not notify twice.
        Assert.Equal(HttpStatusCode.Created, (await ShopSteps.CheckoutAsync(shopper, "rt-offline")).StatusCode);

        var inbox = await ShopSteps.EventuallyAsync(seller, "/api/notifications?unread=true", j => j.GetProperty("total").GetInt32() >= 1);
        await using var store = await HubClient.ConnectAsync(fixture.BaseUrl, seller.DefaultRequestHeaders.Authorization!.Parameter!);
        await Task.Delay(500);
        inbox = await seller.GetFromJsonAsync<JsonElement>("/api/notifications?unread=true");
        var item = Assert.Single(inbox.GetProperty("items").EnumerateArray());
        Assert.Equal(("orderAwaitingConfirmation", false, $"/orders/{orderId}"),
            (item.GetProperty("kind").GetString(), item.GetProperty("read").GetBoolean(), item.GetProperty("link").GetString()));
        Assert.Equal(1, (await seller.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("unreadNotifications").GetInt32());
        Assert.Empty(store.Received("Notification")); // stored, not replayed live

        var id = item.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.NotFound, (await shopper.PostAsync($"/api/notifications/{id}/read", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await seller.PostAsync("/api/notifications/ntf_nothing/read", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await seller.PostAsync($"/api/notifications/{id}/read", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await seller.PostAsync($"/api/notifications/{id}/read", null)).StatusCode);
        Assert.Equal(0, (await seller.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("unreadNotifications").GetInt32());
        var all = await seller.GetFromJsonAsync<JsonElement>("/api/notifications");
        Assert.Equal((1, 0, true), (all.GetProperty("total").GetInt32(), all.GetProperty("unread").GetInt32(),
            all.GetProperty("items")[0].GetProperty("read").GetBoolean()));
    }

    [Fact]
    public async Task Mark_all_read_clears_the_unread_count()
    {
        using var seller = fixture.CreateClient();
        var storeId = await seller.CreateStoreAsync();
        var productId = await seller.CreateProductAsync(storeId);
        var (shopper, _) = await ShopperAsync();
        for (var i = 0; i < 2; i++)
        {
            await ShopSteps.AddAsync(shopper, productId, "CAFE-250", 1);
            await ShopSteps.CheckoutAsync(shopper, $"rt-all-{i}");
        }

        await ShopSteps.EventuallyAsync(seller, "/api/notifications?unread=true", j => j.GetProperty("total").GetInt32() == 2);
        var marked = await (await seller.PostAsync("/api/notifications/read-all", null)).ReadJsonAsync();
        Assert.Equal(2, marked.GetProperty("marked").GetInt32());
        Assert.Equal(0, (await seller.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("unreadNotifications").GetInt32());
        Assert.Equal(0, (await seller.GetFromJsonAsync<JsonElement>("/api/notifications?unread=true")).GetProperty("total").GetInt32());
        Assert.Equal(2, (await seller.GetFromJsonAsync<JsonElement>("/api/notifications?page=1&pageSize=1")).GetProperty("total").GetInt32());
    }

    public static TheoryData<string> ForgedTokens => new(TestTokens.Kinds);

    [Theory]
    [MemberData(nameof(ForgedTokens))]
    public async Task The_hub_refuses_bad_and_expired_tokens(string kind)
    {
        var (_, account) = await ShopperAsync();
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => HubClient.ConnectAsync(fixture.BaseUrl, TestTokens.Forge(account, kind)));
        Assert.Contains("401", refused.ToString());
    }

    [Fact]
    public async Task The_hub_refuses_a_connection_without_a_token_and_guests_get_no_account_events()
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => HubClient.ConnectAsync(fixture.BaseUrl, (string?)null));
        Assert.Contains("401", refused.ToString());

        await using var guest = await HubClient.ConnectAsync(fixture.BaseUrl, await GuestTokenAsync());
        Assert.Empty(await guest.SubscriptionsAsync());
        var notAProduct = await Assert.ThrowsAsync<HubException>(() => guest.WatchAsync("../../etc"));
        Assert.Contains("not a product id", notAProduct.Message);

        // A guest's own cart changes are not pushed: guests connect to watch products only.
        using var seller = fixture.CreateClient();
        var storeId = await seller.CreateStoreAsync();
        var productId = await seller.CreateProductAsync(storeId);
        // Only what a product page shows can be watched: not an unknown product, not someone's draft.
        var draftId = await seller.CreateProductAsync(storeId, ApiClient.Product(status: "draft"));
        Assert.Contains("no such product", (await Assert.ThrowsAsync<HubException>(() => guest.WatchAsync(draftId))).Message);
        Assert.Contains("no such product", (await Assert.ThrowsAsync<HubException>(() => guest.WatchAsync(GrainKeys.NewProductId()))).Message);
        await using (var store = await HubClient.ConnectAsync(fixture.BaseUrl, seller.DefaultRequestHeaders.Authorization!.Parameter!))
        {
            await store.WatchAsync(draftId); // its own store may
        }

        await guest.WatchAsync(productId);
        Assert.Equal([$"product/{productId}"], await guest.SubscriptionsAsync());
        var (shopper, _) = await ShopperAsync();
        await ShopSteps.AddAsync(shopper, productId, "CAFE-250", 1);
        await ShopSteps.CheckoutAsync(shopper, "rt-guest");
        await guest.WaitForAsync("StockChanged", p => Is(p, productId, "CAFE-250", 19));
        Assert.DoesNotContain(guest.Received(), e => e.Name != "StockChanged");
    }

    [Fact]
    public async Task A_burst_of_1000_stock_changes_ends_on_the_final_stock_with_at_most_one_event_per_window()
    {
        using var seller = fixture.CreateClient();
        var productId = await seller.CreateProductAsync(await seller.CreateStoreAsync());
        await using var watcher = await HubClient.ConnectAsync(fixture.BaseUrl, await GuestTokenAsync());
        await watcher.WatchAsync(productId);

        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(1, 1000), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            using var response = await seller.PutAsJsonAsync($"/api/products/{productId}/stock",
                new { items = new[] { new { sku = "CAFE-250", onHand = 100 + i } } });
            response.EnsureSuccessStatusCode();
        });
        var elapsed = clock.Elapsed;
        var product = await seller.GetFromJsonAsync<JsonElement>($"/api/products/{productId}");
        var final = product.GetProperty("variants").EnumerateArray().Single(v => v.GetProperty("sku").GetString() == "CAFE-250")
            .GetProperty("available").GetInt32();

        await watcher.WaitForAsync("StockChanged", p => Is(p, productId, "CAFE-250", final), TimeSpan.FromSeconds(5));
        await Task.Delay(500); // anything still in flight would arrive now
        var events = watcher.Received("StockChanged").Where(e => e.Payload.GetProperty("sku").GetString() == "CAFE-250").ToList();
        Assert.Equal(final, events[^1].Payload.GetProperty("available").GetInt32());
        // One leading push plus at most one per 100 ms window after it (with a little slack for scheduling).
        var bound = (int)(elapsed.TotalMilliseconds / 100) + 3;
        Assert.True(events.Count <= bound, $"{events.Count} events in {elapsed.TotalMilliseconds:F0} ms (bound {bound})");
        Assert.True(events.Count < 1000);
    }

    [Fact]
    public async Task The_store_is_told_once_when_a_sku_falls_to_the_low_stock_threshold()
    {
        using var seller = fixture.CreateClient();
        var productId = await seller.CreateProductAsync(await seller.CreateStoreAsync());
        await using var store = await HubClient.ConnectAsync(fixture.BaseUrl, seller.DefaultRequestHeaders.Authorization!.Parameter!);
        var (shopper, _) = await ShopperAsync();

        foreach (var (quantity, key) in new[] { (14, "low-1"), (1, "low-2"), (1, "low-3") }) // 20 → 6 → 5 (threshold) → 4
        {
            await ShopSteps.AddAsync(shopper, productId, "CAFE-250", quantity);
            Assert.Equal(HttpStatusCode.Created, (await ShopSteps.CheckoutAsync(shopper, key)).StatusCode);
        }

        var low = await store.WaitForAsync("Notification", p => p.GetProperty("kind").GetString() == "lowStock");
        Assert.Equal("Only 5 unit(s) of CAFE-250 left.", low.GetProperty("body").GetString());
        await Task.Delay(500);
        Assert.Single(store.Received("Notification"), e => e.Payload.GetProperty("kind").GetString() == "lowStock");
    }

    [Fact]
    public async Task Request_lines_that_carry_the_hubs_access_token_are_never_logged_whatever_the_configuration()
    {
        await using var verbose = new WebHostFactory(fixture, new Dictionary<string, string>
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
        });
        var loggers = verbose.Services.GetRequiredService<ILoggerFactory>();

        Assert.False(loggers.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Warning));
        Assert.True(loggers.CreateLogger("Microsoft.AspNetCore.Routing").IsEnabled(LogLevel.Debug)); // the rest follows configuration
    }

    private static bool Is(JsonElement payload, string productId, string sku, int available) =>
        payload.GetProperty("productId").GetString() == productId && payload.GetProperty("sku").GetString() == sku
        && payload.GetProperty("available").GetInt32() == available;

    private async Task<string> GuestTokenAsync()
    {
        using var http = fixture.CreateClient();
        return (await (await http.PostAsync("/api/auth/guest", null)).ReadJsonAsync()).GetProperty("accessToken").GetString()!;
    }

    private Task<(HttpClient Http, TestAccount Account)> ShopperAsync() => ShopSteps.ShopperAsync(fixture);
}
