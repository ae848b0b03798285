using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.Testing;

namespace Marketplace.Web.Tests;

/// <summary>
/// Text PostgreSQL cannot keep (U+0000, unpaired surrogates) is refused at the edge with a 400 naming the field,
/// wherever it comes in — JSON bodies, query values, form fields — and nothing is stored. (A path that decodes to a
/// NUL never reaches the app: the server itself answers 400, and the in-memory test server cannot even send one.)
/// </summary>
[Collection(WebCollection.Name)]
public sealed class UnstorableInputTests(WebFixture fixture)
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Signing_in_with_a_nul_email_is_a_400_naming_the_field()
    {
        using var http = fixture.CreateClient();
        var response = await http.PostAsync("/api/auth/login", Json("""{"email":"\u0000","password":"whatever-it-is"}"""));
        await AssertRefusedAsync(response, "email");
    }

    [Fact]
    public async Task Registering_with_a_nul_in_the_email_or_name_creates_no_account()
    {
        using var http = fixture.CreateClient();
        var email = ApiClient.NewEmail("nul");
        var nulEmail = email.Replace("@", "\\u0000@", StringComparison.Ordinal);
        await AssertRefusedAsync(await http.PostAsync("/api/auth/register",
            Json($$"""{"email":"{{nulEmail}}","password":"{{TestSecrets.Password}}","displayName":"Ana","role":"shopper"}""")), "email");
        await AssertRefusedAsync(await http.PostAsync("/api/auth/register",
            Json($$"""{"email":"{{email}}","password":"{{TestSecrets.Password}}","displayName":"An\ud800a","role":"shopper"}""")), "displayName");

        // Neither attempt left an account behind: the address is still free to register.
        var account = await http.RegisterAsync(email: email);
        Assert.Equal(email, account.Email);
    }

    [Fact]
    public async Task A_product_with_a_nul_in_its_title_or_attributes_is_not_created()
    {
        using var http = fixture.CreateClient();
        var sellerId = await http.CreateStoreAsync();
        const string variants = "\"variants\":[{\"sku\":\"A-1\",\"stock\":1}]";
        await AssertRefusedAsync(await http.PostAsync($"/api/sellers/{sellerId}/products",
            Json($$"""{"title":"Caf\u0000e","category":"coffee","currency":"CLP","price":5,{{variants}}}""")), "title");
        await AssertRefusedAsync(await http.PostAsync($"/api/sellers/{sellerId}/products",
            Json($$"""{"title":"Cafe","category":"coffee","currency":"CLP","price":5,"attributes":{"ori\u0000gin":"CO"},{{variants}}}""")),
            "attributes.ori\\u0000gin");
        await AssertRefusedAsync(await http.PostAsync($"/api/sellers/{sellerId}/products",
            Json("""{"title":"Cafe","category":"coffee","currency":"CLP","price":5,"variants":[{"sku":"A-1","stock":1,"options":{"size":"\u0000"}}]}""")),
            "variants[0].options.size");

        var products = await (await http.GetAsync($"/api/sellers/{sellerId}/products")).ReadJsonAsync();
        Assert.Equal(0, products.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task The_cart_refuses_a_nul_product_id_or_sku_and_stays_empty()
    {
        using var http = fixture.CreateClient();
        var guest = await (await http.PostAsync("/api/auth/guest", null)).ReadJsonAsync();
        http.UseToken(guest.GetProperty("accessToken").GetString());

        await AssertRefusedAsync(await http.PostAsync("/api/cart/items", Json("""{"productId":"prd_\u0000","sku":"A","quantity":1}""")), "productId");
        await AssertRefusedAsync(await http.PostAsync("/api/cart/items", Json("""{"productId":"prd_1","sku":"\ud800","quantity":1}""")), "sku");

        var cart = await (await http.GetAsync("/api/cart")).ReadJsonAsync();
        Assert.Equal(0, cart.GetProperty("items").GetInt32());
    }

    [Fact]
    public async Task A_question_with_a_nul_is_not_asked()
    {
        using var http = fixture.CreateClient();
        var sellerId = await http.CreateStoreAsync();
        var productId = await http.CreateProductAsync(sellerId);
        http.UseToken((await http.RegisterAsync()).AccessToken);

        await AssertRefusedAsync(await http.PostAsync($"/api/products/{productId}/questions", Json("""{"text":"Is it \u0000 whole bean?"}""")), "text");

        var questions = await (await http.GetAsync($"/api/products/{productId}/questions")).ReadJsonAsync();
        Assert.Equal(0, questions.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Search_refuses_a_nul_in_the_query_string()
    {
        using var http = fixture.CreateClient();
        await AssertRefusedAsync(await http.GetAsync("/api/search?q=caf%00e"), "q");
        await AssertRefusedAsync(await http.GetAsync("/api/search?q=cafe&category=%00"), "category");
        // Invalid UTF-8 in a query value is decoded to U+FFFD, which can be stored: an ordinary, empty search.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/search?q=%ED%A0%80")).StatusCode);
    }

    [Fact]
    public async Task The_directory_cannot_create_a_store_with_a_nul_in_its_name()
    {
        using var admin = await fixture.CreateAdminClientAsync();
        var key = await (await admin.PostAsJsonAsync("/api/admin/api-keys", new { name = "Nul test", scopes = new[] { "directory" } })).ReadJsonAsync();
        using var directory = fixture.CreateClient();
        directory.DefaultRequestHeaders.Add("X-Api-Key", key.GetProperty("apiKey").GetString());
        var externalId = "nul-" + Guid.NewGuid().ToString("N");

        await AssertRefusedAsync(await directory.PutAsync($"/api/integrations/directory/sellers/{externalId}", Json("""{"name":"Ferreter\u0000ía"}""")),
            "name");

        // The id is still unused: the first good upsert creates the store.
        var created = await directory.PutAsync($"/api/integrations/directory/sellers/{externalId}", Json("""{"name":"Ferretería"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task A_page_form_with_a_nul_is_refused_before_the_page_reads_it()
    {
        using var http = fixture.Factory.CreateClient(new() { AllowAutoRedirect = false });
        // URL-encoded: ASP.NET Core's form reader refuses the NUL itself, without naming the field.
        var encoded = await http.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = "ana\0@example.com",
            ["Password"] = "whatever",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, encoded.StatusCode);
        Assert.Equal("application/problem+json", encoded.Content.Headers.ContentType?.MediaType);
        Assert.Equal("unreadable-form", (await encoded.ReadJsonAsync()).GetProperty("code").GetString());

        // Multipart: read as it came, and the field is named.
        using var multipart = new MultipartFormDataContent
        {
            { new StringContent("ana\0@example.com"), "Email" },
            { new StringContent("whatever"), "Password" },
        };
        await AssertRefusedAsync(await http.PostAsync("/account/login", multipart), "Email");
    }

    [Fact]
    public async Task Lone_surrogates_in_json_are_refused_like_nul()
    {
        using var http = fixture.CreateClient();
        var sellerId = await http.CreateStoreAsync();
        var response = await http.PutAsync($"/api/sellers/{sellerId}", Json("""{"name":"Caf\udc00e"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var store = await (await http.GetAsync($"/api/sellers/{sellerId}")).ReadJsonAsync();
        Assert.Equal("Café Ana", store.GetProperty("name").GetString());
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400 for '{field}', got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.True(problem.TryGetProperty("errors", out var errors), text);
        Assert.True(errors.TryGetProperty(field, out _), $"the problem names no field '{field}': {text}");
    }
}
