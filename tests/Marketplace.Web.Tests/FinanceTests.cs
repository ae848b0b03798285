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
        var captured = await EntriesAsync(orderId);
        Assert.Equal([("capture", "gateway", "commission", 2_248L), ("capture", "gateway", "store_payable", 17_980L - 2_248)], captured.Order());
        await AssertLedgerHoldsAsync(admin);

        // The store takes the paid order back: the refund reverses every allocation, the commission with it.
        (await store.PostAsJsonAsync($"/api/orders/{orderId}/cancel", new { reason = "Roaster broke down" })).EnsureSuccessStatusCode();
        var refunded = await WaitForStatusAsync(shopper, orderId, "refunded");
        Assert.Equal(17_980, refunded.GetProperty("refundedAmount").GetInt64());
        Assert.Equal(0, (await OrderAsync(store, orderId)).GetProperty("commission").GetInt64());
        var all = await EntriesAsync(orderId);
        Assert.Equal(17_980, all.Where(e => e.Kind == "refund" && e.Credit == "gateway").Sum(e => e.Amount));
        await AssertLedgerHoldsAsync(admin);
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
