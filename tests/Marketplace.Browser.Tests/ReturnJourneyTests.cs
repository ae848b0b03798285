using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.Browser.Tests;

/// <summary>
/// A return as people make it, in headless Chromium: the buyer asks on the order page, the store approves in another
/// browser, the carrier sandbox brings the parcel back, and the buyer's refund and the product's stock show up live.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ReturnJourneyTests(BrowserFixture fixture) : IAsyncLifetime
{
    private readonly People people = new(fixture);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => people.DisposeAsync();

    [Fact]
    public async Task A_buyer_returns_units_the_store_approves_and_the_refund_and_the_stock_come_back_live()
    {
        var shop = await fixture.OpenShopAsync(requiresConfirmation: false, price: 6000, stock: 10);
        var (buyerEmail, password) = await fixture.RegisterShopperAsync();
        var orderId = await BuyAndDeliverAsync(shop, buyerEmail, password, quantity: 2);

        // Someone watches the product: 8 left.
        var watcher = await people.ArriveAsync("watcher");
        await watcher.GotoAsync($"/products/{shop.ProductId}");
        var stock = watcher.Locator($"[data-stock][data-sku='{shop.Sku}']");
        await Expect(stock).ToHaveTextAsync("8 available");
        await Journeys.WaitLiveAsync(watcher);

        // The store has the order open before anything is asked.
        var store = await people.ArriveAsync("store");
        await Journeys.SignInAsync(store, shop.SellerEmail, shop.Password);
        await store.GotoAsync($"/orders/{orderId}");
        await Journeys.WaitLiveAsync(store);

        // The buyer asks to return both units.
        var buyer = await people.ArriveAsync("buyer");
        await Journeys.SignInAsync(buyer, buyerEmail, password);
        await buyer.GotoAsync($"/orders/{orderId}");
        await Journeys.WaitLiveAsync(buyer);
        await buyer.GetByLabel($"Units of {shop.Title} to return").FillAsync("2");
        await buyer.GetByLabel("Why are you returning them?").FillAsync("The roast is darker than described");
        await buyer.GetByRole(AriaRole.Button, new() { Name = "Ask for a return" }).ClickAsync();
        await Expect(buyer.Locator("[data-return='r1']")).ToHaveAttributeAsync("data-return-status", "requested");

        // The store's page shows the request without a reload, and the store approves it.
        await Expect(store.Locator("[data-return='r1']")).ToContainTextAsync("The roast is darker than described",
            new() { Timeout = (float)Journeys.LiveWait.TotalMilliseconds });
        await store.GetByRole(AriaRole.Button, new() { Name = "Approve return" }).ClickAsync();
        await Expect(store.Locator("[data-return='r1']")).ToContainTextAsync("Return label");

        // The carrier delivers the parcel to the store: the buyer's page shows the refund, the watcher the units back.
        await Expect(buyer.Locator("[data-return='r1']")).ToHaveAttributeAsync("data-return-status", "refunded",
            new() { Timeout = (float)Journeys.LiveWait.TotalMilliseconds });
        await Expect(buyer.Locator("[data-return='r1'] [data-return-refund]")).ToContainTextAsync("$12,000");
        await Expect(stock).ToHaveTextAsync("10 available", new() { Timeout = (float)Journeys.LiveWait.TotalMilliseconds });
    }

    /// <summary>Through the API, as the test's premise: the buyer orders and pays on the sandbox, the store ships, the carrier delivers.</summary>
    private async Task<string> BuyAndDeliverAsync(Shop shop, string buyerEmail, string password, int quantity)
    {
        using var api = fixture.CreateClient();
        var buyerToken = await api.LoginAsync(buyerEmail, password);
        var sellerToken = await api.LoginAsync(shop.SellerEmail, shop.Password);
        await Ok(api.SendAsync(buyerToken, HttpMethod.Post, "/api/cart/items", new { productId = shop.ProductId, sku = shop.Sku, quantity }));
        var placed = await Ok(api.SendAsync(buyerToken, HttpMethod.Post, "/api/cart/checkout",
            new { shippingAddress = new { name = "Rosa Retorno", line1 = "Calle Dos 2", city = "Santiago", country = "CL" } }, "return-" + Guid.NewGuid().ToString("N")));
        var orderId = placed.GetProperty("orders")[0].GetProperty("orderId").GetString()!;
        var pay = await Ok(api.SendAsync(buyerToken, HttpMethod.Post, $"/api/orders/{orderId}/pay"));
        using (var sandboxPage = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }))
        {
            (await sandboxPage.PostAsync(pay.GetProperty("redirectUrl").GetString(), new FormUrlEncodedContent([new("outcome", "succeeded")]))).Dispose();
        }

        await UntilAsync(api, buyerToken, orderId, "paid");
        await Ok(api.SendAsync(sellerToken, HttpMethod.Post, $"/api/orders/{orderId}/ship"));
        await UntilAsync(api, buyerToken, orderId, "delivered");
        return orderId;
    }

    private static async Task<JsonElement> Ok(Task<(HttpStatusCode Status, JsonElement Json)> call)
    {
        var (status, json) = await call;
        Assert.True((int)status is >= 200 and < 300, $"{(int)status} {json}");
        return json;
    }

    private static async Task UntilAsync(HttpClient api, string token, string orderId, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await Ok(api.SendAsync(token, HttpMethod.Get, $"/api/orders/{orderId}"))).GetProperty("status").GetString() != status)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The order did not become {status}.");
            await Task.Delay(200);
        }
    }
}
