using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.Browser.Tests;

/// <summary>
/// Every main page, as a shopper, a seller and an admin see it, at phone and desktop widths: axe-core finds no serious
/// or critical accessibility violation, and a screenshot of each lands in .test-data/screenshots.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PageTourTests(BrowserFixture fixture) : IAsyncLifetime
{
    private readonly People people = new(fixture);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => people.DisposeAsync();

    public static TheoryData<string> Widths => new() { "phone", "desktop" };

    [Theory]
    [MemberData(nameof(Widths))]
    public async Task The_main_pages_have_no_serious_accessibility_violations_and_are_photographed(string width)
    {
        var viewport = width == "phone" ? BrowserFixture.Phone : BrowserFixture.Desktop;
        var shop = await fixture.OpenShopAsync(requiresConfirmation: true, price: 12990, stock: 8);
        var account = await fixture.RegisterShopperAsync();

        var shopper = await people.ArriveAsync("shopper", viewport);
        var tour = new List<(string Name, IPage Page, string Path)>
        {
            ("home", shopper, "/"),
            ("search", shopper, "/search?q=cafe"),
            ("product", shopper, $"/products/{shop.ProductId}"),
            ("store", shopper, $"/stores/{shop.SellerId}"),
            ("sign-in", shopper, "/account/login"),
            ("register", shopper, "/account/register"),
            ("not-found", shopper, "/products/prd_00000000000000000000000000"),
        };
        await VisitAsync(tour, width);

        // Signed in with something in the cart and an order placed.
        await Journeys.SignInAsync(shopper, account.Email, account.Password);
        await shopper.GotoAsync($"/products/{shop.ProductId}");
        await shopper.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(shopper.Locator("[data-cart-count]")).ToHaveTextAsync("1");
        await VisitAsync([("cart", shopper, "/cart"), ("checkout", shopper, $"/checkout?seller={shop.SellerId}")], width);
        await shopper.GetByLabel("Street and number").FillAsync("Los Leones 50");
        await shopper.GetByLabel("City", new() { Exact = true }).FillAsync("Santiago");
        await shopper.GetByRole(AriaRole.Button, new() { Name = "Place order" }).ClickAsync();
        await Expect(shopper).ToHaveURLAsync(new Regex("/orders/ord_"));
        var order = new Uri(shopper.Url).AbsolutePath;
        await VisitAsync([("order", shopper, order), ("orders", shopper, "/orders"), ("notifications", shopper, "/notifications"),
            ("security", shopper, "/account/security")], width);

        var seller = await people.ArriveAsync("seller", viewport);
        await Journeys.SignInAsync(seller, shop.SellerEmail, shop.Password);
        await VisitAsync(
        [
            ("seller-dashboard", seller, "/seller"),
            ("seller-products", seller, "/seller/products"),
            ("seller-product-edit", seller, $"/seller/products/{shop.ProductId}/edit"),
            ("seller-orders", seller, "/seller/orders"),
            ("seller-order", seller, order),
            ("seller-questions", seller, "/seller/questions"),
            ("seller-settings", seller, "/seller/settings"),
            ("seller-staff", seller, "/seller/staff"),
            ("seller-announcements", seller, "/seller/announcements"),
            ("seller-statements", seller, "/seller/statements"),
            ("seller-coupons", seller, "/seller/coupons"),
            ("seller-reports", seller, "/seller/reports"),
            ("seller-webhooks", seller, "/seller/webhooks"),
            ("seller-api-keys", seller, "/seller/api-keys"),
            ("seller-catalog", seller, "/seller/catalog"),
        ], width);

        var admin = await people.ArriveAsync("admin", viewport);
        await Journeys.SignInAsync(admin, TestSecrets.AdminEmail, TestSecrets.AdminPassword);
        await VisitAsync([("admin", admin, "/admin"), ("admin-users", admin, "/admin/users"), ("admin-stores", admin, "/admin/stores"),
            ("admin-api-keys", admin, "/admin/api-keys"), ("admin-announcements", admin, "/admin/announcements"),
            ("admin-commission", admin, "/admin/commission"), ("admin-payouts", admin, "/admin/payouts"),
            ("admin-reports", admin, "/admin/reports"), ("admin-webhooks", admin, "/admin/webhooks"),
            ("admin-sign-on", admin, "/admin/sign-on")], width);
    }

    [Fact]
    public async Task A_spanish_reader_gets_spanish_pages_with_pesos_without_decimals()
    {
        var shop = await fixture.OpenShopAsync(requiresConfirmation: false, price: 8990, stock: 3);
        var reader = await people.ArriveAsync("reader", BrowserFixture.Phone, locale: "es-CL");
        await reader.GotoAsync($"/products/{shop.ProductId}");

        await Expect(reader.Locator("html")).ToHaveAttributeAsync("lang", "es");
        await Expect(reader.GetByRole(AriaRole.Button, new() { Name = "Agregar al carro" })).ToBeVisibleAsync();
        await Expect(reader.Locator("p.price")).ToHaveTextAsync("$8.990");
        await Expect(reader.Locator($"[data-stock][data-sku='{shop.Sku}']")).ToHaveTextAsync("3 disponibles");
        await ShootAsync(reader, "product-es", "phone");

        // The language can be switched, and the choice is remembered.
        await reader.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await Expect(reader.GetByRole(AriaRole.Button, new() { Name = "Add to cart" })).ToBeVisibleAsync();
        await reader.GotoAsync("/");
        await Expect(reader.Locator("html")).ToHaveAttributeAsync("lang", "en");
    }

    private static async Task VisitAsync(IEnumerable<(string Name, IPage Page, string Path)> pages, string width)
    {
        var problems = new List<string>();
        foreach (var (name, page, path) in pages)
        {
            await page.GotoAsync(path);
            await ShootAsync(page, name, width);
            problems.AddRange((await SeriousViolationsAsync(page)).Select(v => $"{name} ({path}): {v}"));
        }

        Assert.True(problems.Count == 0, "Accessibility violations:\n" + string.Join("\n", problems));
    }

    private static async Task ShootAsync(IPage page, string name, string width)
    {
        Directory.CreateDirectory(BrowserFixture.ScreenshotsPath);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotsPath, $"{name}-{width}.png"), FullPage = true });
    }

    /// <summary>Runs axe-core in the page (WCAG 2.x A and AA rules) and answers the serious and critical violations.</summary>
    private static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe !== 'undefined'"))
        {
            // Evaluated by the browser's tooling, not as a script element: the page's policy refuses inline scripts.
            await page.EvaluateAsync(BrowserFixture.AxeScript);
        }

        var json = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
              return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ' [' + v.impact + ']: ' + v.help + ' at ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
            }
            """);
        return json.EnumerateArray().Select(e => e.GetString()!).ToList();
    }
}
