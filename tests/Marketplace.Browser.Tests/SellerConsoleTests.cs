using System.Text.RegularExpressions;
using Marketplace.Demo.Imaging;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.Browser.Tests;

/// <summary>The seller console in a browser: a product created with a picture becomes findable in the storefront.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SellerConsoleTests(BrowserFixture fixture) : IAsyncLifetime
{
    private readonly People people = new(fixture);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => people.DisposeAsync();

    [Fact]
    public async Task A_seller_creates_a_product_with_a_picture_and_shoppers_find_it_in_the_search()
    {
        var shop = await fixture.OpenShopAsync(requiresConfirmation: false, price: 1000, stock: 1);
        var seller = await people.ArriveAsync("seller");
        await Journeys.SignInAsync(seller, shop.SellerEmail, shop.Password);

        await seller.GotoAsync("/seller");
        await seller.GetByRole(AriaRole.Link, new() { Name = "Products", Exact = true }).ClickAsync();
        await seller.GetByRole(AriaRole.Link, new() { Name = "Add a product" }).ClickAsync();
        await Expect(seller).ToHaveURLAsync(new Regex("/seller/products/new$"));

        var word = "Maqui" + Guid.NewGuid().ToString("N")[..8];
        var title = $"Mermelada de {word}";
        await seller.GetByLabel("Title").FillAsync(title);
        await seller.GetByLabel("Description").FillAsync("Hecha en Chiloé con maqui silvestre.");
        await seller.GetByLabel("Category").FillAsync("pantry");
        await seller.GetByLabel("Price (CLP)").FillAsync("4.990");
        await seller.GetByLabel("Code (SKU), variant 1").FillAsync("MAQ-250");
        await seller.GetByLabel("Options").First.FillAsync("size: 250 g");
        await seller.GetByLabel("Units in stock").First.FillAsync("12");
        var picture = Path.Combine(Path.GetTempPath(), $"maqui-{Guid.NewGuid():N}.png");
        await File.WriteAllBytesAsync(picture, PngWriter.Encode(64, 64, (x, y) => ((byte)(90 + x), 20, (byte)(80 + y))));
        await seller.GetByLabel("Add a picture (JPEG, PNG or WebP, up to 5 MB)").SetInputFilesAsync(picture);
        await seller.GetByRole(AriaRole.Button, new() { Name = "Create product" }).ClickAsync();

        await Expect(seller).ToHaveURLAsync(new Regex("/seller/products/prd_[0-9a-f]+/edit$"));
        await Expect(seller.GetByRole(AriaRole.Status).Filter(new() { HasText = "Saved." })).ToBeVisibleAsync();
        await Expect(seller.Locator("main img[src^='/media/']")).ToHaveCountAsync(1);

        // A shopper's search finds it, with its picture and price, and its page shows the stock.
        var shopper = await people.ArriveAsync("shopper", BrowserFixture.Phone);
        await shopper.GotoAsync("/");
        await Journeys.SearchUntilFoundAsync(shopper, word, title);
        var card = shopper.Locator("article.card").Filter(new() { HasText = title });
        await Expect(card.Locator("img")).ToHaveAttributeAsync("src", new Regex("^/media/[0-9a-f]{64}\\.png$"));
        await Expect(card).ToContainTextAsync("$4,990");
        await card.GetByRole(AriaRole.Link, new() { Name = title }).ClickAsync();
        await Expect(shopper.Locator("h1")).ToHaveTextAsync(title);
        await Expect(shopper.Locator("[data-stock][data-sku='MAQ-250']")).ToHaveTextAsync("12 available");
        await Expect(shopper.Locator("link[rel=canonical]")).ToHaveAttributeAsync("href", new Regex($"/products/prd_[0-9a-f]+/mermelada-de-{word.ToLowerInvariant()}$"));
    }
}
