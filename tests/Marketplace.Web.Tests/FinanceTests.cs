using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Testing;
using Npgsql;
using static Marketplace.Web.Tests.ShopSteps;

namespace Marketplace.Web.Tests;

/// <summary>Commission rates, an order's commission, and the ledger as the database holds it, through the API and the sandbox.</summary>
[Collection(OrdersWebCollection.Name)]
public sealed class FinanceTests(OrdersWebFixture fixture)
{
    [Fact]
    public async Task Commission_is_fixed_when_the_order_is_placed_taken_on_capture_and_given_back_by_a_refund()
    {
        using var store = fixture.CreateClient();
        var sellerId = await store.CreateStoreAsync("Tostadores Finos");
        (await store.PutAsJsonAsync($"/api/sellers/{sellerId}", new { name = "Tostadores Finos", requiresConfirmation = false })).EnsureSuccessStatusCode();
        var productId = await store.CreateProductAsync(sellerId);
        using var admin = await AdminAsync();
        await SetRatesAsync(admin, new { defaultRate = 8, categories = new Dictionary<string, decimal> { ["coffee"] = 10 }, stores = new Dictionary<string, decimal> { [sellerId] = 12.5m } });
        var (shopper, _) = await ShopperAsync(fixture);
        await AddAsync(shopper, productId, "CAFE-250", 2);
        using var placed = await CheckoutAsync(shopper, "finance-1");
        var orderId = (await placed.ReadJsonAsync()).GetProperty("orders")[0].GetProperty("orderId").GetString()!;

        // 2 × 8,990 at the store's 12.5 %: 2,247.5 rounds half up. The buyer is not shown what the marketplace takes.
        Assert.Equal(2_248, (await OrderAsync(store, orderId)).GetProperty("commission").GetInt64());
        Assert.Equal(JsonValueKind.Null, (await OrderAsync(shopper, orderId)).GetProperty("commission").ValueKind);

        // A later change does not touch the placed order.
        await SetRatesAsync(admin, new { defaultRate = 8, stores = new Dictionary<string, decimal> { [sellerId] = 30 } });
        await PayAsync(shopper, orderId);
        Assert.Equal(2_248, (await OrderAsync(admin, orderId)).GetProperty("commission").GetInt64());
        var dashboard = await store.GetFromJsonAsync<JsonElement>("/api/seller/dashboard");
        Assert.Equal(("CLP", 2_248L), (dashboard.GetProperty("commission")[0].GetProperty("currency").GetString(),
            dashboard.GetProperty("commission")[0].GetProperty("amount").GetInt64()));
        var captured = await EntriesAsync(orderId);
        Assert.Equal([("capture", "gateway", "commission", 2_248L), ("capture", "gateway", "store_payable", 17_980L - 2_248)], captured.Order());
        await AssertLedgerHoldsAsync(admin);

        // The store takes the paid order back: the refund reverses every allocation, the commission with it.
        (await store.PostAsJsonAsync($"/api/orders/{orderId}/cancel", new { reason = "Roaster broke down" })).EnsureSuccessStatusCode();
        var refunded = await WaitForStatusAsync(shopper, orderId, "refunded");
        Assert.Equal(17_980, refunded.GetProperty("refundedAmount").GetInt64());
        Assert.Equal(0, (await OrderAsync(store, orderId)).GetProperty("commission").GetInt64());
        Assert.Equal(0, (await store.GetFromJsonAsync<JsonElement>("/api/seller/dashboard")).GetProperty("commission")[0].GetProperty("amount").GetInt64());
        var all = await EntriesAsync(orderId);
        Assert.Equal(17_980, all.Where(e => e.Kind == "refund" && e.Credit == "gateway").Sum(e => e.Amount));
        await AssertLedgerHoldsAsync(admin);
        // The two units it had sold are back on sale.
        var stock = await EventuallyAsync(store, $"/api/products/{productId}",
            p => p.GetProperty("variants").EnumerateArray().Single(v => v.GetProperty("sku").GetString() == "CAFE-250").GetProperty("available").GetInt32() == 20);
        Assert.Equal(20, stock.GetProperty("variants").EnumerateArray().Single(v => v.GetProperty("sku").GetString() == "CAFE-250").GetProperty("available").GetInt32());
        shopper.Dispose();
    }

