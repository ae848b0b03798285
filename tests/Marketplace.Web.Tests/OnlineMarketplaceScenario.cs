using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.OnlineMarketplace.Contracts;
using Marketplace.ServiceDefaults;
using Marketplace.ServiceDefaults.Modules;
using Marketplace.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Web.Tests;

/// <summary>
/// What the benchmark tests share: the driver's rows and requests in its casing, and reads of what a checkout left behind.
/// </summary>
public abstract class OnlineMarketplaceScenario(OnlineMarketplaceFixture fixture)
{
    protected const int Stock = 50;

    protected OnlineMarketplaceFixture Fixture => fixture;

    protected static void AssertAddsUp(int seller, JsonElement dashboard)
    {
        var view = dashboard.GetProperty("sellerView");
        var entries = dashboard.GetProperty("orderEntries").EnumerateArray().ToList();
        Assert.Equal(seller, view.GetProperty("seller_id").GetInt32());
        Assert.Equal(entries.Select(e => e.GetProperty("order_id").GetString()).Distinct().Count(), view.GetProperty("count_orders").GetInt32());
        Assert.Equal(entries.Sum(e => e.GetProperty("quantity").GetInt32()), view.GetProperty("count_items").GetInt32());
        Assert.Equal(entries.Sum(e => e.GetProperty("total_amount").GetDecimal()), view.GetProperty("total_amount").GetDecimal());
        Assert.Equal(entries.Sum(e => e.GetProperty("freight_value").GetDecimal()), view.GetProperty("total_freight").GetDecimal());
        Assert.Equal(entries.Sum(e => e.GetProperty("total_invoice").GetDecimal()), view.GetProperty("total_invoice").GetDecimal());
        Assert.All(entries, e => Assert.Contains(e.GetProperty("order_status").GetString(), new[] { "paid", "shipped" }));
    }

