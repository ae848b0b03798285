using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Testing;

namespace Marketplace.Web.Tests;

/// <summary>A store's own API key: its catalog, stock, orders and webhooks, that store only, nothing else.</summary>
[Collection(OrdersWebCollection.Name)]
public sealed class StoreApiKeyTests(OrdersWebFixture fixture)
{
    [Fact]
    public async Task A_stores_key_runs_its_catalog_stock_orders_and_webhooks_and_nothing_else()
    {
        using var staff = fixture.CreateClient();
        var storeId = await staff.CreateStoreAsync("Key Store");
        using var other = fixture.CreateClient();
        var otherStore = await other.CreateStoreAsync("Other Key Store");
        var otherProduct = await other.CreateProductAsync(otherStore);

        using var created = await staff.PostAsJsonAsync("/api/seller/api-keys", new { name = "ERP" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = (await created.ReadJsonAsync()).GetProperty("key").GetString()!;
        Assert.StartsWith("mk_", key, StringComparison.Ordinal);
        var listed = await staff.GetFromJsonAsync<JsonElement>("/api/seller/api-keys");
        Assert.Equal("ERP", listed[0].GetProperty("name").GetString());
        Assert.DoesNotContain(key.Split('_')[2], listed.ToString(), StringComparison.Ordinal);

        using var erp = fixture.CreateClient();
        erp.DefaultRequestHeaders.Add("X-Api-Key", key);

        // Its own store: products, stock, orders, webhooks.
        var productId = await erp.CreateProductAsync(storeId);
        using (var stock = await erp.PutAsJsonAsync($"/api/products/{productId}/stock", new { items = new[] { new { sku = "CAFE-250", onHand = 3 } } }))
        {
            Assert.Equal(HttpStatusCode.OK, stock.StatusCode);
        }

        using (var put = new HttpRequestMessage(HttpMethod.Put, $"/api/products/{productId}") { Content = JsonContent.Create(ApiClient.Product()) })
        {
            put.Headers.IfMatch.Add(EntityTagHeaderValue.Any);
            Assert.Equal(HttpStatusCode.OK, (await erp.SendAsync(put)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await erp.GetAsync("/api/seller/orders")).StatusCode);
        using (var hook = await erp.PostAsJsonAsync("/api/seller/webhooks", new { url = "http://127.0.0.1:9/hooks", events = new[] { "order.paid" } }))
        {
            Assert.Equal(HttpStatusCode.Created, hook.StatusCode);
            Assert.Equal(storeId, (await hook.ReadJsonAsync()).GetProperty("id").GetString() is { } id
                ? (await erp.GetFromJsonAsync<JsonElement>($"/api/seller/webhooks/{id}")).GetProperty("storeId").GetString()
                : null);
        }

        // Another store's catalog is out of reach, and nothing stored changed.
        using (var foreign = await erp.PostAsJsonAsync($"/api/sellers/{otherStore}/products", ApiClient.Product()))
        {
            Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        }

        using (var foreignStock = await erp.PutAsJsonAsync($"/api/products/{otherProduct}/stock", new { items = new[] { new { sku = "CAFE-250", onHand = 0 } } }))
        {
            Assert.True(foreignStock.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, foreignStock.StatusCode.ToString());
        }

        var untouched = await other.GetFromJsonAsync<JsonElement>($"/api/products/{otherProduct}");
        Assert.Equal(20, untouched.GetProperty("variants")[0].GetProperty("available").GetInt32());

        // Everything that is not the store's catalog, stock, orders or webhooks: the key is no credential there.
        foreach (var (method, path) in new[]
                 {
                     (HttpMethod.Get, "/api/me"), (HttpMethod.Get, "/api/seller/statements?from=2026-01-01&to=2026-02-01"),
                     (HttpMethod.Post, "/api/seller/api-keys"), (HttpMethod.Put, $"/api/sellers/{storeId}"), (HttpMethod.Get, "/api/seller/coupons"),
                     (HttpMethod.Get, "/api/cart"), (HttpMethod.Get, $"/api/sellers/{storeId}/staff"),
                 })
        {
            using var request = new HttpRequestMessage(method, path) { Content = method == HttpMethod.Get ? null : JsonContent.Create(new { name = "x" }) };
            using var refused = await erp.SendAsync(request);
            Assert.True(refused.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {(int)refused.StatusCode}");
        }

        // Revoked: it stops working at once.
        var keyId = listed[0].GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await staff.DeleteAsync($"/api/seller/api-keys/{keyId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await erp.GetAsync("/api/seller/orders")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/api/seller/api-keys/{keyId}")).StatusCode);
    }

    [Fact]
    public async Task A_key_has_its_own_request_budget_on_top_of_the_limits_per_address()
    {
        await using var limited = new WebHostFactory(fixture, new Dictionary<string, string>
        {
            ["RateLimits:Enabled"] = "true",
            ["RateLimits:ApiKeyRequestsPerSecond"] = "3",
        });
        using var staff = limited.CreateClient();
        await staff.CreateStoreAsync("Budget Store");
        var first = (await (await staff.PostAsJsonAsync("/api/seller/api-keys", new { name = "ERP" })).ReadJsonAsync()).GetProperty("key").GetString()!;
        var second = (await (await staff.PostAsJsonAsync("/api/seller/api-keys", new { name = "Sync" })).ReadJsonAsync()).GetProperty("key").GetString()!;

        async Task<List<HttpStatusCode>> BurstAsync(string key, int requests)
        {
            using var http = limited.CreateClient();
            http.DefaultRequestHeaders.Add("X-Api-Key", key);
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < requests; i++)
            {
                using var response = await http.GetAsync("/api/seller/orders");
                statuses.Add(response.StatusCode);
            }

            return statuses;
        }

        var burst = await BurstAsync(first, 8);
        Assert.Contains(HttpStatusCode.TooManyRequests, burst);
        Assert.True(burst.Count(s => s == HttpStatusCode.OK) <= 6, string.Join(",", burst)); // at most two one-second windows
        // Another key of the same address has its own budget.
        Assert.Equal(HttpStatusCode.OK, (await BurstAsync(second, 1))[0]);
    }
}