    [Fact]
    public async Task A_stores_statement_adds_up_and_a_payout_pays_what_is_available_once()
    {
        using var store = fixture.CreateClient();
        var owner = await store.RegisterAsync("seller", "Molino Estadístico");
        store.UseToken(owner.AccessToken);
        var sellerId = owner.SellerId!;
        (await store.PutAsJsonAsync($"/api/sellers/{sellerId}", new { name = "Molino Estadístico", requiresConfirmation = false })).EnsureSuccessStatusCode();
        var productId = await store.CreateProductAsync(sellerId);
        using var admin = await AdminAsync();
        await SetRatesAsync(admin, new { defaultRate = 8, stores = new Dictionary<string, decimal> { [sellerId] = 10 } });
        var (shopper, _) = await ShopperAsync(fixture);
        var from = DateTimeOffset.UtcNow.AddMinutes(-1);
        await AddAsync(shopper, productId, "CAFE-250", 1);
        var delivered = await BuyAndDeliverAsync(shopper, store, "statement-1");
        await AddAsync(shopper, productId, "CAFE-250", 2);
        using (var placed = await CheckoutAsync(shopper, "statement-2"))
        {
            var cancelled = (await placed.ReadJsonAsync()).GetProperty("orders")[0].GetProperty("orderId").GetString()!;
            await PayAsync(shopper, cancelled);
            (await store.PostAsJsonAsync($"/api/orders/{cancelled}/cancel", new { reason = "Out of beans" })).EnsureSuccessStatusCode();
            await WaitForStatusAsync(shopper, cancelled, "refunded");
        }

        var period = $"from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))}";
        var line = (await store.GetFromJsonAsync<JsonElement>($"/api/seller/statements?{period}")).GetProperty("lines").EnumerateArray().Single();
        // Two orders paid (8,990 and 17,980), the second refunded in full; 10 % of the first is the marketplace's.
        Assert.Equal(("CLP", 2, 26_970L, 899L, 17_980L, 8_091L, 0L), (line.GetProperty("currency").GetString(), line.GetProperty("orders").GetInt32(),
            line.GetProperty("gross").GetInt64(), line.GetProperty("commission").GetInt64(), line.GetProperty("refunds").GetInt64(),
            line.GetProperty("netPayable").GetInt64(), line.GetProperty("paidOut").GetInt64()));

        using var csvRequest = new HttpRequestMessage(HttpMethod.Get, $"/api/seller/statements?{period}");
        csvRequest.Headers.Accept.ParseAdd("text/csv");
        using var csv = await store.SendAsync(csvRequest);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var csvLines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("From,To,Currency,Orders,Gross,Discounts,Shipping,Tax,Commission,Refunds,NetPayable,PaidOut", csvLines[0], StringComparison.Ordinal);
        Assert.EndsWith(",CLP,2,26970,0,0,0,899,17980,8091,0", csvLines[1].TrimEnd('\r'), StringComparison.Ordinal);

        // The return window (a second here) has closed on the delivered order: a batch pays it, the same key answers the same batch.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var end = DateTimeOffset.UtcNow.AddSeconds(-0.2);
        var first = await PayOutAsync(admin, "payout-" + sellerId, HttpStatusCode.Created, end);
        var ours = first.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("sellerId").GetString() == sellerId);
        Assert.Equal(8_091, ours.GetProperty("amount").GetInt64());
        var again = await PayOutAsync(admin, "payout-" + sellerId, HttpStatusCode.OK, end);
        Assert.Equal(first.GetProperty("payoutId").GetString(), again.GetProperty("payoutId").GetString());
        var next = await PayOutAsync(admin, "payout-next-" + sellerId, HttpStatusCode.Created);
        Assert.DoesNotContain(next.GetProperty("lines").EnumerateArray(), l => l.GetProperty("sellerId").GetString() == sellerId);
        await AssertLedgerHoldsAsync(admin);

        var payoutId = first.GetProperty("payoutId").GetString()!;
        var bankFile = await admin.GetStringAsync($"/api/admin/payouts/{payoutId}.csv");
        Assert.Contains($"{payoutId},{sellerId},Molino Estadístico,CLP,8091,", bankFile, StringComparison.Ordinal);
        using var paid = await admin.PostAsync($"/api/admin/payouts/{payoutId}/paid", null);
        Assert.Equal("paid", (await paid.ReadJsonAsync()).GetProperty("status").GetString());
        var after = (await store.GetFromJsonAsync<JsonElement>($"/api/seller/statements?{period}")).GetProperty("lines")[0];
        Assert.Equal(8_091, after.GetProperty("paidOut").GetInt64());
        Assert.NotNull(delivered);

