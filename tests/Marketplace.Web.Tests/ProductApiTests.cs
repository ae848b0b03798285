using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Demo.Imaging;

namespace Marketplace.Web.Tests;

[Collection(WebCollection.Name)]
public sealed class ProductApiTests(WebFixture fixture)
{
    private readonly HttpClient http = fixture.CreateClient();

    [Fact]
    public async Task The_owner_edits_with_the_current_etag_and_a_stale_one_gets_412_changing_nothing()
    {
        var sellerId = await http.CreateStoreAsync();
        var productId = await http.CreateProductAsync(sellerId);
        var etag = (await http.GetAsync($"/api/products/{productId}")).Headers.ETag!.Tag;

        var edited = await PutAsync(productId, Edited("Café de Colombia, tueste medio", price: 9490), etag);
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.Equal("\"2\"", edited.Headers.ETag!.Tag);
        var body = await edited.ReadJsonAsync();
        Assert.Equal(9490, body.GetProperty("price").GetInt64());
        Assert.Equal("Huila", body.GetProperty("attributes").GetProperty("origin").GetString());
        // Existing SKUs keep their stock; the new one starts with what the edit gave it.
        Assert.Equal([20, 5, 7], body.GetProperty("variants").EnumerateArray().Select(v => v.GetProperty("available").GetInt32()));

        var stale = await PutAsync(productId, Edited("Overwritten", price: 1), etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("version-mismatch", (await stale.ReadJsonAsync()).GetProperty("code").GetString());
        var missing = await PutAsync(productId, Edited("Overwritten", price: 1), ifMatch: null);
        Assert.Equal(HttpStatusCode.PreconditionRequired, missing.StatusCode);

        var current = await (await http.GetAsync($"/api/products/{productId}")).ReadJsonAsync();
        Assert.Equal("Café de Colombia, tueste medio", current.GetProperty("title").GetString());
        Assert.Equal(2, current.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Only_the_owner_edits_archives_or_uploads()
    {
        var sellerId = await http.CreateStoreAsync();
        var productId = await http.CreateProductAsync(sellerId);
        using var other = fixture.CreateClient();
        await other.CreateStoreAsync("Another store");
        using var anonymous = fixture.CreateClient();

        foreach (var client in new[] { other, anonymous })
        {
            var put = await PutAsync(productId, Edited("Mine now", price: 1), "\"1\"", client);
            var delete = await client.DeleteAsync($"/api/products/{productId}");
            var upload = await client.PostAsync($"/api/products/{productId}/images", Png(8, 8));
            Assert.All(new[] { put, delete, upload }, r =>
                Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized }));
        }

        var product = await (await http.GetAsync($"/api/products/{productId}")).ReadJsonAsync();
        Assert.Equal("Café de Colombia", product.GetProperty("title").GetString());
        Assert.Equal("published", product.GetProperty("status").GetString());
        Assert.Equal(0, product.GetProperty("images").GetArrayLength());
    }

    [Fact]
    public async Task Drafts_and_archived_products_are_not_public()
    {
        var sellerId = await http.CreateStoreAsync();
        var productId = await http.CreateProductAsync(sellerId, ApiClient.Product(status: "draft"));
        using var anonymous = fixture.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/products/{productId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/products/{productId}")).StatusCode);
        var published = await PutAsync(productId, Edited("Café de Colombia", price: 8990, status: "published"), "\"1\"");
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/api/products/{productId}")).StatusCode);
        Assert.Equal(1, (await (await anonymous.GetAsync($"/api/sellers/{sellerId}/products")).ReadJsonAsync()).GetProperty("total").GetInt32());

        var archived = await http.DeleteAsync($"/api/products/{productId}");
        Assert.Equal(HttpStatusCode.OK, archived.StatusCode);
        Assert.Equal("archived", (await archived.ReadJsonAsync()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await http.DeleteAsync($"/api/products/{productId}")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/products/{productId}")).StatusCode);
        Assert.Equal(0, (await (await anonymous.GetAsync($"/api/sellers/{sellerId}/products")).ReadJsonAsync()).GetProperty("total").GetInt32());
        Assert.Equal("archived", (await (await http.GetAsync($"/api/products/{productId}")).ReadJsonAsync()).GetProperty("status").GetString());
    }

    public static TheoryData<string, string> BadProducts => new()
    {
        { "negative price", """{"title":"T","category":"coffee","currency":"CLP","price":-1,"variants":[{"sku":"A"}]}""" },
        { "unknown currency", """{"title":"T","category":"coffee","currency":"XYZ","price":1,"variants":[{"sku":"A"}]}""" },
        { "price as text", """{"title":"T","category":"coffee","currency":"CLP","price":"5","variants":[{"sku":"A"}]}""" },
        { "10,000 variants", $$"""{"title":"T","category":"coffee","currency":"CLP","price":1,"variants":[{{string.Join(",", Enumerable.Range(0, 10_000).Select(i => $$"""{"sku":"S{{i}}"}"""))}}]}""" },
        { "2 MB title", $$"""{"title":"{{new string('x', 2 * 1024 * 1024)}}","category":"coffee","currency":"CLP","price":1,"variants":[{"sku":"A"}]}""" },
        { "too many attributes", """{"title":"T","category":"coffee","currency":"CLP","price":1,"variants":[{"sku":"A"}],"attributes":{""" +
            string.Join(",", Enumerable.Range(0, 40).Select(i => $"\"a{i}\":\"v\"")) + "}}" },
    };

    [Theory]
    [MemberData(nameof(BadProducts))]
    public async Task Bad_product_edits_get_problem_details_and_change_nothing(string why, string json)
    {
        var sellerId = await http.CreateStoreAsync();
        var productId = await http.CreateProductAsync(sellerId);

        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/products/{productId}")
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        var response = await http.SendAsync(request);

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{why}: {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var product = await (await http.GetAsync($"/api/products/{productId}")).ReadJsonAsync();
        Assert.Equal(1, product.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task An_uploaded_image_is_checked_by_content_stored_and_served_with_caching_headers()
    {
        var sellerId = await http.CreateStoreAsync();
        var productId = await http.CreateProductAsync(sellerId);

        var uploaded = await http.PostAsync($"/api/products/{productId}/images", Png(64, 48));
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var image = (await uploaded.ReadJsonAsync()).GetProperty("images")[0];
        Assert.Equal((64, 48), (image.GetProperty("width").GetInt32(), image.GetProperty("height").GetInt32()));
        Assert.Equal("image/png", image.GetProperty("contentType").GetString());
        var url = image.GetProperty("url").GetString()!;
        Assert.Equal(uploaded.Headers.Location!.OriginalString, url);

        using var anonymous = fixture.CreateClient();
        var served = await anonymous.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("image/png", served.Content.Headers.ContentType!.MediaType);
        Assert.Contains("immutable", served.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        Assert.Equal(await Png(64, 48).ReadAsByteArrayAsync(), await served.Content.ReadAsByteArrayAsync());
        using var conditional = new HttpRequestMessage(HttpMethod.Get, url);
        conditional.Headers.IfNoneMatch.Add(served.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await anonymous.SendAsync(conditional)).StatusCode);

        // Multipart works too, and the same picture twice is one image.
        using var form = new MultipartFormDataContent { { Png(64, 48), "file", "photo.png" } };
        var again = await http.PostAsync($"/api/products/{productId}/images", form);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(1, (await again.ReadJsonAsync()).GetProperty("images").GetArrayLength());
    }

    [Fact]
    public async Task Files_that_are_not_images_or_too_large_are_refused()
    {
        var sellerId = await http.CreateStoreAsync();
        var productId = await http.CreateProductAsync(sellerId);

        var text = new ByteArrayContent("<html>not a picture</html>"u8.ToArray());
        text.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var wrongType = await http.PostAsync($"/api/products/{productId}/images", text);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        Assert.Equal("unsupported-image", (await wrongType.ReadJsonAsync()).GetProperty("code").GetString());

        var huge = new ByteArrayContent(new byte[6 * 1024 * 1024]);
        huge.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        var tooLarge = await http.PostAsync($"/api/products/{productId}/images", huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);

        Assert.Equal(0, (await (await http.GetAsync($"/api/products/{productId}")).ReadJsonAsync()).GetProperty("images").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/media/" + new string('a', 64) + ".png")).StatusCode);
    }

    [Fact]
    public async Task Public_reads_answer_any_origin_without_credentials_and_writes_do_not()
    {
        using var anonymous = fixture.CreateClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/search?q=cafe");
        preflight.Headers.Add("Origin", "https://directory.example");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        var answer = await anonymous.SendAsync(preflight);
        Assert.Equal("*", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Credentials"));

        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/search?q=cafe");
        get.Headers.Add("Origin", "https://directory.example");
        var response = await anonymous.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());

        using var write = new HttpRequestMessage(HttpMethod.Options, "/api/sellers");
        write.Headers.Add("Origin", "https://directory.example");
        write.Headers.Add("Access-Control-Request-Method", "POST");
        Assert.False((await anonymous.SendAsync(write)).Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static object Edited(string title, long price, string status = "published") => new
    {
        title,
        description = "Medium roast",
        category = "coffee",
        currency = "CLP",
        price,
        status,
        attributes = new Dictionary<string, string> { ["origin"] = "Huila" },
        variants = new object[]
        {
            new { sku = "CAFE-250", options = new { size = "250 g" }, stock = 999 },
            new { sku = "CAFE-1K", options = new { size = "1 kg" }, price = 29990 },
            new { sku = "CAFE-2K", options = new { size = "2 kg" }, price = 54990, stock = 7 },
        },
    };

    private Task<HttpResponseMessage> PutAsync(string productId, object body, string? ifMatch, HttpClient? client = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/products/{productId}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }

        return (client ?? http).SendAsync(request);
    }

    internal static ByteArrayContent Png(int width, int height)
    {
        var content = new ByteArrayContent(PngWriter.Encode(width, height, (x, y) => ((byte)(x * 4), (byte)(y * 5), 120)));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return content;
    }
}
