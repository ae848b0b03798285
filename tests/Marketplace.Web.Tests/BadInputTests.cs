using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Marketplace.Web.Tests;

/// <summary>Bad input gets a 4xx problem-details answer and changes nothing; never a 500.</summary>
[Collection(WebCollection.Name)]
public sealed class BadInputTests(WebFixture fixture)
{
    private readonly HttpClient http = fixture.CreateClient();

    public static TheoryData<string, string> MalformedStores => new()
    {
        { "{\"name\":", "truncated JSON" },
        { "{\"name\": 5}", "wrong type" },
        { "[1,2,3]", "array instead of object" },
        { "{\"name\": \"\"}", "empty name" },
        { "{\"name\": \"   \"}", "blank name" },
        { "{}", "missing name" },
        { "{\"name\": \"A\", \"currency\": \"usd\"}", "lowercase currency" },
        { "{\"name\": \"A\", \"currency\": \"XXX\"}", "unknown currency" },
        { "{\"name\": \"A\", \"requiresConfirmation\": \"yes\"}", "string for a boolean" },
        { "not json at all", "not JSON" },
    };

    [Theory]
    [MemberData(nameof(MalformedStores))]
    public async Task Malformed_store_requests_are_400_problem_details_and_change_nothing(string body, string because)
    {
        var sellerId = await http.CreateStoreAsync();
        var response = await http.PutAsync($"/api/sellers/{sellerId}", new StringContent(body, Encoding.UTF8, "application/json"));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, because);
        var store = await (await http.GetAsync($"/api/sellers/{sellerId}")).ReadJsonAsync();
        Assert.Equal("Café Ana", store.GetProperty("name").GetString());
        Assert.Equal(1, store.GetProperty("version").GetInt32());
    }

    public static TheoryData<string, string> MalformedProducts => new()
    {
        { """{"title":"T","category":"coffee","currency":"CLP","price":-5,"variants":[{"sku":"A","stock":1}]}""", "negative price" },
        { """{"title":"T","category":"coffee","currency":"CLP","price":5,"variants":[{"sku":"A","stock":-1}]}""", "negative stock" },
        { """{"title":"T","category":"coffee","currency":"CLP","price":5,"variants":[{"sku":"A","stock":99999999999}]}""", "stock overflowing an int" },
        { """{"title":"T","category":"coffee","currency":"CLP","price":5,"variants":[]}""", "no variants" },
        { """{"title":"T","category":"coffee","currency":"CLP","price":5,"variants":[{"sku":"A"},{"sku":"A"}]}""", "duplicate SKU" },
        { """{"title":"T","category":"coffee","currency":"CLP","price":5,"status":"archived","variants":[{"sku":"A"}]}""", "created archived" },
        { """{"title":"T","category":"coffee","currency":"CLP","price":5,"status":"sold","variants":[{"sku":"A"}]}""", "unknown status" },
        { """{"title":"T","category":"coffee","currency":"CLP","price":"5","variants":[{"sku":"A"}]}""", "price as a string" },
        { """{"title":"","category":"coffee","currency":"CLP","price":5,"variants":[{"sku":"A"}]}""", "empty title" },
        { """{"title":"T","category":"Not A Slug","currency":"CLP","price":5,"variants":[{"sku":"A"}]}""", "bad category" },
        { """{"title":"T","category":"coffee","currency":"CLP","price":5,"variants":[{"sku":"with space"}]}""", "bad SKU" },
    };

    [Theory]
    [MemberData(nameof(MalformedProducts))]
    public async Task Malformed_product_requests_are_400_and_create_nothing(string body, string because)
    {
        var sellerId = await http.CreateStoreAsync();
        var response = await http.PostAsync($"/api/sellers/{sellerId}/products", new StringContent(body, Encoding.UTF8, "application/json"));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, because);
        var store = await (await http.GetAsync($"/api/sellers/{sellerId}")).ReadJsonAsync();
        Assert.Equal(0, store.GetProperty("productCount").GetInt32());
    }

    [Fact]
    public async Task A_huge_payload_is_413_and_creates_nothing()
    {
        var sellerId = await http.CreateStoreAsync();
        var huge = "{\"title\":\"" + new string('x', 2 * 1024 * 1024) + "\",\"category\":\"coffee\",\"currency\":\"CLP\",\"price\":1,\"variants\":[{\"sku\":\"A\"}]}";
        var response = await http.PostAsync($"/api/sellers/{sellerId}/products", new StringContent(huge, Encoding.UTF8, "application/json"));
        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "2 MB title");
        var store = await (await http.GetAsync($"/api/sellers/{sellerId}")).ReadJsonAsync();
        Assert.Equal(0, store.GetProperty("productCount").GetInt32());
    }

    [Fact]
    public async Task Ten_thousand_variants_are_refused()
    {
        var sellerId = await http.CreateStoreAsync();
        var variants = Enumerable.Range(0, 10_000).Select(i => new { sku = $"S{i}", stock = 1 }).ToArray();
        var response = await http.PostAsJsonAsync($"/api/sellers/{sellerId}/products", new { title = "T", category = "c", currency = "CLP", price = 1, variants });
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, $"got {response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/api/sellers/sel_00000000000000000000000000")]
    [InlineData("/api/sellers/not-an-id")]
    [InlineData("/api/sellers/12345")]
    [InlineData("/api/products/prd_00000000000000000000000000")]
    [InlineData("/api/products/%20")]
    [InlineData("/api/sellers/sel_00000000000000000000000000/products")]
    [InlineData("/api/no-such-route")]
    public async Task Unknown_ids_and_routes_are_404_problem_details(string path)
    {
        var response = await http.GetAsync(path);
        await AssertProblemAsync(response, HttpStatusCode.NotFound, path);
    }

    [Fact]
    public async Task Writes_to_unknown_ids_are_404_or_403_for_someone_elses_store()
    {
        await http.CreateStoreAsync();
        var stock = await http.PutAsJsonAsync("/api/products/prd_00000000000000000000000000/stock", new { items = new[] { new { sku = "A", onHand = 1 } } });
        await AssertProblemAsync(stock, HttpStatusCode.NotFound, "stock of unknown product");
        var product = await http.PostAsJsonAsync("/api/sellers/sel_00000000000000000000000000/products", ApiClient.Product());
        await AssertProblemAsync(product, HttpStatusCode.Forbidden, "product in a store the seller does not act for");
    }

    [Fact]
    public async Task Stock_for_an_unknown_sku_or_negative_units_changes_nothing()
    {
        var sellerId = await http.CreateStoreAsync();
        var productId = await http.CreateProductAsync(sellerId);

        var unknown = await http.PutAsJsonAsync($"/api/products/{productId}/stock", new { items = new[] { new { sku = "CAFE-250", onHand = 1 }, new { sku = "NOPE", onHand = 1 } } });
        var negative = await http.PutAsJsonAsync($"/api/products/{productId}/stock", new { items = new[] { new { sku = "CAFE-250", onHand = -4 } } });
        var empty = await http.PutAsJsonAsync($"/api/products/{productId}/stock", new { items = Array.Empty<object>() });

        await AssertProblemAsync(unknown, HttpStatusCode.BadRequest, "unknown SKU");
        var problem = await unknown.ReadJsonAsync();
        Assert.True(problem.GetProperty("errors").TryGetProperty("items[1].sku", out _), problem.ToString());
        await AssertProblemAsync(negative, HttpStatusCode.BadRequest, "negative units");
        await AssertProblemAsync(empty, HttpStatusCode.BadRequest, "no items");
        var detail = await (await http.GetAsync($"/api/products/{productId}")).ReadJsonAsync();
        Assert.Equal(20, detail.GetProperty("variants")[0].GetProperty("available").GetInt32());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415()
    {
        var sellerId = await http.CreateStoreAsync();
        var response = await http.PostAsync($"/api/sellers/{sellerId}/products", new StringContent("name=x", Encoding.UTF8, "application/x-www-form-urlencoded"));
        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "form body");
    }

    [Fact]
    public async Task A_bad_idempotency_key_is_400()
    {
        var sellerId = await http.CreateStoreAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/sellers/{sellerId}/products") { Content = JsonContent.Create(ApiClient.Product()) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", new string('k', 500));
        await AssertProblemAsync(await http.SendAsync(request), HttpStatusCode.BadRequest, "500-character key");
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected, string because)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{because}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("title", out _), text);
        Assert.True(problem.TryGetProperty("requestId", out _), text);
    }
}
