using System.Net;
using System.Net.Http.Json;

namespace Marketplace.Web.Tests;

[Collection(WebCollection.Name)]
public sealed class CatalogApiTests(WebFixture fixture)
{
    private readonly HttpClient http = fixture.CreateClient();

    [Fact]
    public async Task An_admin_creates_an_unclaimed_store_and_anyone_reads_it()
    {
        using var admin = await fixture.CreateAdminClientAsync();
        var created = await admin.PostAsJsonAsync("/api/sellers", new { name = "Café Ana", description = "Specialty coffee", requiresConfirmation = false, currency = "USD" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        var sellerId = body.GetProperty("sellerId").GetString()!;
        Assert.StartsWith("sel_", sellerId, StringComparison.Ordinal);
        Assert.Equal($"/api/sellers/{sellerId}", created.Headers.Location!.OriginalString);

        var read = await (await http.GetAsync($"/api/sellers/{sellerId}")).ReadJsonAsync();
        Assert.Equal("Café Ana", read.GetProperty("name").GetString());
        Assert.False(read.GetProperty("requiresConfirmation").GetBoolean());
        Assert.Equal("USD", read.GetProperty("currency").GetString());
        Assert.False(read.GetProperty("claimed").GetBoolean());
        Assert.Equal("active", read.GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_slice_end_to_end_create_product_read_stock_set_stock()
    {
        var sellerId = await http.CreateStoreAsync();

        var created = await http.PostAsJsonAsync($"/api/sellers/{sellerId}/products", ApiClient.Product(stock: 20));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var product = await created.ReadJsonAsync();
        var productId = product.GetProperty("productId").GetString()!;
        Assert.Equal($"{productId}/CAFE-250", product.GetProperty("variants")[0].GetProperty("skuId").GetString());

        var get = await http.GetAsync($"/api/products/{productId}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("\"1\"", get.Headers.ETag!.Tag);
        var detail = await get.ReadJsonAsync();
        Assert.Equal("published", detail.GetProperty("status").GetString());
        Assert.Equal("Café Ana", detail.GetProperty("sellerName").GetString());
        Assert.Equal(8990, detail.GetProperty("price").GetInt64());
        Assert.Equal("CLP", detail.GetProperty("currency").GetString());
        Assert.Equal(20, detail.GetProperty("variants")[0].GetProperty("available").GetInt32());
        Assert.Equal("250 g", detail.GetProperty("variants")[0].GetProperty("options").GetProperty("size").GetString());

        var stock = await http.PutAsJsonAsync($"/api/products/{productId}/stock", new { items = new[] { new { sku = "CAFE-250", onHand = 15 } } });
        Assert.Equal(HttpStatusCode.OK, stock.StatusCode);

        var after = await (await http.GetAsync($"/api/products/{productId}")).ReadJsonAsync();
        Assert.Equal(15, after.GetProperty("variants")[0].GetProperty("available").GetInt32());
        Assert.Equal(5, after.GetProperty("variants")[1].GetProperty("available").GetInt32());
    }

    [Fact]
    public async Task The_store_catalog_lists_published_products_only()
    {
        var sellerId = await http.CreateStoreAsync();
        var published = await http.CreateProductAsync(sellerId);
        await http.CreateProductAsync(sellerId, ApiClient.Product(status: "draft"));

        var page = await (await http.GetAsync($"/api/sellers/{sellerId}/products?page=1&pageSize=500")).ReadJsonAsync();

        Assert.Equal(1, page.GetProperty("total").GetInt32());
        Assert.Equal(100, page.GetProperty("pageSize").GetInt32());
        Assert.Equal(published, Assert.Single(page.GetProperty("items").EnumerateArray()).GetProperty("productId").GetString());
    }

    [Fact]
    public async Task A_create_retried_with_the_same_idempotency_key_answers_the_same_product()
    {
        var sellerId = await http.CreateStoreAsync();
        var key = Guid.NewGuid().ToString();

        async Task<HttpResponseMessage> PostAsync(object body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/sellers/{sellerId}/products") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", key);
            return await http.SendAsync(request);
        }

        var first = await (await PostAsync(ApiClient.Product())).ReadJsonAsync();
        var second = await PostAsync(ApiClient.Product());
        var reused = await PostAsync(ApiClient.Product(stock: 1));

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(first.GetProperty("productId").GetString(), (await second.ReadJsonAsync()).GetProperty("productId").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        var store = await (await http.GetAsync($"/api/sellers/{sellerId}")).ReadJsonAsync();
        Assert.Equal(1, store.GetProperty("productCount").GetInt32());
    }

    [Fact]
    public async Task Stores_can_be_updated()
    {
        var sellerId = await http.CreateStoreAsync();
        var response = await http.PutAsJsonAsync($"/api/sellers/{sellerId}", new { name = "Café Ana II", requiresConfirmation = false, currency = "CLP" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var store = await (await http.GetAsync($"/api/sellers/{sellerId}")).ReadJsonAsync();
        Assert.Equal("Café Ana II", store.GetProperty("name").GetString());
        Assert.Equal(2, store.GetProperty("version").GetInt32());
    }
}
