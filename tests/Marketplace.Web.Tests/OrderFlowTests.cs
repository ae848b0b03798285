using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marketplace.Testing;

namespace Marketplace.Web.Tests;

/// <summary>
/// The web host on a real port (so the sandbox can call its webhooks), in front of a cluster whose silos use the
/// sandbox as payment provider and carrier.
/// </summary>
public sealed class OrdersWebFixture : WebHostFixture
{
    /// <summary>Where the web host listens, for clients that are not HttpClient (the SignalR client).</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Webhooks to the tests' loopback receivers, retried within seconds and given up (and disabled) after 8 s.</summary>
    protected override IEnumerable<KeyValuePair<string, string?>> SiloSettings =>
    [
        new("Webhooks:AllowPrivateNetworks", "true"),
        new("Webhooks:PollInterval", "00:00:00.200"),
        new("Webhooks:RetryBaseDelay", "00:00:00.200"),
        new("Webhooks:RetryMaxDelay", "00:00:01"),
        new("Webhooks:RetryFor", "00:00:08"),
        new("Webhooks:DisableAfter", "00:00:08"),
    ];

    protected override async Task<WebHostFactory> StartHostAsync()
    {
        await StartAsync("orders-web");
        var port = ProcessHost.FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";
        var factory = new WebHostFactory(this, new Dictionary<string, string>
        {
            ["Payments:WebhookSecret"] = TestSecrets.SandboxPaymentsWebhookSecret,
            ["Shipping:WebhookSecret"] = TestSecrets.SandboxShippingWebhookSecret,
            ["Marketplace:PublicUrl"] = BaseUrl,
            // Delivered orders' money may be paid out a moment after delivery (30 days by default).
            ["Finance:ReturnWindow"] = "00:00:01",
        });
        factory.UseKestrel(port);
        factory.StartServer();
        return factory;
    }
}

[CollectionDefinition(Name)]
public sealed class OrdersWebCollection : ICollectionFixture<OrdersWebFixture>
{
    public const string Name = "orders over http";
}

[Collection(OrdersWebCollection.Name)]
public sealed class OrderFlowTests(OrdersWebFixture fixture)
{
    private static readonly object Address = new { name = "Ana Pérez", line1 = "Av. Providencia 1234", city = "Santiago", country = "CL" };

    [Fact]
    public async Task A_shopper_buys_from_two_stores_pays_on_the_sandbox_page_and_follows_both_orders_to_delivered()
    {
        using var quoting = fixture.CreateClient();
        var anaId = await quoting.CreateStoreAsync("Café Ana");
        var coffee = await quoting.CreateProductAsync(anaId);
        using var direct = fixture.CreateClient();
        var surId = await direct.CreateStoreAsync("Té Sur");
        (await direct.PutAsJsonAsync($"/api/sellers/{surId}", new { name = "Té Sur", requiresConfirmation = false })).EnsureSuccessStatusCode();
        var tea = await direct.CreateProductAsync(surId);
        using var shopper = await ShopperAsync();
        await AddAsync(shopper, coffee, "CAFE-250", 2);
        await AddAsync(shopper, tea, "CAFE-1K", 1);

        using var checkout = await CheckoutAsync(shopper, "buy-1", new { shippingAddress = Address, note = "Ring twice" });
        Assert.Equal(HttpStatusCode.Created, checkout.StatusCode);
        var body = await checkout.Content.ReadAsStringAsync();
        using var replay = await CheckoutAsync(shopper, "buy-1", new { shippingAddress = Address, note = "Ring twice" });
        Assert.Equal((HttpStatusCode.Created, body), (replay.StatusCode, await replay.Content.ReadAsStringAsync()));
        using var reused = await CheckoutAsync(shopper, "buy-1", new { shippingAddress = Address });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);

        var orders = JsonDocument.Parse(body).RootElement.GetProperty("orders").EnumerateArray()
            .ToDictionary(o => o.GetProperty("sellerId").GetString()!, o => o.GetProperty("orderId").GetString()!);
        Assert.Equal("awaitingSellerConfirmation", (await OrderAsync(shopper, orders[anaId])).GetProperty("status").GetString());
        Assert.Equal(0, (await shopper.GetFromJsonAsync<JsonElement>("/api/cart")).GetProperty("items").GetInt32());
        using var accepted = await quoting.PostAsJsonAsync($"/api/orders/{orders[anaId]}/accept", new { shippingCost = 1500 });
        Assert.Equal(2 * 8990 + 1500, (await accepted.ReadJsonAsync()).GetProperty("total").GetInt64());

