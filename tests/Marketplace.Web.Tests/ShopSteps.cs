using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Testing;

namespace Marketplace.Web.Tests;

/// <summary>What a shopper and a store do through the API, shared by the order, live-event and feedback tests.</summary>
internal static class ShopSteps
{
    public static readonly object Address = new { name = "Ana Pérez", line1 = "Av. Providencia 1234", city = "Santiago", country = "CL" };

    /// <summary>A new shopper account and a client acting as it.</summary>
    public static async Task<(HttpClient Http, TestAccount Account)> ShopperAsync(OrdersWebFixture fixture)
    {
        var http = fixture.CreateClient();
        var account = await http.RegisterAsync();
        http.UseToken(account.AccessToken);
        return (http, account);
    }

    public static async Task AddAsync(HttpClient shopper, string productId, string sku, int quantity) =>
        (await shopper.PostAsJsonAsync("/api/cart/items", new { productId, sku, quantity })).EnsureSuccessStatusCode();

    public static async Task<HttpResponseMessage> CheckoutAsync(HttpClient shopper, string key, object? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/cart/checkout") { Content = JsonContent.Create(body ?? new { shippingAddress = Address }) };
        request.Headers.Add("Idempotency-Key", key);
        return await shopper.SendAsync(request);
    }

    public static async Task<JsonElement> OrderAsync(HttpClient http, string orderId) =>
        await http.GetFromJsonAsync<JsonElement>($"/api/orders/{orderId}");

    public static async Task<JsonElement> WaitForStatusAsync(HttpClient http, string orderId, string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var order = await OrderAsync(http, orderId);
            if (order.GetProperty("status").GetString() == status)
            {
                return order;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Order {orderId} is {order.GetProperty("status")}, not {status}.");
            await Task.Delay(200);
        }
    }

    /// <summary>Checks the cart out (the store must not require confirmation), pays on the sandbox and ships: to Delivered.</summary>
    public static async Task<string> BuyAndDeliverAsync(HttpClient shopper, HttpClient store, string key)
    {
        using var placed = await CheckoutAsync(shopper, key);
        placed.EnsureSuccessStatusCode();
        var orderId = (await placed.ReadJsonAsync()).GetProperty("orders")[0].GetProperty("orderId").GetString()!;
        await PayAsync(shopper, orderId);
        (await store.PostAsync($"/api/orders/{orderId}/ship", null)).EnsureSuccessStatusCode();
        await WaitForStatusAsync(shopper, orderId, "delivered");
        return orderId;
    }

    /// <summary>Pays the order on the sandbox's hosted page (as the shopper's browser would) and waits until it is Paid.</summary>
    public static async Task PayAsync(HttpClient shopper, string orderId)
    {
        var start = await (await shopper.PostAsync($"/api/orders/{orderId}/pay", null)).ReadJsonAsync();
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        (await browser.PostAsync(start.GetProperty("redirectUrl").GetString(), new FormUrlEncodedContent([new("outcome", "succeeded")]))).Dispose();
        await WaitForStatusAsync(shopper, orderId, "paid");
    }

    /// <summary>Reads <paramref name="path"/> until <paramref name="done"/> holds (or 10 s passed; the caller asserts).</summary>
    public static async Task<JsonElement> EventuallyAsync(HttpClient http, string path, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var json = await http.GetFromJsonAsync<JsonElement>(path);
            if (done(json) || DateTime.UtcNow > deadline)
            {
                return json;
            }

            await Task.Delay(100);
        }
    }
}
