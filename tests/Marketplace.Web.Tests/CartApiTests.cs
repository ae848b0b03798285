using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Testing;

namespace Marketplace.Web.Tests;

[Collection(WebCollection.Name)]
public sealed class CartApiTests(WebFixture fixture)
{
    [Fact]
    public async Task A_guest_fills_a_cart_split_by_store_and_changes_it()
    {
        using var seller = fixture.CreateClient();
        var ana = await seller.CreateStoreAsync("Café Ana");
        var coffee = await seller.CreateProductAsync(ana);
        var sur = await seller.CreateStoreAsync("Tejidos del Sur");
        var scarf = await seller.CreateProductAsync(sur);

        using var guest = await GuestAsync();
        (await guest.PostAsJsonAsync("/api/cart/items", new { productId = coffee, sku = "CAFE-250", quantity = 2 })).EnsureSuccessStatusCode();
        (await guest.PostAsJsonAsync("/api/cart/items", new { productId = scarf, sku = "CAFE-1K", quantity = 1 })).EnsureSuccessStatusCode();
        var cart = await (await guest.PatchAsJsonAsync($"/api/cart/items/{coffee}/CAFE-250", new { quantity = 3 })).ReadJsonAsync();

        Assert.Equal(4, cart.GetProperty("items").GetInt32());
        var sellers = cart.GetProperty("sellers").EnumerateArray().ToDictionary(s => s.GetProperty("sellerName").GetString()!);
        Assert.Equal(3 * 8990, sellers["Café Ana"].GetProperty("subtotal").GetInt64());
        Assert.Equal(29990, sellers["Tejidos del Sur"].GetProperty("subtotal").GetInt64());
        var line = sellers["Café Ana"].GetProperty("lines")[0];
        Assert.Equal(("Café de Colombia", 3, 8990L, false), (line.GetProperty("title").GetString(), line.GetProperty("quantity").GetInt32(),
            line.GetProperty("unitPrice").GetInt64(), line.GetProperty("priceChanged").GetBoolean()));

        cart = await (await guest.DeleteAsync($"/api/cart/items/{scarf}/CAFE-1K")).ReadJsonAsync();
        Assert.Equal(["Café Ana"], cart.GetProperty("sellers").EnumerateArray().Select(s => s.GetProperty("sellerName").GetString()));
        Assert.Equal(3, (await guest.GetFromJsonAsync<JsonElement>("/api/cart")).GetProperty("items").GetInt32());
    }

    [Theory]
    [InlineData("""{"productId":"prd_doesnotexist00000000000000","sku":"A","quantity":1}""", HttpStatusCode.NotFound)]
    [InlineData("""{"productId":"not-an-id","sku":"A","quantity":1}""", HttpStatusCode.NotFound)]
    [InlineData("""{"productId":"{product}","sku":"NOPE","quantity":1}""", HttpStatusCode.NotFound)]
    [InlineData("""{"productId":"{product}","sku":"CAFE-250","quantity":0}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"productId":"{product}","sku":"CAFE-250","quantity":1000}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"productId":"{product}","sku":"CAFE-250","quantity":"2"}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"productId":"{product}","sku":"CAFE-250"}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"productId":"{draft}","sku":"CAFE-250","quantity":1}""", HttpStatusCode.BadRequest)]
    public async Task Bad_cart_items_get_a_problem_and_change_nothing(string body, HttpStatusCode expected)
    {
        using var seller = fixture.CreateClient();
        var store = await seller.CreateStoreAsync();
        var product = await seller.CreateProductAsync(store);
        var draft = await seller.CreateProductAsync(store, ApiClient.Product(status: "draft"));

        using var guest = await GuestAsync();
        var response = await guest.PostAsync("/api/cart/items", new StringContent(
            body.Replace("{product}", product, StringComparison.Ordinal).Replace("{draft}", draft, StringComparison.Ordinal),
            System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, (await guest.GetFromJsonAsync<JsonElement>("/api/cart")).GetProperty("items").GetInt32());
    }

    [Fact]
    public async Task Signing_in_moves_the_guest_cart_into_the_account()
    {
        using var seller = fixture.CreateClient();
        var product = await seller.CreateProductAsync(await seller.CreateStoreAsync());
        using var device = await GuestAsync();
        var guestToken = device.DefaultRequestHeaders.Authorization!.Parameter!;
        (await device.PostAsJsonAsync("/api/cart/items", new { productId = product, sku = "CAFE-250", quantity = 2 })).EnsureSuccessStatusCode();

        device.UseToken(null);
        var account = await device.RegisterAsync();
        device.UseToken(account.AccessToken);
        Assert.Equal(HttpStatusCode.BadRequest, (await device.PostAsJsonAsync("/api/cart/merge", new { guestToken = guestToken + "x" })).StatusCode);
        var cart = await (await device.PostAsJsonAsync("/api/cart/merge", new { guestToken })).ReadJsonAsync();

        Assert.Equal(2, cart.GetProperty("items").GetInt32());
        Assert.Equal(2, (await device.GetFromJsonAsync<JsonElement>("/api/cart")).GetProperty("items").GetInt32());
        device.UseToken(guestToken);
        Assert.Equal(0, (await device.GetFromJsonAsync<JsonElement>("/api/cart")).GetProperty("items").GetInt32());
    }

    private async Task<HttpClient> GuestAsync()
    {
        var http = fixture.CreateClient();
        var guest = await (await http.PostAsync("/api/auth/guest", null)).ReadJsonAsync();
        http.UseToken(guest.GetProperty("accessToken").GetString());
        return http;
    }
}