        // The seller console shows the same statement, and downloads it.
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(fixture.BaseUrl) };
        var session = await SignInPage.CookieAsync(browser, owner.Email, TestSecrets.Password);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        var tomorrow = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd");
        using var page = new HttpRequestMessage(HttpMethod.Get, $"/seller/statements?from={today}&to={tomorrow}");
        page.Headers.Add("Cookie", session);
        var html = await (await browser.SendAsync(page)).Content.ReadAsStringAsync();
        Assert.Contains("data-net>$8,091<", html, StringComparison.Ordinal);
        using var download = new HttpRequestMessage(HttpMethod.Get, $"/seller/statements?handler=Csv&from={today}&to={tomorrow}");
        download.Headers.Add("Cookie", session);
        using var file = await browser.SendAsync(download);
        Assert.Equal("text/csv", file.Content.Headers.ContentType?.MediaType);
        Assert.Contains(",CLP,2,26970,0,0,0,899,17980,8091,8091", await file.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        shopper.Dispose();
    }

    [Fact]
    public async Task An_admin_sets_rates_and_makes_a_payout_batch_from_the_pages()
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(fixture.BaseUrl) };
        var session = await SignInPage.CookieAsync(browser, TestSecrets.AdminEmail, TestSecrets.AdminPassword);
        using var admin = await AdminAsync();

        using (var bad = await SignInPage.PostFormAsync(browser, session, "/admin/commission", new() { ["DefaultRate"] = "8", ["Overrides"] = "coffee 10" }))
        {
            Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
            Assert.Contains("Line 1 is not", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var saved = await SignInPage.PostFormAsync(browser, session, "/admin/commission", new() { ["DefaultRate"] = "7.5", ["Overrides"] = "coffee = 9\n\ntea = 11.25" }))
        {
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        }

        var rates = await admin.GetFromJsonAsync<JsonElement>("/api/admin/commission");
        Assert.Equal((7.5m, 9m, 11.25m), (rates.GetProperty("defaultRate").GetDecimal(), rates.GetProperty("categories").GetProperty("coffee").GetDecimal(),
            rates.GetProperty("categories").GetProperty("tea").GetDecimal()));

        var before = (await admin.GetFromJsonAsync<JsonElement>("/api/admin/payouts")).GetArrayLength();
        using (var made = await SignInPage.PostFormAsync(browser, session, "/admin/payouts", new() { ["key"] = Guid.NewGuid().ToString("N") }))
        {
            Assert.Equal(HttpStatusCode.Redirect, made.StatusCode);
        }

        var batches = await admin.GetFromJsonAsync<JsonElement>("/api/admin/payouts");
        Assert.Equal(before + 1, batches.GetArrayLength());
        using var csv = new HttpRequestMessage(HttpMethod.Get, $"/admin/payouts?handler=Csv&payoutId={batches[0].GetProperty("payoutId").GetString()}");
        csv.Headers.Add("Cookie", session);
        using var file = await browser.SendAsync(csv);
        Assert.StartsWith("PayoutId,SellerId,StoreName,Currency,Amount,Reference", await file.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_payout_needs_a_key_and_a_period_that_has_ended()
    {
        using var admin = await AdminAsync();
        using var noKey = await admin.PostAsJsonAsync("/api/admin/payouts", new { periodEnd = DateTimeOffset.UtcNow });
        Assert.Equal("idempotency-key-required", (await noKey.ReadJsonAsync()).GetProperty("code").GetString());

        using var future = new HttpRequestMessage(HttpMethod.Post, "/api/admin/payouts") { Content = JsonContent.Create(new { periodEnd = DateTimeOffset.UtcNow.AddDays(1) }) };
        future.Headers.Add("Idempotency-Key", "future-" + Guid.NewGuid().ToString("N"));
        using var refused = await admin.SendAsync(future);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        var key = "reused-" + Guid.NewGuid().ToString("N");
        await PayOutAsync(admin, key, HttpStatusCode.Created);
        using var other = new HttpRequestMessage(HttpMethod.Post, "/api/admin/payouts") { Content = JsonContent.Create(new { periodEnd = DateTimeOffset.UtcNow.AddDays(-3) }) };
        other.Headers.Add("Idempotency-Key", key);
        using var reused = await admin.SendAsync(other);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
    }

    [Fact]
    public async Task Tax_included_in_a_stores_prices_is_shown_allocated_and_kept_out_of_the_commission()
    {
        using var store = fixture.CreateClient();
        var sellerId = await store.CreateStoreAsync("Almacén con IVA");
        (await store.PutAsJsonAsync($"/api/sellers/{sellerId}", new { name = "Almacén con IVA", requiresConfirmation = false, pricesIncludeTax = true, taxRate = 19 }))
            .EnsureSuccessStatusCode();
        var productId = await store.CreateProductAsync(sellerId);
        using var admin = await AdminAsync();
        await SetRatesAsync(admin, new { defaultRate = 8, stores = new Dictionary<string, decimal> { [sellerId] = 10 } });
        var (shopper, _) = await ShopperAsync(fixture);
        await AddAsync(shopper, productId, "CAFE-250", 1);
        using var placed = await CheckoutAsync(shopper, "iva-1");
        var orderId = (await placed.ReadJsonAsync()).GetProperty("orders")[0].GetProperty("orderId").GetString()!;

        // 8,990 with 19 % inside: 1,435.38 → 1,435; the buyer pays the price as shown.
        var order = await OrderAsync(shopper, orderId);
        Assert.Equal((1_435L, true, 8_990L), (order.GetProperty("tax").GetInt64(), order.GetProperty("pricesIncludeTax").GetBoolean(), order.GetProperty("total").GetInt64()));
        await PayAsync(shopper, orderId);

        // Commission is 10 % of the price without its tax (7,555 → 755.5 → 756); the store keeps the rest of the net.
        var credited = (await EntriesAsync(orderId)).ToDictionary(e => e.Credit, e => e.Amount);
        Assert.Equal((1_435L, 756L, 8_990L - 1_435 - 756), (credited["tax"], credited["commission"], credited["store_payable"]));
        await AssertLedgerHoldsAsync(admin);
        shopper.Dispose();
    }

    [Fact]
    public async Task Tax_excluded_from_a_stores_prices_is_added_at_the_rate_of_the_buyers_region()
    {
        using var admin = await AdminAsync();
        using (var rates = await admin.PutAsJsonAsync("/api/admin/tax-rates", new { countries = Rates(("CA", 7.25m), ("NY", 8.875m)) }))
        {
            Assert.Equal(HttpStatusCode.OK, rates.StatusCode);
        }

        using var store = fixture.CreateClient();
        var sellerId = await store.CreateStoreAsync("Coast Roasters");
        (await store.PutAsJsonAsync($"/api/sellers/{sellerId}", new { name = "Coast Roasters", requiresConfirmation = false, pricesIncludeTax = false }))
            .EnsureSuccessStatusCode();
        var productId = await store.CreateProductAsync(sellerId);
        var (shopper, _) = await ShopperAsync(fixture);
        await AddAsync(shopper, productId, "CAFE-250", 1);

        using (var noRegion = await CheckoutAsync(shopper, "us-1", new { shippingAddress = new { name = "Ann Lee", line1 = "1 Main St", city = "Fresno", country = "US" } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noRegion.StatusCode);
            Assert.True((await noRegion.ReadJsonAsync()).GetProperty("errors").TryGetProperty("shippingAddress.region", out _));
        }

        using var placed = await CheckoutAsync(shopper, "us-2", new { shippingAddress = new { name = "Ann Lee", line1 = "1 Main St", city = "Fresno", region = "CA", country = "US" } });
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var orderId = (await placed.ReadJsonAsync()).GetProperty("orders")[0].GetProperty("orderId").GetString()!;

        // 8,990 × 7.25 % = 651.775 → 652, added on top.
        var order = await OrderAsync(shopper, orderId);
        Assert.Equal((652L, false, 9_642L), (order.GetProperty("tax").GetInt64(), order.GetProperty("pricesIncludeTax").GetBoolean(), order.GetProperty("total").GetInt64()));
        await PayAsync(shopper, orderId);
        Assert.Equal(652, (await EntriesAsync(orderId)).Single(e => e.Credit == "tax").Amount);
        await AssertLedgerHoldsAsync(admin);

        using var bad = await admin.PutAsJsonAsync("/api/admin/tax-rates", new { countries = Rates(("CA", 70m)) });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(7.25m, (await admin.GetFromJsonAsync<JsonElement>("/api/admin/tax-rates")).GetProperty("countries").GetProperty("US").GetProperty("CA").GetDecimal());
        shopper.Dispose();
    }

    [Fact]
    public async Task Ledger_entries_cannot_be_changed_or_removed()
    {
        await using var connection = await fixture.Database.DataSource.OpenConnectionAsync();
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO ledger_entries (entry_key, order_id, seller_id, currency, kind, debit, credit, amount, source, at)
            VALUES ('test:' || gen_random_uuid(), NULL, 'sel_test', 'CLP', 'payout', 'gateway', 'bank', 1, 'test', now())
            """, connection))
        {
            await insert.ExecuteNonQueryAsync();
        }

        foreach (var sql in new[] { "UPDATE ledger_entries SET amount = amount + 1 WHERE seller_id = 'sel_test'", "DELETE FROM ledger_entries WHERE seller_id = 'sel_test'" })
        {
            await using var change = new NpgsqlCommand(sql, connection);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => change.ExecuteNonQueryAsync());
            Assert.Contains("never changed or removed", refused.MessageText, StringComparison.Ordinal);
        }

        await using var zero = new NpgsqlCommand("""
            INSERT INTO ledger_entries (entry_key, seller_id, currency, kind, debit, credit, amount, source, at)
            VALUES ('test:zero', 'sel_test', 'CLP', 'payout', 'store_payable', 'bank', 0, 'test', now())
            """, connection);
        Assert.Equal(PostgresErrorCodes.CheckViolation, (await Assert.ThrowsAsync<PostgresException>(() => zero.ExecuteNonQueryAsync())).SqlState);
    }

    [Theory]
    [InlineData("""{"defaultRate":8.125}""", "defaultRate")]
    [InlineData("""{"defaultRate":-1}""", "defaultRate")]
    [InlineData("""{}""", "defaultRate")]
    [InlineData("""{"defaultRate":8,"categories":{"coffee":101}}""", "categories.coffee")]
    [InlineData("""{"defaultRate":60}""", "defaultRate")]
    [InlineData("""{"defaultRate":8,"stores":{"not-a-store":5}}""", "stores")]
    public async Task Rates_that_are_not_percentages_an_admin_may_set_are_refused_and_change_nothing(string json, string field)
    {
        using var admin = await AdminAsync();
        var before = await admin.GetStringAsync("/api/admin/commission");

        using var refused = await admin.PutAsync("/api/admin/commission", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True((await refused.ReadJsonAsync()).GetProperty("errors").TryGetProperty(field, out _), await refused.Content.ReadAsStringAsync());
        Assert.Equal(before, await admin.GetStringAsync("/api/admin/commission"));
    }

    private static async Task<JsonElement> PayOutAsync(HttpClient admin, string key, HttpStatusCode expected, DateTimeOffset? periodEnd = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/admin/payouts")
        {
            Content = JsonContent.Create(new { periodEnd = periodEnd ?? DateTimeOffset.UtcNow.AddSeconds(-0.2) }),
        };
        request.Headers.Add("Idempotency-Key", key);
        using var answer = await admin.SendAsync(request);
        Assert.Equal(expected, answer.StatusCode);
        return await answer.ReadJsonAsync();
    }

    /// <summary>Regional rates of the United States (codes are dictionary keys, which JSON naming leaves as they are).</summary>
    private static Dictionary<string, Dictionary<string, decimal>> Rates(params (string Region, decimal Rate)[] regions) =>
        new() { ["US"] = regions.ToDictionary(r => r.Region, r => r.Rate) };

    private static async Task SetRatesAsync(HttpClient admin, object rates)
    {
        using var answer = await admin.PutAsJsonAsync("/api/admin/commission", rates);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    private static async Task AssertLedgerHoldsAsync(HttpClient admin)
    {
        var check = await admin.GetFromJsonAsync<JsonElement>("/api/admin/ledger/check");
        Assert.True(check.GetProperty("ok").GetBoolean(), check.GetProperty("violations").ToString());
        Assert.True(check.GetProperty("checked").GetInt32() > 0);
    }

    private async Task<List<(string Kind, string Debit, string Credit, long Amount)>> EntriesAsync(string orderId)
    {
        await using var command = fixture.Database.DataSource.CreateCommand(
            "SELECT kind, debit, credit, amount FROM ledger_entries WHERE order_id = $1 ORDER BY entry_key");
        command.Parameters.Add(new() { Value = orderId });
        await using var reader = await command.ExecuteReaderAsync();
        var entries = new List<(string, string, string, long)>();
        while (await reader.ReadAsync())
        {
            entries.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
        }

        return entries;
    }

    private async Task<HttpClient> AdminAsync()
    {
        var http = fixture.CreateClient();
        http.UseToken(await http.LoginAsync(TestSecrets.AdminEmail, TestSecrets.AdminPassword));
        return http;
    }
}
