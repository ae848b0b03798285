using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.Browser.Tests;

/// <summary>
/// The storefront as people use it, in headless Chromium against the real web host, cluster and payment sandbox:
/// a guest who searches, buys, registers and pays while the seller watches in another browser; live stock.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class StorefrontTests(BrowserFixture fixture) : IAsyncLifetime
{
    private readonly People people = new(fixture);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => people.DisposeAsync();

    [Fact]
    public async Task A_guest_finds_a_product_buys_it_registers_pays_on_the_sandbox_while_the_seller_accepts_the_quotation_live()
    {
        var shop = await fixture.OpenShopAsync(requiresConfirmation: true, price: 8990, stock: 10);

        // The seller signs in in a browser of their own and waits on their notifications page.
        var seller = await people.ArriveAsync("seller");
        await Journeys.SignInAsync(seller, shop.SellerEmail, shop.Password);
        await seller.GotoAsync("/notifications");
        await Journeys.WaitLiveAsync(seller);
        var unreadBefore = int.Parse(await seller.Locator("[data-unread]").InnerTextAsync());

        // A guest searches from the home page with the plain GET form.
        var guest = await people.ArriveAsync("guest");
        await guest.GotoAsync("/");
        await Journeys.SearchUntilFoundAsync(guest, shop.Word, shop.Title);
        Assert.Contains("q=" + shop.Word, guest.Url);
        await guest.GetByRole(AriaRole.Link, new() { Name = shop.Title }).ClickAsync();
        await Expect(guest.Locator("h1")).ToHaveTextAsync(shop.Title);
        Assert.Matches($"/products/{shop.ProductId}/[a-z0-9-]+$", guest.Url);

        // Two units into the cart; the header's counter follows.
        await guest.GetByLabel("Quantity").FillAsync("2");
        await guest.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(guest.GetByRole(AriaRole.Status).Filter(new() { HasText = "Added to your cart" })).ToBeVisibleAsync();
        await Expect(guest.Locator("[data-cart-count]")).ToHaveTextAsync("2");

        // Checking out needs an account: the guest registers on the way, and the cart comes along.
        await guest.GotoAsync("/cart");
        await guest.GetByRole(AriaRole.Link, new() { Name = $"Check out {shop.StoreName}" }).ClickAsync();
        await Expect(guest).ToHaveURLAsync(new Regex("/account/login"));
        await guest.GetByRole(AriaRole.Link, new() { Name = "Create an account" }).ClickAsync();
        await guest.GetByLabel("Your name").FillAsync("Gabriela Guest");
        await guest.GetByLabel("Email").FillAsync(ApiClient.NewEmail("guest"));
        await guest.GetByLabel("Password").FillAsync("a long enough passphrase");
        await guest.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(guest).ToHaveURLAsync(new Regex("/checkout\\?seller=" + shop.SellerId));
        await Expect(guest.Locator("main")).ToContainTextAsync($"2 × {shop.Title}");

        await guest.GetByLabel("Street and number").FillAsync("Av. Providencia 1234");
        await guest.GetByLabel("City", new() { Exact = true }).FillAsync("Santiago");
        await guest.GetByRole(AriaRole.Button, new() { Name = "Place order" }).ClickAsync();
        await Expect(guest).ToHaveURLAsync(new Regex("/orders/ord_"));
        var orderUrl = guest.Url;
        await Expect(guest.Locator("[data-order-status]")).ToHaveAttributeAsync("data-order-status", "awaitingSellerConfirmation");
        await Journeys.WaitLiveAsync(guest);

        // The seller's page, untouched since it loaded, shows the new order: a toast and the bell's count.
        var toast = seller.Locator(".toast").Filter(new() { HasText = "New order" });
        await Expect(toast).ToBeVisibleAsync(new() { Timeout = (float)Journeys.LiveWait.TotalMilliseconds });
        await Expect(seller.Locator("[data-unread]")).ToHaveTextAsync((unreadBefore + 1).ToString());
        await Expect(seller.Locator("#notifications-content")).ToContainTextAsync("New order", new() { Timeout = (float)Journeys.LiveWait.TotalMilliseconds });

        // The seller opens the order and accepts it, adding shipping.
        await seller.GotoAsync(new Uri(orderUrl).PathAndQuery);
        await seller.GetByLabel("Shipping cost (CLP)").FillAsync("2500");
        await seller.GetByRole(AriaRole.Button, new() { Name = "Accept order" }).ClickAsync();
        await Expect(seller.Locator("[data-order-status]")).ToHaveAttributeAsync("data-order-status", "awaitingPayment");

        // The buyer's page follows without a reload, with the new total.
        await Expect(guest.Locator("[data-order-status]")).ToHaveAttributeAsync("data-order-status", "awaitingPayment",
            new() { Timeout = (float)Journeys.LiveWait.TotalMilliseconds });
        await Expect(guest.Locator("[data-order-total]")).ToHaveTextAsync("$20,480");

        // Paying happens on the provider's page, which sends the buyer back to the order.
        await guest.GetByRole(AriaRole.Button, new() { Name = "Pay $20,480" }).ClickAsync();
        await Expect(guest).ToHaveURLAsync(new Regex("^" + Regex.Escape(fixture.Sandbox.BaseAddress.ToString().TrimEnd('/'))));
        await Expect(guest.Locator("main, body").First).ToContainTextAsync("20,480");
        await guest.GetByRole(AriaRole.Button, new() { Name = "Pay", Exact = false }).First.ClickAsync();
        await Expect(guest).ToHaveURLAsync(orderUrl);
        await Expect(guest.Locator("[data-order-status]")).ToHaveAttributeAsync("data-order-status", "paid",
            new() { Timeout = (float)Journeys.LiveWait.TotalMilliseconds });
        await Expect(guest.Locator("main")).ToContainTextAsync("Paid. The store is preparing your shipment.");
    }

    [Fact]
    public async Task A_product_page_shows_stock_falling_when_someone_else_buys_without_a_reload()
    {
        var shop = await fixture.OpenShopAsync(requiresConfirmation: false, price: 4500, stock: 7);

        var watcher = await people.ArriveAsync("watcher");
        await watcher.GotoAsync($"/products/{shop.ProductId}");
        var stock = watcher.Locator($"[data-stock][data-sku='{shop.Sku}']");
        await Expect(stock).ToHaveTextAsync("7 available");
        await Journeys.WaitLiveAsync(watcher);

        // Another shopper, signed in elsewhere, buys three.
        var buyer = await people.ArriveAsync("buyer");
        var account = await fixture.RegisterShopperAsync();
        await Journeys.SignInAsync(buyer, account.Email, account.Password);
        await buyer.GotoAsync($"/products/{shop.ProductId}");
        await buyer.GetByLabel("Quantity").FillAsync("3");
        await buyer.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(buyer.Locator("[data-cart-count]")).ToHaveTextAsync("3");
        await buyer.GotoAsync($"/checkout?seller={shop.SellerId}");
        await buyer.GetByLabel("Street and number").FillAsync("Calle Uno 1");
        await buyer.GetByLabel("City", new() { Exact = true }).FillAsync("Valparaíso");
        await buyer.GetByRole(AriaRole.Button, new() { Name = "Place order" }).ClickAsync();
        await Expect(buyer.Locator("[data-order-status]")).ToHaveAttributeAsync("data-order-status", "awaitingPayment");

        // The watcher's figure drops by itself, and the page was never reloaded.
        await watcher.EvaluateAsync("() => window.__notReloaded = true");
        await Expect(stock).ToHaveTextAsync("4 available", new() { Timeout = (float)Journeys.LiveWait.TotalMilliseconds });
        Assert.True(await watcher.EvaluateAsync<bool>("() => window.__notReloaded === true"));
    }

    [Fact]
    public async Task Without_javascript_a_visitor_browses_searches_filters_and_fills_a_cart()
    {
        var shop = await fixture.OpenShopAsync(requiresConfirmation: false, price: 3500, stock: 4);
        var visitor = await people.ArriveAsync("no-script", BrowserFixture.Phone, javaScript: false);
        await visitor.GotoAsync("/");
        await Journeys.SearchUntilFoundAsync(visitor, shop.Word, shop.Title);

        // The facets are plain links.
        await visitor.GetByRole(AriaRole.Link, new() { Name = shop.StoreName }).First.ClickAsync();
        await Expect(visitor).ToHaveURLAsync(new Regex($"sellerId={shop.SellerId}"));
        await Expect(visitor.Locator("#result-count")).ToHaveTextAsync("1 products");

        await visitor.GetByRole(AriaRole.Link, new() { Name = shop.Title }).ClickAsync();
        await Expect(visitor.Locator($"[data-stock][data-sku='{shop.Sku}']")).ToHaveTextAsync("4 available");
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(visitor.Locator("[data-cart-count]")).ToHaveTextAsync("1");
        await visitor.GotoAsync("/cart");
        await Expect(visitor.Locator("#cart-content")).ToContainTextAsync(shop.Title);
        await Expect(visitor.Locator("[data-subtotal]")).ToHaveTextAsync("$3,500");
    }

    [Fact]
    public async Task The_cart_follows_changes_made_in_another_tab()
    {
        var shop = await fixture.OpenShopAsync(requiresConfirmation: false, price: 2500, stock: 9);
        var account = await fixture.RegisterShopperAsync();
        var cartTab = await people.ArriveAsync("cart-tab");
        await Journeys.SignInAsync(cartTab, account.Email, account.Password);
        await cartTab.GotoAsync("/cart");
        await Expect(cartTab.Locator("#cart-content")).ToContainTextAsync("Your cart is empty.");
        await Journeys.WaitLiveAsync(cartTab);

        var productTab = await people.NewTabAsync(cartTab, "product-tab");
        await productTab.GotoAsync($"/products/{shop.ProductId}");
        await productTab.GetByLabel("Quantity").FillAsync("3");
        await productTab.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();

        await Expect(cartTab.Locator("#cart-content")).ToContainTextAsync(shop.Title, new() { Timeout = (float)Journeys.LiveWait.TotalMilliseconds });
        await Expect(cartTab.Locator("[data-subtotal]")).ToHaveTextAsync("$7,500");
        await Expect(cartTab.Locator("[data-cart-count]")).ToHaveTextAsync("3");
    }
}