        foreach (var (sellerId, seller) in new[] { (anaId, quoting), (surId, direct) })
        {
            var orderId = orders[sellerId];
            var start = await (await shopper.PostAsync($"/api/orders/{orderId}/pay", null)).ReadJsonAsync();
            using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
            using var paid = await browser.PostAsync(start.GetProperty("redirectUrl").GetString(),
                new FormUrlEncodedContent([new("outcome", "succeeded")]));
            Assert.Equal(HttpStatusCode.SeeOther, paid.StatusCode);
            Assert.EndsWith($"/orders/{orderId}", paid.Headers.Location!.AbsolutePath, StringComparison.Ordinal);

            await WaitForStatusAsync(shopper, orderId, "paid");
            using var shipped = await seller.PostAsync($"/api/orders/{orderId}/ship", null);
            Assert.Equal(HttpStatusCode.OK, shipped.StatusCode);
            var view = await WaitForStatusAsync(shopper, orderId, "delivered");
            Assert.Equal("delivered", view.GetProperty("shipment").GetProperty("status").GetString());
            Assert.Equal(start.GetProperty("paymentId").GetString(), view.GetProperty("payment").GetProperty("paymentId").GetString());
        }

        var mine = await shopper.GetFromJsonAsync<JsonElement>("/api/orders");
        Assert.Equal(orders.Values.Order(), mine.GetProperty("orders").EnumerateArray().Select(o => o.GetProperty("orderId").GetString()).Order());
        var delivered = await quoting.GetFromJsonAsync<JsonElement>("/api/seller/orders?status=delivered");
        Assert.Equal(orders[anaId], delivered.GetProperty("orders").EnumerateArray().Single().GetProperty("orderId").GetString());
        var dashboard = await quoting.GetFromJsonAsync<JsonElement>("/api/seller/dashboard");
        Assert.Equal(2 * 8990 + 1500, dashboard.GetProperty("revenueByDay").EnumerateArray().Sum(d => d.GetProperty("revenue").GetInt64()));
        Assert.Equal((coffee, 2), (dashboard.GetProperty("topProducts")[0].GetProperty("productId").GetString(),
            dashboard.GetProperty("topProducts")[0].GetProperty("unitsSold").GetInt32()));
        // The 1 kg bag started with 5 units, the inventory's low-stock threshold; the 250 g bag (20) is not low.
        var low = Assert.Single(dashboard.GetProperty("lowStock").EnumerateArray());
        Assert.Equal(("CAFE-1K", 5), (low.GetProperty("sku").GetString(), low.GetProperty("available").GetInt32()));

        using var stranger = await ShopperAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.GetAsync($"/api/orders/{orders[anaId]}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await direct.GetAsync($"/api/orders/{orders[anaId]}")).StatusCode);
    }

