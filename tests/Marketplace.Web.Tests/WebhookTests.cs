using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Testing;

namespace Marketplace.Web.Tests;

/// <summary>
/// Outbound webhooks end to end: the web API registers endpoints, the silos' endpoint grains post to a real receiver over
/// HTTP, and the receiver checks what an integrator would (signature by the documented recipe, event ids, order).
/// </summary>
[Collection(OrdersWebCollection.Name)]
public sealed class WebhookTests(OrdersWebFixture fixture)
{
    private static readonly string[] CatalogEvents = ["product.created", "product.updated", "stock.changed"];

    [Fact]
    public async Task A_store_receives_signed_product_stock_and_order_events_it_can_verify()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var store = fixture.CreateClient();
        var storeId = await store.CreateStoreAsync("Webhooks Café");
        (await store.PutAsJsonAsync($"/api/sellers/{storeId}", new { name = "Webhooks Café", requiresConfirmation = false })).EnsureSuccessStatusCode();
        var (endpointId, secret) = await CreateEndpointAsync(store, receiver.Url,
            [.. CatalogEvents, "order.placed", "order.paid", "order.shipped", "order.cancelled"]);
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);

        var productId = await store.CreateProductAsync(storeId);
        var created = await receiver.WaitForAsync(w => w.Event == "product.created" && w.Data("productId") == productId);
        Assert.True(WebhookReceiver.Verify(created, secret), "the documented recipe verifies the signature");
        Assert.False(WebhookReceiver.Verify(created, "whsec_" + new string('0', 64)), "another secret does not");
        Assert.Equal(created.EventId, created.Json.GetProperty("id").GetString());
        Assert.Equal(storeId, created.Json.GetProperty("storeId").GetString());
        Assert.Equal("Café de Colombia", created.Data("title"));

        await UpdateTitleAsync(store, productId, "Café de Colombia, tueste medio");
        var updated = await receiver.WaitForAsync(w => w.Event == "product.updated" && w.Data("productId") == productId);
        Assert.Equal(2, updated.Json.GetProperty("version").GetInt32());
        Assert.Equal("Café de Colombia, tueste medio", updated.Data("title"));

        (await store.PutAsJsonAsync($"/api/products/{productId}/stock", new { items = new[] { new { sku = "CAFE-250", onHand = 7 } } }))
            .EnsureSuccessStatusCode();
        var stock = await receiver.WaitForAsync(w => w.Event == "stock.changed" && w.Data("sku") == "CAFE-250" && w.Data("available") == "7");
        Assert.Equal(productId, stock.Data("productId"));

        var (shopper, _) = await ShopSteps.ShopperAsync(fixture);
        await ShopSteps.AddAsync(shopper, productId, "CAFE-250", 2);
        using var placed = await ShopSteps.CheckoutAsync(shopper, Guid.NewGuid().ToString());
        placed.EnsureSuccessStatusCode();
        var orderId = (await placed.ReadJsonAsync()).GetProperty("orders")[0].GetProperty("orderId").GetString()!;
        await ShopSteps.PayAsync(shopper, orderId);
        var placedEvent = await receiver.WaitForAsync(w => w.Event == "order.placed" && w.Data("orderId") == orderId);
        Assert.Equal("2", placedEvent.Json.GetProperty("data").GetProperty("lines")[0].GetProperty("quantity").ToString());
        var paid = await receiver.WaitForAsync(w => w.Event == "order.paid" && w.Data("orderId") == orderId);
        Assert.True(WebhookReceiver.Verify(paid, secret));
        // The reservation took two of the seven units.
        await receiver.WaitForAsync(w => w.Event == "stock.changed" && w.Data("sku") == "CAFE-250" && w.Data("available") == "5");

        var log = await store.GetFromJsonAsync<JsonElement>($"/api/seller/webhooks/{endpointId}/deliveries?pageSize=100");
        var rows = log.GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(rows, r => r.GetProperty("eventId").GetString() == paid.EventId && r.GetProperty("status").GetString() == "delivered"
                                   && r.GetProperty("lastStatus").GetInt32() == 200);
        Assert.Equal(receiver.Received.Select(r => r.EventId).Distinct().Count(), receiver.Received.Count);
    }

    [Fact]
    public async Task A_receiver_that_was_down_gets_every_event_once_in_order_per_product()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var store = fixture.CreateClient();
        var storeId = await store.CreateStoreAsync("Webhooks Down");
        await CreateEndpointAsync(store, receiver.Url, CatalogEvents);
        receiver.Down = true;

        var products = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var productId = await store.CreateProductAsync(storeId);
            products.Add(productId);
            for (var edit = 1; edit <= 4; edit++)
            {
                await UpdateTitleAsync(store, productId, $"Café {i} edit {edit}");
            }
        }

        await Eventually(() => receiver.Refused >= 3, "the receiver refused attempts while down");
        receiver.Down = false;

        foreach (var productId in products)
        {
            await receiver.WaitForAsync(w => w.Event == "product.updated" && w.Data("productId") == productId && w.Json.GetProperty("version").GetInt32() == 5);
        }

        var received = receiver.Received.Where(w => w.Event.StartsWith("product.", StringComparison.Ordinal)).ToList();
        Assert.Equal(received.Select(r => r.EventId).Distinct().Count(), received.Count);
        foreach (var productId in products)
        {
            var versions = received.Where(r => r.Data("productId") == productId).Select(r => r.Json.GetProperty("version").GetInt32()).ToList();
            Assert.Equal([1, 2, 3, 4, 5], versions);
        }
    }

    [Fact]
    public async Task A_store_never_receives_another_stores_events_and_an_operator_endpoint_hears_every_store()
    {
        await using var mine = await WebhookReceiver.StartAsync();
        await using var everything = await WebhookReceiver.StartAsync();
        using var storeA = fixture.CreateClient();
        using var storeB = fixture.CreateClient();
        var a = await storeA.CreateStoreAsync("Webhooks A");
        var b = await storeB.CreateStoreAsync("Webhooks B");
        await CreateEndpointAsync(storeA, mine.Url, CatalogEvents);
        using var admin = await fixture.CreateAdminClientAsync();
        var (operatorEndpoint, _) = await CreateEndpointAsync(admin, everything.Url, ["product.created"], "/api/admin/webhooks");

        var productB = await storeB.CreateProductAsync(b);
        var productA = await storeA.CreateProductAsync(a);
        await mine.WaitForAsync(w => w.Event == "product.created" && w.Data("productId") == productA);
        await everything.WaitForAsync(w => w.Data("productId") == productA);
        await everything.WaitForAsync(w => w.Data("productId") == productB);
        await Task.Delay(1_000); // B's events had as long as A's to arrive where they must not
        Assert.All(mine.Received, w => Assert.Equal(a, w.Json.GetProperty("storeId").GetString()));
        Assert.All(everything.Received, w => Assert.Equal("product.created", w.Event));

        // Store B cannot see or touch A's endpoints; a shopper has no webhooks at all.
        var endpointOfA = (await storeA.GetFromJsonAsync<JsonElement>("/api/seller/webhooks"))[0].GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NotFound, (await storeB.GetAsync($"/api/seller/webhooks/{endpointOfA}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await storeB.DeleteAsync($"/api/seller/webhooks/{endpointOfA}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await storeB.GetAsync($"/api/seller/webhooks/{operatorEndpoint}/deliveries")).StatusCode);
        Assert.Empty((await storeB.GetFromJsonAsync<JsonElement>("/api/seller/webhooks")).EnumerateArray());
        var (shopper, _) = await ShopSteps.ShopperAsync(fixture);
        Assert.Equal(HttpStatusCode.Forbidden, (await shopper.GetAsync("/api/seller/webhooks")).StatusCode);
    }

    [Fact]
    public async Task After_a_rotation_both_secrets_verify_until_the_grace_period_ends()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var store = fixture.CreateClient();
        var storeId = await store.CreateStoreAsync("Webhooks Rotation");
        var (endpointId, oldSecret) = await CreateEndpointAsync(store, receiver.Url, ["product.created"]);

        var rotated = await (await store.PostAsync($"/api/seller/webhooks/{endpointId}/secret", null)).ReadJsonAsync();
        var newSecret = rotated.GetProperty("secret").GetString()!;
        Assert.NotEqual(oldSecret, newSecret);
        Assert.True(rotated.GetProperty("previousSecretUntil").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(23));

        var productId = await store.CreateProductAsync(storeId);
        var created = await receiver.WaitForAsync(w => w.Data("productId") == productId);
        Assert.True(WebhookReceiver.Verify(created, newSecret));
        Assert.True(WebhookReceiver.Verify(created, oldSecret));
        Assert.Equal(2, created.Signature.Split(',').Count(p => p.StartsWith("v1=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_endpoint_failing_too_long_is_disabled_its_store_told_and_a_delivery_can_be_sent_again()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Down = true;
        using var store = fixture.CreateClient();
        var storeId = await store.CreateStoreAsync("Webhooks Failing");
        var (endpointId, _) = await CreateEndpointAsync(store, receiver.Url, ["product.created"]);
        var productId = await store.CreateProductAsync(storeId);

        var disabled = await EventuallyJson(store, $"/api/seller/webhooks/{endpointId}", e => !e.GetProperty("enabled").GetBoolean(),
            TimeSpan.FromSeconds(30));
        Assert.Contains("failed", disabled.GetProperty("disabledReason").GetString(), StringComparison.Ordinal);
        var inbox = await EventuallyJson(store, "/api/notifications", n => n.GetProperty("items").EnumerateArray()
            .Any(i => i.GetProperty("kind").GetString() == "webhookDisabled"), TimeSpan.FromSeconds(10));
        Assert.Contains(inbox.GetProperty("items").EnumerateArray(), i => i.GetProperty("body").GetString()!.Contains(receiver.Url, StringComparison.Ordinal));

        var log = await store.GetFromJsonAsync<JsonElement>($"/api/seller/webhooks/{endpointId}/deliveries");
        var delivery = log.GetProperty("items")[0];
        Assert.Equal(503, delivery.GetProperty("lastStatus").GetInt32());
        Assert.True(delivery.GetProperty("attempts").GetInt32() >= 2, "retried before giving up");

        // Fixed: enabled again and the delivery sent again by hand.
        receiver.Down = false;
        using (var enable = await store.PutAsJsonAsync($"/api/seller/webhooks/{endpointId}", new { url = receiver.Url, events = new[] { "product.created" }, enabled = true }))
        {
            enable.EnsureSuccessStatusCode();
        }

        var deliveryId = delivery.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.Accepted, (await store.PostAsync($"/api/seller/webhooks/{endpointId}/deliveries/{deliveryId}/redeliver", null)).StatusCode);
        await receiver.WaitForAsync(w => w.Data("productId") == productId);
        Assert.Equal(HttpStatusCode.NotFound, (await store.PostAsync($"/api/seller/webhooks/{endpointId}/deliveries/999999999/redeliver", null)).StatusCode);
    }

    [Fact]
    public async Task Bad_endpoints_are_refused_with_field_errors()
    {
        using var store = fixture.CreateClient();
        await store.CreateStoreAsync("Webhooks Refused");
        foreach (var (body, field) in new (object Body, string Field)[]
                 {
                     (new { url = "not a url", events = new[] { "order.paid" } }, "url"),
                     (new { url = "ftp://example.com/hook", events = new[] { "order.paid" } }, "url"),
                     (new { url = "https://user:pw@example.com/hook", events = new[] { "order.paid" } }, "url"),
                     (new { url = "https://example.com/hook", events = new[] { "order.refunded" } }, "events"),
                     (new { url = "https://example.com/hook", events = Array.Empty<string>() }, "events"),
                     (new { url = "https://example.com/hook", events = new[] { "order.paid" }, description = new string('x', 201) }, "description"),
                 })
        {
            using var response = await store.PostAsJsonAsync("/api/seller/webhooks", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await response.ReadJsonAsync()).GetProperty("errors").TryGetProperty(field, out _), $"{field} named for {JsonSerializer.Serialize(body)}");
        }

        Assert.Empty((await store.GetFromJsonAsync<JsonElement>("/api/seller/webhooks")).EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await store.GetAsync("/api/seller/webhooks/whe_nope")).StatusCode);
    }

    [Fact]
    public async Task The_console_page_adds_an_endpoint_shows_its_secret_once_and_lists_its_deliveries()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var api = fixture.CreateClient();
        var seller = await api.RegisterAsync("seller", "Webhooks Console");
        api.UseToken(seller.AccessToken);
        // As a browser: the form's cookies by hand, and redirects seen rather than followed.
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(fixture.BaseUrl) };
        var session = await SignInPage.CookieAsync(http, seller.Email, TestSecrets.Password);

        using var added = await SignInPage.PostFormAsync(http, session, "/seller/webhooks?handler=Create", new()
        {
            ["Form.Url"] = receiver.Url,
            ["Form.Events"] = "product.created",
            ["Form.Description"] = "Stock sync",
        });
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var location = added.Headers.Location!.ToString();
        var flashCookies = added.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]);
        var page = await PageAsync(http, location, string.Join("; ", flashCookies.Prepend(session)));
        var secret = System.Text.RegularExpressions.Regex.Match(page, "value=\"(whsec_[0-9a-f]{64})\"[^>]*data-secret").Groups[1].Value;
        Assert.NotEmpty(secret);
        Assert.Contains("Stock sync", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-secret", await PageAsync(http, location, session), StringComparison.Ordinal);

        var productId = await api.CreateProductAsync(seller.SellerId!);
        var delivered = await receiver.WaitForAsync(w => w.Data("productId") == productId);
        Assert.True(WebhookReceiver.Verify(delivered, secret));
        var log = "";
        for (var i = 0; i < 40 && !log.Contains("data-delivery-status=\"delivered\"", StringComparison.Ordinal); i++)
        {
            await Task.Delay(250);
            log = await PageAsync(http, location, session);
        }

        Assert.Contains(delivered.EventId, log, StringComparison.Ordinal);
        Assert.Contains("data-delivery-status=\"delivered\"", log, StringComparison.Ordinal);
    }

    private static async Task<string> PageAsync(HttpClient http, string path, string cookies)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookies);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<(string Id, string Secret)> CreateEndpointAsync(
        HttpClient http, string url, string[] events, string path = "/api/seller/webhooks")
    {
        using var response = await http.PostAsJsonAsync(path, new { url, events, description = "ERP" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await response.ReadJsonAsync();
        return (json.GetProperty("id").GetString()!, json.GetProperty("secret").GetString()!);
    }

    private static async Task UpdateTitleAsync(HttpClient store, string productId, string title)
    {
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/products/{productId}")
        {
            Content = JsonContent.Create(new
            {
                title, description = "Medium roast", category = "coffee", currency = "CLP", price = 8990, status = "published",
                variants = new object[] { new { sku = "CAFE-250", options = new { size = "250 g" } }, new { sku = "CAFE-1K", options = new { size = "1 kg" }, price = 29990 } },
            }),
        };
        put.Headers.IfMatch.Add(EntityTagHeaderValue.Any);
        (await store.SendAsync(put)).EnsureSuccessStatusCode();
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, what);
            await Task.Delay(100);
        }
    }

    private static async Task<JsonElement> EventuallyJson(HttpClient http, string path, Func<JsonElement, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var json = await http.GetFromJsonAsync<JsonElement>(path);
            if (done(json))
            {
                return json;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{path} did not change in time: {json}");
            await Task.Delay(250);
        }
    }
}
