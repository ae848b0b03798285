using System.Net;
using System.Text.Json;
using Marketplace.Contracts.Insights;
using Marketplace.Web.Insights;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.Browser.Tests;

/// <summary>
/// Insights in a browser: after customers bought two products together, the product page offers one with the other;
/// the store's reports page draws its sales chart, with the same figures in the table beside it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class InsightsJourneyTests(BrowserFixture fixture) : IAsyncLifetime
{
    private readonly People people = new(fixture);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => people.DisposeAsync();

    [Fact]
    public async Task The_product_page_shows_what_was_bought_with_it_and_the_store_sees_its_sales_chart()
    {
        var shop = await fixture.OpenShopAsync(requiresConfirmation: false, price: 7000, stock: 20);
        using var api = fixture.CreateClient();
        var sellerToken = await api.LoginAsync(shop.SellerEmail, shop.Password);
        var (_, created) = await api.SendAsync(sellerToken, HttpMethod.Post, $"/api/sellers/{shop.SellerId}/products", new
        {
            title = $"Prensa francesa {shop.Word}", description = "Vidrio y acero", category = "kitchen", currency = "CLP", price = 15000,
            status = "published", variants = new object[] { new { sku = "PRESS-1", options = new { size = "1 l" }, price = 15000, stock = 10 } },
        });
        var press = created.GetProperty("productId").GetString()!;

        // Two customers buy the coffee with the press.
        foreach (var _ in Enumerable.Range(0, 2))
        {
            var (email, password) = await fixture.RegisterShopperAsync();
            var token = await api.LoginAsync(email, password);
            await Ok(api.SendAsync(token, HttpMethod.Post, "/api/cart/items", new { productId = shop.ProductId, sku = shop.Sku, quantity = 1 }));
            await Ok(api.SendAsync(token, HttpMethod.Post, "/api/cart/items", new { productId = press, sku = "PRESS-1", quantity = 1 }));
            var placed = await Ok(api.SendAsync(token, HttpMethod.Post, "/api/cart/checkout",
                new { shippingAddress = new { name = "Ana Analítica", line1 = "Calle Uno 1", city = "Santiago", country = "CL" } }, Guid.NewGuid().ToString("N")));
            var orderId = placed.GetProperty("orders")[0].GetProperty("orderId").GetString()!;
            var pay = await Ok(api.SendAsync(token, HttpMethod.Post, $"/api/orders/{orderId}/pay"));
            using (var sandboxPage = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }))
            {
                (await sandboxPage.PostAsync(pay.GetProperty("redirectUrl").GetString(), new FormUrlEncodedContent([new("outcome", "succeeded")]))).Dispose();
            }

            await UntilPaidAsync(api, token, orderId);
        }

        await fixture.Client.GetGrain<IWarehouseGrain>(0).Run();
        await fixture.MarketplaceServices.GetRequiredService<RecommendationFeed>().RefreshAsync(TestContext.Current.CancellationToken);

        var visitor = await people.ArriveAsync("visitor");
        await visitor.GotoAsync($"/products/{shop.ProductId}");
        var together = visitor.Locator("[data-recommendations='boughtTogether']");
        await Expect(together.GetByRole(AriaRole.Heading, new() { Name = "Customers who bought this also bought" })).ToBeVisibleAsync();
        await Expect(together.Locator($"[data-recommended='{press}']")).ToContainTextAsync($"Prensa francesa {shop.Word}");
        await together.GetByRole(AriaRole.Link, new() { Name = $"Prensa francesa {shop.Word}" }).ClickAsync();
        await Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = $"Prensa francesa {shop.Word}", Level = 1 })).ToBeVisibleAsync();

        var store = await people.ArriveAsync("store", BrowserFixture.Desktop);
        await Journeys.SignInAsync(store, shop.SellerEmail, shop.Password);
        await store.GotoAsync("/seller");
        await store.GetByRole(AriaRole.Link, new() { Name = "Reports", Exact = true }).ClickAsync();
        // Chart.js drew the chart (one bar per day of the range) and the table beside it holds today's two orders.
        var canvas = store.Locator("canvas[data-chart='sales-CLP']");
        await Expect(canvas).ToHaveAttributeAsync("data-drawn", "30");
        var box = await canvas.BoundingBoxAsync();
        Assert.True(box is { Width: > 200, Height: > 100 }, $"The chart is {box?.Width}×{box?.Height}.");
        var today = store.Locator("table[data-sales='CLP'] tbody tr").Last;
        await Expect(today.Locator("td").Nth(1)).ToHaveTextAsync("2");
        await Expect(today.Locator("td").Nth(3)).ToHaveTextAsync("$44,000");
        await Expect(store.Locator("table[data-funnel] tbody tr").First.Locator("td").Nth(4)).ToHaveTextAsync("2");
    }

    private static async Task<JsonElement> Ok(Task<(HttpStatusCode Status, JsonElement Json)> call)
    {
        var (status, json) = await call;
        Assert.True((int)status is >= 200 and < 300, $"{(int)status} {json}");
        return json;
    }

    private static async Task UntilPaidAsync(HttpClient api, string token, string orderId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await Ok(api.SendAsync(token, HttpMethod.Get, $"/api/orders/{orderId}"))).GetProperty("status").GetString() != "paid")
        {
            Assert.True(DateTime.UtcNow < deadline, "The order was not paid.");
            await Task.Delay(200);
        }
    }
}
