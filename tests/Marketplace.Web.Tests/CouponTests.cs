using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Testing;
using static Marketplace.Web.Tests.ShopSteps;

namespace Marketplace.Web.Tests;

/// <summary>Store coupons and automatic promotions through the API, the cart, checkout, the sandbox and the statement.</summary>
[Collection(OrdersWebCollection.Name)]
public sealed class CouponTests(OrdersWebFixture fixture)
{
    [Fact]
    public async Task A_coupon_entered_in_the_cart_is_fixed_on_the_order_and_its_statement_adds_up()
    {
        using var store = fixture.CreateClient();
        var owner = await store.RegisterAsync("seller", "Cupones del Sur");
        store.UseToken(owner.AccessToken);
        var sellerId = owner.SellerId!;
        (await store.PutAsJsonAsync($"/api/sellers/{sellerId}", new { name = "Cupones del Sur", requiresConfirmation = false, pricesIncludeTax = true, taxRate = 19 }))
            .EnsureSuccessStatusCode();
        var productId = await store.CreateProductAsync(sellerId);
        using (var admin = fixture.CreateClient())
        {
            admin.UseToken(await admin.LoginAsync(TestSecrets.AdminEmail, TestSecrets.AdminPassword));
            (await admin.PutAsJsonAsync("/api/admin/commission", new { defaultRate = 8, stores = new Dictionary<string, decimal> { [sellerId] = 8 } })).EnsureSuccessStatusCode();
        }

        using (var created = await store.PostAsJsonAsync("/api/seller/coupons", new { code = "verano-10", kind = "percent", value = 10, minSubtotal = 10_000, maxUses = 100 }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var coupon = await created.ReadJsonAsync();
            Assert.Equal(("VERANO-10", "percent", 10m, "CLP"), (coupon.GetProperty("code").GetString(), coupon.GetProperty("kind").GetString(),
                coupon.GetProperty("value").GetDecimal(), coupon.GetProperty("currency").GetString()));
        }

        using (var again = await store.PostAsJsonAsync("/api/seller/coupons", new { code = "VERANO-10", kind = "amount", value = 500 }))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Equal("coupon-exists", (await again.ReadJsonAsync()).GetProperty("code").GetString());
        }

        foreach (var (bad, field) in new (object Body, string Field)[]
                 {
                     (new { code = "x", kind = "percent", value = 10 }, "code"),
                     (new { code = "HALF", kind = "percent", value = 12.345 }, "value"),
                     (new { code = "HALF", kind = "percent", value = 10, endsAt = DateTimeOffset.UtcNow.AddDays(-1) }, "endsAt"),
                     (new { code = "HALF", kind = "amount", value = 500, maxUses = 0 }, "maxUses"),
                 })
        {
            using var refused = await store.PostAsJsonAsync("/api/seller/coupons", bad);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.True((await refused.ReadJsonAsync()).GetProperty("errors").TryGetProperty(field, out _), await refused.Content.ReadAsStringAsync());
        }

        var (shopper, _) = await ShopperAsync(fixture);
        await AddAsync(shopper, productId, "CAFE-250", 1);
        // Below the minimum the coupon is kept and says why; with two units it takes 10 % off.
        var below = await ApplyAsync(shopper, sellerId, "verano-10", HttpStatusCode.OK);
        var part = below.GetProperty("sellers")[0];
        Assert.Equal(("VERANO-10", "below-minimum", 10_000L), (part.GetProperty("coupon").GetString(), part.GetProperty("couponProblem").GetString(),
            part.GetProperty("couponMinSubtotal").GetInt64()));
        Assert.Equal(JsonValueKind.Null, part.GetProperty("discount").ValueKind);
        await AddAsync(shopper, productId, "CAFE-250", 1);
        var cart = (await shopper.GetFromJsonAsync<JsonElement>("/api/cart")).GetProperty("sellers")[0];
        Assert.Equal((17_980L, 1_798L, 16_182L), (cart.GetProperty("subtotal").GetInt64(), cart.GetProperty("discount").GetProperty("amount").GetInt64(),
            cart.GetProperty("total").GetInt64()));

        // Codes of stores not in the cart, and codes the store does not have, are refused.
        using (var otherStore = fixture.CreateClient())
        {
            var otherId = await otherStore.CreateStoreAsync("Otra Tienda");
            await ApplyAsync(shopper, otherId, "VERANO-10", HttpStatusCode.BadRequest);
            Assert.Empty(await otherStore.GetFromJsonAsync<JsonElement[]>("/api/seller/coupons") ?? []);
            using var foreign = await otherStore.DeleteAsync("/api/seller/coupons/VERANO-10");
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        }

        await ApplyAsync(shopper, sellerId, "NOPE-99", HttpStatusCode.NotFound);

        using var placed = await CheckoutAsync(shopper, "coupon-1");
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var orderId = (await placed.ReadJsonAsync()).GetProperty("orders")[0].GetProperty("orderId").GetString()!;
        var order = await OrderAsync(store, orderId);
        var discount = order.GetProperty("discounts").EnumerateArray().Single();
        Assert.Equal(("VERANO-10", 1_798L), (discount.GetProperty("code").GetString(), discount.GetProperty("amount").GetInt64()));
        // 16,182 paid, IVA included (2,583.7 → 2,584); 8 % commission on the rest, 13,598 (1,087.8 → 1,088).
        Assert.Equal((16_182L, 2_584L, 1_088L), (order.GetProperty("total").GetInt64(), order.GetProperty("tax").GetInt64(), order.GetProperty("commission").GetInt64()));
        Assert.Empty((await shopper.GetFromJsonAsync<JsonElement>("/api/cart")).GetProperty("sellers").EnumerateArray());

        var from = DateTimeOffset.UtcNow.AddMinutes(-1);
        await PayAsync(shopper, orderId);
        var period = $"from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))}";
        var line = (await store.GetFromJsonAsync<JsonElement>($"/api/seller/statements?{period}")).GetProperty("lines").EnumerateArray().Single();
        Assert.Equal((17_980L, 1_798L, 2_584L, 1_088L, 16_182L - 1_088L), (line.GetProperty("gross").GetInt64(), line.GetProperty("discounts").GetInt64(),
            line.GetProperty("tax").GetInt64(), line.GetProperty("commission").GetInt64(), line.GetProperty("netPayable").GetInt64()));

        var listed = (await store.GetFromJsonAsync<JsonElement>("/api/seller/coupons")).EnumerateArray().Single();
        Assert.Equal((1, 0), (listed.GetProperty("used").GetInt32(), listed.GetProperty("held").GetInt32()));

        // The seller console lists it; deleting it leaves the paid order's discount alone.
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(fixture.BaseUrl) };
        var session = await SignInPage.CookieAsync(browser, owner.Email, TestSecrets.Password);
        using var page = new HttpRequestMessage(HttpMethod.Get, "/seller/coupons");
        page.Headers.Add("Cookie", session);
        Assert.Contains("data-coupon=\"VERANO-10\"", await (await browser.SendAsync(page)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using (var made = await SignInPage.PostFormAsync(browser, session, "/seller/coupons",
                   new() { ["Form.Code"] = "mitad", ["Form.Kind"] = "Amount", ["Form.Value"] = "2000", ["Form.MaxUses"] = "5" }))
        {
            Assert.Equal(HttpStatusCode.Redirect, made.StatusCode);
        }

        Assert.Equal(2, (await store.GetFromJsonAsync<JsonElement>("/api/seller/coupons")).GetArrayLength());
        Assert.Equal(HttpStatusCode.NoContent, (await store.DeleteAsync("/api/seller/coupons/verano-10")).StatusCode);
        Assert.Equal(1_798, (await OrderAsync(shopper, orderId)).GetProperty("discount").GetInt64());
        shopper.Dispose();
    }

    [Fact]
    public async Task Fifty_shoppers_racing_for_a_coupon_limited_to_ten_make_exactly_ten_orders_with_it()
    {
        using var store = fixture.CreateClient();
        var sellerId = await store.CreateStoreAsync("Carrera de Cupones");
        (await store.PutAsJsonAsync($"/api/sellers/{sellerId}", new { name = "Carrera de Cupones", requiresConfirmation = false })).EnsureSuccessStatusCode();
        var productId = await store.CreateProductAsync(sellerId, ApiClient.Product(stock: 200));
        (await store.PostAsJsonAsync("/api/seller/coupons", new { code = "TOP10", kind = "amount", value = 1_000, maxUses = 10 })).EnsureSuccessStatusCode();

        var shoppers = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            var (http, _) = await ShopperAsync(fixture);
            await AddAsync(http, productId, "CAFE-250", 1);
            await ApplyAsync(http, sellerId, "TOP10", HttpStatusCode.OK);
            return http;
        }));

        var answers = await Task.WhenAll(shoppers.Select(async (http, i) =>
        {
            using var answer = await CheckoutAsync(http, $"race-{i}");
            return (answer.StatusCode, Body: await answer.ReadJsonAsync());
        }));

        var won = answers.Where(a => a.StatusCode == HttpStatusCode.Created).ToList();
        var lost = answers.Where(a => a.StatusCode == HttpStatusCode.Conflict).ToList();
        Assert.Equal((10, 40), (won.Count, lost.Count));
        Assert.All(won, a => Assert.Equal(7_990, a.Body.GetProperty("orders")[0].GetProperty("total").GetInt64()));
        Assert.All(lost, a => Assert.Equal("coupon-unavailable", a.Body.GetProperty("code").GetString()));
        var listed = (await store.GetFromJsonAsync<JsonElement>("/api/seller/coupons")).EnumerateArray().Single();
        Assert.Equal((0, 10, true), (listed.GetProperty("used").GetInt32(), listed.GetProperty("held").GetInt32(), listed.GetProperty("usedUp").GetBoolean()));

        // A loser kept the cart, without the coupon, and checks out at the full price.
        var loser = shoppers[Array.FindIndex(answers, a => a.StatusCode == HttpStatusCode.Conflict)];
        var part = (await loser.GetFromJsonAsync<JsonElement>("/api/cart")).GetProperty("sellers")[0];
        Assert.Equal((1, JsonValueKind.Null), (part.GetProperty("lines")[0].GetProperty("quantity").GetInt32(), part.GetProperty("coupon").ValueKind));
        using var retry = await CheckoutAsync(loser, "race-retry");
        Assert.Equal(8_990, (await retry.ReadJsonAsync()).GetProperty("orders")[0].GetProperty("total").GetInt64());
        // Ten units reserved with the coupon, forty-one in all.
        var product = await store.GetFromJsonAsync<JsonElement>($"/api/products/{productId}");
        Assert.Equal(200 - 11, product.GetProperty("variants").EnumerateArray().Single(v => v.GetProperty("sku").GetString() == "CAFE-250").GetProperty("available").GetInt32());
        foreach (var http in shoppers)
        {
            http.Dispose();
        }
    }

    [Fact]
    public async Task An_automatic_promotion_applies_without_a_code_and_only_to_its_category()
    {
        using var store = fixture.CreateClient();
        var sellerId = await store.CreateStoreAsync("Promos Automáticas");
        (await store.PutAsJsonAsync($"/api/sellers/{sellerId}", new { name = "Promos Automáticas", requiresConfirmation = false })).EnsureSuccessStatusCode();
        var coffee = await store.CreateProductAsync(sellerId);
        var mug = await store.CreateProductAsync(sellerId, new
        {
            title = "Taza", category = "kitchen", currency = "CLP", price = 5_000, status = "published",
            variants = new object[] { new { sku = "MUG", price = 5_000, stock = 10 } },
        });
        using (var created = await store.PostAsJsonAsync("/api/seller/coupons",
                   new { code = "CAFE-SEMANA", kind = "percent", value = 15, categories = new[] { "coffee" }, automatic = true, description = "15 % off coffee this week" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var (shopper, _) = await ShopperAsync(fixture);
        await AddAsync(shopper, coffee, "CAFE-250", 1);
        await AddAsync(shopper, mug, "MUG", 1);
        var part = (await shopper.GetFromJsonAsync<JsonElement>("/api/cart")).GetProperty("sellers")[0];
        var discount = part.GetProperty("discount");
        // 15 % of 8,990 is 1,348.5, half up; the mug is not coffee.
        Assert.Equal(("CAFE-SEMANA", true, 1_349L), (discount.GetProperty("code").GetString(), discount.GetProperty("automatic").GetBoolean(),
            discount.GetProperty("amount").GetInt64()));
        using var placed = await CheckoutAsync(shopper, "auto-1");
        Assert.Equal(8_990 + 5_000 - 1_349, (await placed.ReadJsonAsync()).GetProperty("orders")[0].GetProperty("total").GetInt64());
        shopper.Dispose();
    }

    private static async Task<JsonElement> ApplyAsync(HttpClient shopper, string sellerId, string code, HttpStatusCode expected)
    {
        using var answer = await shopper.PostAsJsonAsync("/api/cart/coupons", new { sellerId, code });
        Assert.True(expected == answer.StatusCode, await answer.Content.ReadAsStringAsync());
        return await answer.ReadJsonAsync();
    }
}