    /// <summary>Ingests fresh sellers (5 products each, <see cref="Stock"/> units) and customers; answers the first ids.</summary>
    protected async Task<(int Seller, int Customer)> IngestAsync(HttpClient http, int sellers = 1, int customers = 1)
    {
        var first = fixture.NewSellerIds(Math.Max(sellers, customers));
        foreach (var row in Dataset(first, sellers, productsPerSeller: 5, customers: Enumerable.Range(first, customers)))
        {
            using var response = await SendAsync(http, HttpMethod.Post, row.Path, row.Body);
            Assert.True(response.IsSuccessStatusCode, $"{row.Path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return (first, first);
    }

    protected static IEnumerable<(string Path, string Body)> Dataset(int firstSeller, int sellers, int productsPerSeller, IEnumerable<int> customers)
    {
        for (var s = firstSeller; s < firstSeller + sellers; s++)
        {
            yield return ("/om/seller", SellerRow(s));
            for (var p = 1; p <= productsPerSeller; p++)
            {
                yield return ("/om/product", ProductRow(s, p));
                yield return ("/om/stock", Json(new
                {
                    seller_id = s, product_id = p, qty_available = Stock, qty_reserved = 0, order_count = 0, ytd = 3, data = "lorem", version = "0",
                }));
            }
        }

        foreach (var c in customers)
        {
            yield return ("/om/customer", Json(new
            {
                id = c, first_name = "Ana", last_name = $"Cliente {c}", address = "Rua das Flores 12", complement = "ap 3",
                birth_date = "1990-01-01", zip_code = "01000-000", city = "São Paulo", state = "SP", card_number = "4111111111111111",
                card_security_number = "123", card_expiration = "1228", card_holder_name = "ANA", card_type = "VISA",
                success_payment_count = 0, failed_payment_count = 0, delivery_count = 0, abandoned_cart_count = 0, data = "",
            }));
        }
    }

    protected static string SellerRow(int s) => Json(new
    {
        id = s, name = $"Loja {s}", company_name = $"Loja {s} Ltda", email = $"loja{s}@example.com", phone = "11 5555-0000",
        mobile_phone = "11 99999-0000", cpf = "123.456.789-00", cnpj = "12.345.678/0001-00", address = "Av. Paulista 1000",
        complement = "sala 1", city = "São Paulo", state = "SP", zip_code = "01310-100", order_count = 0,
    });

    protected static string ProductRow(int s, int p, string version = "0") => Json(new
    {
        seller_id = s, product_id = p, name = $"Produto {s}-{p}", sku = $"SKU{s:D4}{p:D4}", category = "Health & Beauty",
        description = "Um produto.", price = PriceOf(s, p) / 100m, freight_value = 1.5m, version, status = "approved",
    });

    protected static long PriceOf(int seller, int product) => 1000 + (seller % 50) * 100 + product * 7;

    protected static string Item(int seller, int product, int quantity, string version) => Json(new
    {
        SellerId = seller, ProductId = product, ProductName = "x", UnitPrice = PriceOf(seller, product) / 100m, FreightValue = 1.5m,
        Quantity = quantity, Voucher = 0m, Version = version,
    });

    protected static async Task AddAsync(HttpClient http, int customer, int seller, int product, int quantity, string version = "0")
    {
        using var response = await SendAsync(http, HttpMethod.Patch, $"/om/cart/{customer}/add", Item(seller, product, quantity, version));
        Assert.True(response.IsSuccessStatusCode, $"add: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    protected static async Task<JsonElement> CheckoutJsonAsync(HttpClient http, int customer, string instanceId)
    {
        using var response = await CheckoutAsync(http, customer, instanceId);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"checkout: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    protected static Task<HttpResponseMessage> CheckoutAsync(HttpClient http, int customer, string instanceId, string card = "4111111111111111") =>
        SendAsync(http, HttpMethod.Post, $"/om/cart/{customer}/checkout", Json(new
        {
            CustomerId = customer, FirstName = "Ana", LastName = "Cliente", Street = "Rua das Flores 12", Complement = "ap 3",
            City = "São Paulo", State = "SP", ZipCode = "01000-000", PaymentType = "CREDIT_CARD", CardNumber = card,
            CardHolderName = "ANA", CardExpiration = "1228", CardSecurityNumber = "123", CardBrand = "VISA", Installments = 2, instanceId,
        }));

    /// <summary>The sandbox's test cards (Sandbox PaymentsApi): always declined, and charged with the answer lost.</summary>
    protected const string DeclinedCard = "4000000000000002";

    protected const string LostAnswerCard = "4000000000000119";

    protected async Task<List<string>> OrderIdsAsync(int customer) =>
        [.. (await OrdersOfAsync(customer)).Select(o => o.OrderId)];

    protected async Task<List<string>> OrderStatusesAsync(int customer) =>
        [.. (await OrdersOfAsync(customer)).Select(o => o.Status)];

    protected async Task<List<(string OrderId, string Status)>> OrdersOfAsync(int customer)
    {
        var orders = new List<(string, string)>();
        await using var command = fixture.Database.DataSource.CreateCommand(
            "SELECT order_id, status FROM order_listings WHERE buyer_id = $1 ORDER BY placed_at");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = OmKeys.CustomerUserId(customer) });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            orders.Add((reader.GetString(0), reader.GetString(1)));
        }

        return orders;
    }

    protected static async Task<int> AvailableAsync(HttpClient http, int seller, int product) =>
        (await http.GetFromJsonAsync<JsonElement>($"/api/products/{OmKeys.ProductId(seller, product)}"))
        .GetProperty("variants")[0].GetProperty("available").GetInt32();

    protected async Task<HttpClient> AdminAsync()
    {
        var http = fixture.CreateClient();
        http.UseToken(await http.LoginAsync(TestSecrets.AdminEmail, TestSecrets.AdminPassword));
        return http;
    }

    /// <summary>Exactly the property names given: the driver's casing, not the web defaults.</summary>
    protected static string Json(object value) => JsonSerializer.Serialize(value);

    protected static Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string json) =>
        http.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
}
