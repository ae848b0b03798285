using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Contracts.Insights;
using Marketplace.Testing;
using Marketplace.Web.Insights;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Web.Tests.ShopSteps;

namespace Marketplace.Web.Tests;

/// <summary>
/// Recommendations over HTTP after real purchases: bought together, similar (also for a product nobody bought), for
/// you, for the cart, and what is never recommended.
/// </summary>
[Collection(OrdersWebCollection.Name)]
public sealed class RecommendationTests(OrdersWebFixture fixture)
{
    [Fact]
    public async Task Recommendations_follow_purchases_and_never_offer_what_cannot_or_should_not_be_bought()
    {
        var word = "Rec" + Guid.NewGuid().ToString("N")[..8];
        using var store = fixture.CreateClient();
        var sellerId = await OpenStoreAsync(store, "Recomienda Uno");
        var a = await store.CreateProductAsync(sellerId, Product($"Cafetera {word} italiana", "kitchen", 19_990));
        var b = await store.CreateProductAsync(sellerId, Product($"Molinillo {word} manual", "kitchen", 24_990));
        var c = await store.CreateProductAsync(sellerId, Product($"Filtros {word} de papel", "kitchen", 2_990));
        var e = await store.CreateProductAsync(sellerId, Product($"Taza {word} edición limitada", "kitchen", 9_990, stock: 1));
        using var other = fixture.CreateClient();
        var otherId = await OpenStoreAsync(other, "Recomienda Dos");
        var f = await other.CreateProductAsync(otherId, Product($"Café {word} de grano", "coffee", 8_990));

        // Buyer 1 takes a, b, the last e, and f (another store); buyer 2 takes a and c.
        var (buyer1, _) = await ShopperAsync(fixture);
        foreach (var product in new[] { a, b, e })
        {
            await AddAsync(buyer1, product, "SKU-1", 1);
        }

        await AddAsync(buyer1, f, "SKU-1", 1);
        await BuyAllAsync(buyer1);
        var (buyer2, _) = await ShopperAsync(fixture);
        await AddAsync(buyer2, a, "SKU-1", 1);
        await AddAsync(buyer2, c, "SKU-1", 1);
        await BuyAllAsync(buyer2);

        await fixture.Client.GetGrain<IWarehouseGrain>(0).Run();
        await fixture.Factory.Services.GetRequiredService<RecommendationFeed>().RefreshAsync(TestContext.Current.CancellationToken);

        // Anyone: a's customers also bought b, c and f; e sold out, so it is not offered.
        using var anonymous = fixture.CreateClient();
        Assert.Equal(new[] { b, c, f }.Order(), (await ItemsAsync(anonymous, $"/api/products/{a}/recommendations?kind=boughtTogether")).Order());

        // Buyer 1 already has b and f: only c is left for them.
        Assert.Equal([c], await ItemsAsync(buyer1, $"/api/products/{a}/recommendations"));

        // A suspended store's products are not offered.
        using (var admin = fixture.CreateClient())
        {
            admin.UseToken(await admin.LoginAsync(TestSecrets.AdminEmail, TestSecrets.AdminPassword));
            (await admin.PostAsJsonAsync($"/api/admin/stores/{otherId}/suspend", new { reason = "Recommendation test" })).EnsureSuccessStatusCode();
        }

        var afterSuspension = await EventuallyAsync(anonymous, $"/api/products/{a}/recommendations", r => Ids(r).Count == 2);
        Assert.Equal(new[] { b, c }.Order(), Ids(afterSuspension).Order());

        // A product nobody bought has nothing bought with it, but similar products (same category and words).
        var fresh = await store.CreateProductAsync(sellerId, Product($"Cafetera {word} eléctrica", "kitchen", 21_990));
        Assert.Empty(await ItemsAsync(anonymous, $"/api/products/{fresh}/recommendations?kind=boughtTogether"));
        var similar = await EventuallyAsync(anonymous, $"/api/products/{fresh}/recommendations?kind=similar", r => Ids(r).Count > 0);
        Assert.Equal(a, Ids(similar)[0]);
        Assert.DoesNotContain(fresh, Ids(similar));
        Assert.DoesNotContain(e, Ids(similar));

        // For buyer 2 (a and c): b, which a's other customer bought; never what they bought themselves.
        var forYou = await ItemsAsync(buyer2, "/api/recommendations/for-you");
        Assert.Equal(b, forYou[0]);
        Assert.DoesNotContain(a, forYou);
        Assert.DoesNotContain(c, forYou);

        // A new shopper with a in the cart: what goes with a, not a itself.
        var (shopper, _) = await ShopperAsync(fixture);
        await AddAsync(shopper, a, "SKU-1", 1);
        Assert.Equal(new[] { b, c }.Order(), (await ItemsAsync(shopper, "/api/cart/recommendations")).Order());

        using var bad = await anonymous.GetAsync($"/api/products/{a}/recommendations?kind=everything");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var unknown = await anonymous.GetAsync("/api/products/not-a-product/recommendations");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var forNobody = await anonymous.GetAsync("/api/recommendations/for-you");
        Assert.Equal(HttpStatusCode.Unauthorized, forNobody.StatusCode);
    }

    private static object Product(string title, string category, long price, int stock = 20) => new
    {
        title, description = "Para probar recomendaciones", category, currency = "CLP", price, status = "published",
        variants = new object[] { new { sku = "SKU-1", options = new { size = "única" }, price, stock } },
    };

    private static async Task<string> OpenStoreAsync(HttpClient http, string name)
    {
        var owner = await http.RegisterAsync("seller", name);
        http.UseToken(owner.AccessToken);
        (await http.PutAsJsonAsync($"/api/sellers/{owner.SellerId}", new { name, requiresConfirmation = false })).EnsureSuccessStatusCode();
        return owner.SellerId!;
    }

    private static async Task BuyAllAsync(HttpClient shopper)
    {
        using var placed = await CheckoutAsync(shopper, Guid.NewGuid().ToString("N"));
        placed.EnsureSuccessStatusCode();
        foreach (var order in (await placed.ReadJsonAsync()).GetProperty("orders").EnumerateArray())
        {
            await PayAsync(shopper, order.GetProperty("orderId").GetString()!);
        }
    }

    private static async Task<List<string>> ItemsAsync(HttpClient http, string path) => Ids(await http.GetFromJsonAsync<JsonElement>(path));

    private static List<string> Ids(JsonElement response) =>
        response.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("productId").GetString()!).ToList();
}