    [Fact]
    public async Task Checkout_refusals_are_problems_that_change_nothing()
    {
        using var seller = fixture.CreateClient();
        var store = await seller.CreateStoreAsync();
        var product = await seller.CreateProductAsync(store);
        using var shopper = await ShopperAsync();

        Assert.Equal("nothing-to-checkout", await CodeOf(await CheckoutAsync(shopper, "k0", new { shippingAddress = Address })));
        await AddAsync(shopper, product, "CAFE-1K", 5);
        (await shopper.PatchAsJsonAsync($"/api/cart/items/{product}/CAFE-1K", new { quantity = 6 })).EnsureSuccessStatusCode();

        using var noKey = await shopper.PostAsJsonAsync("/api/cart/checkout", new { shippingAddress = Address });
        Assert.Equal(HttpStatusCode.BadRequest, noKey.StatusCode);
        Assert.Equal("idempotency-key-required", await CodeOf(noKey));
        using var noAddress = await CheckoutAsync(shopper, "k1", new { note = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, noAddress.StatusCode);
        using var badCountry = await CheckoutAsync(shopper, "k2", new { shippingAddress = new { name = "A", line1 = "B", city = "C", country = "cl" } });
        Assert.Equal(HttpStatusCode.BadRequest, badCountry.StatusCode);

        using var tooMany = await CheckoutAsync(shopper, "k3", new { shippingAddress = Address });
        Assert.Equal(HttpStatusCode.Conflict, tooMany.StatusCode);
        var problem = await tooMany.ReadJsonAsync();
        Assert.Equal("checkout-refused", problem.GetProperty("code").GetString());
        var shortLine = problem.GetProperty("refused")[0].GetProperty("short")[0];
        Assert.Equal(("CAFE-1K", 6, 5), (shortLine.GetProperty("sku").GetString(), shortLine.GetProperty("requested").GetInt32(),
            shortLine.GetProperty("available").GetInt32()));
        Assert.Equal(6, (await shopper.GetFromJsonAsync<JsonElement>("/api/cart")).GetProperty("items").GetInt32());

        using var guest = fixture.CreateClient();
        var token = (await (await guest.PostAsync("/api/auth/guest", null)).ReadJsonAsync()).GetProperty("accessToken").GetString();
        guest.UseToken(token);
        Assert.Equal(HttpStatusCode.Forbidden, (await CheckoutAsync(guest, "k4", new { shippingAddress = Address })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await shopper.GetAsync("/api/orders/not-an-order")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await shopper.GetAsync("/api/orders/ord_00000000000000000000000000")).StatusCode);
    }

    [Fact]
    public async Task Webhooks_need_a_fresh_valid_signature_and_a_replayed_event_counts_once()
    {
        using var seller = fixture.CreateClient();
        var store = await seller.CreateStoreAsync();
        (await seller.PutAsJsonAsync($"/api/sellers/{store}", new { name = "Café Ana", requiresConfirmation = false })).EnsureSuccessStatusCode();
        var product = await seller.CreateProductAsync(store);
        using var shopper = await ShopperAsync();
        await AddAsync(shopper, product, "CAFE-250", 1);
        using var checkout = await CheckoutAsync(shopper, "k1", new { shippingAddress = Address });
        var orderId = (await checkout.ReadJsonAsync()).GetProperty("orders")[0].GetProperty("orderId").GetString()!;
        var paymentId = (await (await shopper.PostAsync($"/api/orders/{orderId}/pay", null)).ReadJsonAsync()).GetProperty("paymentId").GetString();
        var body = JsonSerializer.Serialize(new
        {
            id = "evt_" + Guid.NewGuid().ToString("N"), type = "payment.succeeded", paymentId, orderId, amount = 8990, currency = "CLP",
        });
        using var http = fixture.CreateClient();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        Assert.Equal("signature-missing", await CodeOf(await PostHookAsync(http, body, null)));
        Assert.Equal("signature-invalid", await CodeOf(await PostHookAsync(http, body, Sign(body, now, "whsec_wrong"))));
        Assert.Equal("signature-invalid", await CodeOf(await PostHookAsync(http, body.Replace("8990", "1", StringComparison.Ordinal),
            Sign(body, now, TestSecrets.SandboxPaymentsWebhookSecret))));
        Assert.Equal("signature-stale", await CodeOf(await PostHookAsync(http, body, Sign(body, now - 400, TestSecrets.SandboxPaymentsWebhookSecret))));
        Assert.Equal("awaitingPayment", (await OrderAsync(shopper, orderId)).GetProperty("status").GetString());

        foreach (var _ in Enumerable.Range(0, 2))
        {
            using var accepted = await PostHookAsync(http, body, Sign(body, now, TestSecrets.SandboxPaymentsWebhookSecret));
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        var order = await OrderAsync(shopper, orderId);
        Assert.Equal("paid", order.GetProperty("status").GetString());
        Assert.Single(order.GetProperty("timeline").EnumerateArray(), t => t.GetProperty("status").GetString() == "paid");
    }

    private static async Task<HttpResponseMessage> PostHookAsync(HttpClient http, string body, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/payments")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (signature is not null)
        {
            request.Headers.Add("Marketplace-Signature", signature);
        }

        return await http.SendAsync(request);
    }

    private static string Sign(string body, long timestamp, string secret)
    {
        var t = timestamp.ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t + "." + body));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    private async Task<HttpClient> ShopperAsync() => (await ShopSteps.ShopperAsync(fixture)).Http;

    private static Task AddAsync(HttpClient shopper, string productId, string sku, int quantity) => ShopSteps.AddAsync(shopper, productId, sku, quantity);

    private static Task<HttpResponseMessage> CheckoutAsync(HttpClient shopper, string key, object body) => ShopSteps.CheckoutAsync(shopper, key, body);

    private static Task<JsonElement> OrderAsync(HttpClient http, string orderId) => ShopSteps.OrderAsync(http, orderId);

    private static Task<JsonElement> WaitForStatusAsync(HttpClient http, string orderId, string status) =>
        ShopSteps.WaitForStatusAsync(http, orderId, status);

    private static async Task<string?> CodeOf(HttpResponseMessage response)
    {
        using (response)
        {
            var json = await response.ReadJsonAsync();
            return json.TryGetProperty("code", out var code) ? code.GetString() : $"{(int)response.StatusCode} without code";
        }
    }
}
