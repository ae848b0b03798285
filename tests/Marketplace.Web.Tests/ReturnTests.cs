using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Testing;
using static Marketplace.Web.Tests.ShopSteps;

namespace Marketplace.Web.Tests;

/// <summary>Returns through the API, the carrier sandbox's return labels, the payment sandbox's refunds and the inventory.</summary>
[Collection(OrdersWebCollection.Name)]
public sealed class ReturnTests(OrdersWebFixture fixture)
{
    [Fact]
    public async Task A_received_return_refunds_its_share_with_the_discount_and_puts_the_units_back_on_the_shelf()
    {
        using var store = fixture.CreateClient();
        var sellerId = await store.CreateStoreAsync("Devoluciones Claras");
        (await store.PutAsJsonAsync($"/api/sellers/{sellerId}", new { name = "Devoluciones Claras", requiresConfirmation = false })).EnsureSuccessStatusCode();
        var productId = await store.CreateProductAsync(sellerId);
        (await store.PostAsJsonAsync("/api/seller/coupons", new { code = "MENOS-1000", kind = "amount", value = 1_000 })).EnsureSuccessStatusCode();
        var (shopper, _) = await ShopperAsync(fixture);
        await AddAsync(shopper, productId, "CAFE-250", 3);
        (await shopper.PostAsJsonAsync("/api/cart/coupons", new { sellerId, code = "MENOS-1000" })).EnsureSuccessStatusCode();

        // Not yet delivered: nothing to return.
        using (var placed = await CheckoutAsync(shopper, "return-early"))
        {
            var early = (await placed.ReadJsonAsync()).GetProperty("orders")[0].GetProperty("orderId").GetString()!;
            using var tooSoon = await shopper.PostAsJsonAsync($"/api/orders/{early}/returns", new { lines = new[] { new { sku = "CAFE-250", quantity = 1 } }, reason = "Changed my mind" });
            Assert.Equal(HttpStatusCode.Conflict, tooSoon.StatusCode);
            (await shopper.PostAsync($"/api/orders/{early}/cancel", null)).EnsureSuccessStatusCode();
        }

        await AddAsync(shopper, productId, "CAFE-250", 3);
        (await shopper.PostAsJsonAsync("/api/cart/coupons", new { sellerId, code = "MENOS-1000" })).EnsureSuccessStatusCode();
        var orderId = await BuyAndDeliverAsync(shopper, store, "return-1");
        Assert.Equal(3 * 8_990 - 1_000, (await OrderAsync(shopper, orderId)).GetProperty("total").GetInt64());
        Assert.Equal(17, await AvailableAsync(store, productId));

        foreach (var (body, status) in new (object Body, HttpStatusCode Status)[]
                 {
                     (new { lines = new[] { new { sku = "CAFE-250", quantity = 4 } }, reason = "Too many" }, HttpStatusCode.BadRequest),
                     (new { lines = new[] { new { sku = "NOT-HERE", quantity = 1 } }, reason = "Wrong" }, HttpStatusCode.BadRequest),
                     (new { lines = new[] { new { sku = "CAFE-250", quantity = 1 } }, reason = "" }, HttpStatusCode.BadRequest),
                 })
        {
            using var refused = await shopper.PostAsJsonAsync($"/api/orders/{orderId}/returns", body);
            Assert.Equal(status, refused.StatusCode);
        }

        // The store may not ask on the buyer's behalf.
        using (var notBuyer = await store.PostAsJsonAsync($"/api/orders/{orderId}/returns", new { lines = new[] { new { sku = "CAFE-250", quantity = 1 } }, reason = "x" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, notBuyer.StatusCode);
        }

        // Asked twice with one Idempotency-Key (a retry after a lost answer): one return.
        foreach (var _ in new[] { 1, 2 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/orders/{orderId}/returns")
            {
                Content = JsonContent.Create(new { lines = new[] { new { sku = "CAFE-250", quantity = 2 } }, reason = "The bag arrived torn" }),
            };
            request.Headers.Add("Idempotency-Key", "return-" + orderId);
            using var requested = await shopper.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, requested.StatusCode);
            var ret = await requested.ReadJsonAsync();
            Assert.Equal(("r1", "requested"), (ret.GetProperty("returnId").GetString(), ret.GetProperty("status").GetString()));
        }

        // The last unit is still returnable; more than that is not.
        using (var beyond = await shopper.PostAsJsonAsync($"/api/orders/{orderId}/returns", new { lines = new[] { new { sku = "CAFE-250", quantity = 2 } }, reason = "More" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, beyond.StatusCode);
        }

        using (var other = fixture.CreateClient())
        {
            await other.CreateStoreAsync("Otra");
            using var foreign = await other.PostAsJsonAsync($"/api/orders/{orderId}/returns/r1/approve", new { });
            Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        }

        using var approved = await store.PostAsJsonAsync($"/api/orders/{orderId}/returns/r1/approve", new { refundShipping = false });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var label = (await approved.ReadJsonAsync()).GetProperty("returns")[0];
        Assert.Equal("approved", label.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(label.GetProperty("trackingNumber").GetString()));
        Assert.Contains("RETURN TO", await new HttpClient().GetStringAsync(label.GetProperty("labelUrl").GetString()), StringComparison.Ordinal);

        // The carrier brings it back: 2 × 8,990 less two thirds of the 1,000 discount (666) = 17,314 goes back, and the units are on sale again.
        var refunded = await EventuallyAsync(shopper, $"/api/orders/{orderId}", o => o.GetProperty("returns")[0].GetProperty("status").GetString() == "refunded");
        Assert.Equal(("refunded", 17_314L, 17_314L), (refunded.GetProperty("returns")[0].GetProperty("status").GetString(),
            refunded.GetProperty("returns")[0].GetProperty("refund").GetInt64(), refunded.GetProperty("refundedAmount").GetInt64()));
        Assert.Equal("delivered", refunded.GetProperty("status").GetString());
        Assert.Equal(19, await AvailableAsync(store, productId));

        // The last unit too, written off as damaged: exactly what is left of the payment goes back, nothing returns to the shelf.
        using (var last = await shopper.PostAsJsonAsync($"/api/orders/{orderId}/returns", new { lines = new[] { new { sku = "CAFE-250", quantity = 1 } }, reason = "Also torn" }))
        {
            Assert.Equal(HttpStatusCode.Created, last.StatusCode);
        }

        (await store.PostAsJsonAsync($"/api/orders/{orderId}/returns/r2/approve", new { writeOff = true })).EnsureSuccessStatusCode();
        var all = await EventuallyAsync(shopper, $"/api/orders/{orderId}", o => o.GetProperty("returns")[1].GetProperty("status").GetString() == "refunded");
        Assert.Equal((8_990L - 334, 3 * 8_990L - 1_000), (all.GetProperty("returns")[1].GetProperty("refund").GetInt64(), all.GetProperty("refundedAmount").GetInt64()));
        Assert.Equal(19, await AvailableAsync(store, productId));
        var units = await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM inventory_skus WHERE on_hand + sold <> initial_stock + adjustments");
        Assert.Equal(0, units);
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM inventory_adjustments WHERE adjustment_id = @id AND kind = 'write-off' AND returned = 1", ("id", orderId + "/r2")));

        using var admin = fixture.CreateClient();
        admin.UseToken(await admin.LoginAsync(TestSecrets.AdminEmail, TestSecrets.AdminPassword));
        var check = await admin.GetFromJsonAsync<JsonElement>("/api/admin/ledger/check");
        Assert.True(check.GetProperty("ok").GetBoolean(), check.GetProperty("violations").ToString());
        shopper.Dispose();
    }

    [Fact]
    public async Task A_store_rejects_a_return_and_one_without_returns_takes_none()
    {
        using var store = fixture.CreateClient();
        var sellerId = await store.CreateStoreAsync("Sin Devoluciones");
        (await store.PutAsJsonAsync($"/api/sellers/{sellerId}", new { name = "Sin Devoluciones", requiresConfirmation = false })).EnsureSuccessStatusCode();
        var productId = await store.CreateProductAsync(sellerId);
        var (shopper, _) = await ShopperAsync(fixture);
        await AddAsync(shopper, productId, "CAFE-250", 1);
        var orderId = await BuyAndDeliverAsync(shopper, store, "reject-1");
        Assert.NotEqual(JsonValueKind.Null, (await OrderAsync(shopper, orderId)).GetProperty("returnBy").ValueKind);
        (await shopper.PostAsJsonAsync($"/api/orders/{orderId}/returns", new { lines = new[] { new { sku = "CAFE-250", quantity = 1 } }, reason = "Not as described" }))
            .EnsureSuccessStatusCode();
        using (var noReason = await store.PostAsJsonAsync($"/api/orders/{orderId}/returns/r1/reject", new { reason = "" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        }

        var rejected = await (await store.PostAsJsonAsync($"/api/orders/{orderId}/returns/r1/reject", new { reason = "Opened and used" })).ReadJsonAsync();
        Assert.Equal(("rejected", "Opened and used"), (rejected.GetProperty("returns")[0].GetProperty("status").GetString(),
            rejected.GetProperty("returns")[0].GetProperty("note").GetString()));
        using (var late = await store.PostAsJsonAsync($"/api/orders/{orderId}/returns/r1/approve", new { }))
        {
            Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        }

        // A store that takes no returns: its new orders have no window.
        (await store.PutAsJsonAsync($"/api/sellers/{sellerId}", new { name = "Sin Devoluciones", requiresConfirmation = false, returnWindowDays = 0 })).EnsureSuccessStatusCode();
        await AddAsync(shopper, productId, "CAFE-250", 1);
        var final = await BuyAndDeliverAsync(shopper, store, "reject-2");
        Assert.Equal(JsonValueKind.Null, (await OrderAsync(shopper, final)).GetProperty("returnBy").ValueKind);
        using var none = await shopper.PostAsJsonAsync($"/api/orders/{final}/returns", new { lines = new[] { new { sku = "CAFE-250", quantity = 1 } }, reason = "Please" });
        Assert.Equal("return-window-closed", (await none.ReadJsonAsync()).GetProperty("code").GetString());
        shopper.Dispose();
    }

    private static async Task<int> AvailableAsync(HttpClient http, string productId) =>
        (await http.GetFromJsonAsync<JsonElement>($"/api/products/{productId}")).GetProperty("variants").EnumerateArray()
            .Single(v => v.GetProperty("sku").GetString() == "CAFE-250").GetProperty("available").GetInt32();
}
