using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Demo.Imaging;
using Microsoft.Playwright;

namespace Marketplace.Browser.Tests;

/// <summary>
/// The product widget as another site uses it: a page on a different origin includes the script from the marketplace
/// and headless Chromium renders it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class EmbedWidgetTests(BrowserFixture fixture)
{
    /// <summary>A rule a careless host page might have; it must not reach inside the widget.</summary>
    private const string HostileCss = "a, div, span, li, ul, p, img { color: red !important; font-size: 40px; font-family: serif; " +
                                      "font-weight: 100; line-height: 3; background: yellow; text-decoration: underline; }";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Search_and_store_widgets_show_cards_with_prices_store_names_and_links_on_another_site()
    {
        var catalog = await CatalogAsync();
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };

        await page.GotoAsync(fixture.ServePage(Page(catalog, hostile: true)));

        Assert.Equal("ready", await StateAsync(page, "search"));
        Assert.Equal("ready", await StateAsync(page, "seller"));

        // data-limit="3" on a search that matches all four products.
        var search = await CardsAsync(page, "search");
        Assert.Equal(3, search.Length);
        Assert.Equal(3, search.Select(c => c.Title).Distinct().Count());
        foreach (var card in search)
        {
            var product = catalog.Products.Single(p => p.Title == card.Title);
            Assert.Equal(product.SpanishChilePrice, Normalize(card.Price));
            Assert.Equal(catalog.StoreName, card.Store);
            Assert.Equal($"{fixture.MarketplaceOrigin}/products/{product.ProductId}", card.Href);
        }

        // No data-limit: the default of six shows the store's four products.
        var store = await CardsAsync(page, "seller");
        Assert.Equal(catalog.Products.Select(p => p.Title).Order(), store.Select(c => c.Title).Order());
        foreach (var card in store)
        {
            var product = catalog.Products.Single(p => p.Title == card.Title);
            Assert.Equal(product.EnglishUsPrice, Normalize(card.Price));
            Assert.Equal(catalog.StoreName, card.Store);
            Assert.Equal($"{fixture.MarketplaceOrigin}/products/{product.ProductId}", card.Href);
            Assert.Equal("_blank", card.Target);
            Assert.Contains("noopener", card.Rel.Split(' '));
            Assert.Equal(product.InStock ? null : "Out of stock", card.Stock);
            if (product.HasImage)
            {
                Assert.StartsWith($"{fixture.MarketplaceOrigin}/media/", card.Image, StringComparison.Ordinal);
                Assert.False(card.Placeholder);
            }
            else
            {
                Assert.Null(card.Image);
                Assert.True(card.Placeholder);
            }
        }

        // The picture comes from the marketplace's origin and actually loads there.
        await page.WaitForFunctionAsync("""
            () => [...document.getElementById('seller').shadowRoot.querySelectorAll('img')]
                .some(img => img.complete && img.naturalWidth > 0)
            """);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Host_page_styles_do_not_reach_the_widget_and_the_widget_styles_stay_inside()
    {
        var catalog = await CatalogAsync();
        await using var context = await fixture.Browser.NewContextAsync();
        var plain = await context.NewPageAsync();
        await plain.GotoAsync(fixture.ServePage(Page(catalog, hostile: false)));
        var hostile = await context.NewPageAsync();
        await hostile.GotoAsync(fixture.ServePage(Page(catalog, hostile: true)));
        Assert.Equal("ready", await StateAsync(plain, "seller"));
        Assert.Equal("ready", await StateAsync(hostile, "seller"));

        var expected = await StylesAsync(plain);
        var actual = await StylesAsync(hostile);

        Assert.Equal(expected, actual);
        Assert.DoesNotContain(actual, s => s.Key.EndsWith(" color", StringComparison.Ordinal) && s.Value == "rgb(255, 0, 0)");
        Assert.DoesNotContain(actual, s => s.Key.EndsWith(" font-size", StringComparison.Ordinal) && s.Value == "40px");

        // Underlines are not inherited but drawn through a box's descendants, so computed styles cannot show whether
        // the page's text-decoration reaches the cards: their pixels can. (The card's rounded corners let the host's
        // background through, so the texts are compared, not whole cards.)
        var plainTexts = plain.Locator("#seller .mk-body > *");
        var hostileTexts = hostile.Locator("#seller .mk-body > *");
        var count = await hostileTexts.CountAsync();
        Assert.Equal(await plainTexts.CountAsync(), count);
        Assert.True(count >= 12, $"{count} texts in four cards");
        for (var i = 0; i < count; i++)
        {
            var before = await plainTexts.Nth(i).ScreenshotAsync();
            var after = await hostileTexts.Nth(i).ScreenshotAsync();
            Assert.True(before.AsSpan().SequenceEqual(after),
                $"\"{await hostileTexts.Nth(i).TextContentAsync()}\" looks different on the page with hostile styles");
        }

        // The page's own element that happens to share a class name with the widget keeps the browser's defaults.
        var outside = await plain.EvalOnSelectorAsync<string>("#outside",
            "e => { const s = getComputedStyle(e); return `${s.fontWeight} ${s.display} ${s.fontSize}`; }");
        Assert.Equal("400 block 16px", outside);
    }

    [Fact]
    public async Task Widgets_added_later_render_once_and_empty_or_failed_searches_say_so()
    {
        var catalog = await CatalogAsync();
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        // As a module script, document.currentScript is null: the widget has to find its own script tag.
        await page.GotoAsync(fixture.ServePage(Page(catalog, hostile: false, asModule: true, extraBody: $$"""
            <div id="none" data-marketplace-search="{{catalog.Word}}nothing" data-lang="es"></div>
            <div id="broken" data-marketplace-seller="123" data-lang="en"></div>
            <script>
              addEventListener('load', () => {
                const later = document.createElement('section');
                later.id = 'later';
                later.dataset.marketplaceSeller = '{{catalog.SellerId}}';
                later.dataset.category = 'coffee';
                later.dataset.lang = 'en';
                document.body.append(later);
                // Moving a rendered widget inserts it again; it must keep its one set of cards.
                document.body.append(document.getElementById('seller'));
              });
            </script>
            """)));

        Assert.Equal("ready", await StateAsync(page, "later"));
        Assert.Equal([catalog.Products.Single(p => p.Category == "coffee").Title], (await CardsAsync(page, "later")).Select(c => c.Title));
        Assert.Equal("ready", await StateAsync(page, "seller"));
        Assert.Equal(4, (await CardsAsync(page, "seller")).Length);
        Assert.Equal(1, await page.EvalOnSelectorAsync<int>("#seller", "e => e.shadowRoot.querySelectorAll('.mk-grid').length"));

        Assert.Equal("empty", await StateAsync(page, "none"));
        Assert.Equal("No encontramos productos.", await StatusTextAsync(page, "none"));
        Assert.Equal("error", await StateAsync(page, "broken"));
        Assert.Equal("Products could not be loaded right now. Please try again later.", await StatusTextAsync(page, "broken"));

        // The status line is a polite live region, and the widget says when it is no longer busy.
        Assert.Equal("status", await page.EvalOnSelectorAsync<string>("#none", "e => e.shadowRoot.querySelector('.mk-status').getAttribute('role')"));
        Assert.Equal("false", await page.EvalOnSelectorAsync<string>("#seller", "e => e.shadowRoot.querySelector('.mk').getAttribute('aria-busy')"));
    }

    [Fact]
    public async Task The_script_is_served_as_cacheable_javascript_with_an_etag_to_any_origin()
    {
        using var http = fixture.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/embed/marketplace.js");
        request.Headers.Add("Origin", fixture.SiteOrigin);
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Contains("data-marketplace-search", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var etag = response.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);
        Assert.True(response.Headers.CacheControl?.Public);
        Assert.InRange(response.Headers.CacheControl!.MaxAge!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());

        using var again = new HttpRequestMessage(HttpMethod.Get, "/embed/marketplace.js");
        again.Headers.IfNoneMatch.Add(etag);
        using var notModified = await http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        using var stale = new HttpRequestMessage(HttpMethod.Get, "/embed/marketplace.js");
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"an-older-version\""));
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(stale)).StatusCode);
    }

    private sealed record Product(string Title, string Category, long Price, string Currency, int Stock, bool HasImage,
        string SpanishChilePrice, string EnglishUsPrice)
    {
        public string ProductId { get; set; } = "";

        public bool InStock => Stock > 0;
    }

    private sealed record Catalog(string Word, string SellerId, string StoreName, IReadOnlyList<Product> Products);

    private sealed record Card(string Title, string Price, string Store, string Href, string Target, string Rel, string? Stock,
        string? Image, bool Placeholder);

    /// <summary>
    /// A store of its own with four published products whose titles share a fresh word. The expected prices are what
    /// CLDR's patterns give: CLP has no decimals, USD two, and es-CL groups with dots where en-US uses commas.
    /// </summary>
    private async Task<Catalog> CatalogAsync()
    {
        var word = "w" + string.Concat(Guid.NewGuid().ToString("N")[..10].Select(c => (char)('a' + Convert.ToInt32(c.ToString(), 16))));
        var storeName = $"Calzados Ñandú {word[1..5]}";
        Product[] products =
        [
            new($"Botines {word} de cuero", "shoes", 8990, "CLP", 5, HasImage: true, "$8.990", "CLP 8,990"),
            new($"Zapatillas {word} trail", "shoes", 1249990, "CLP", 2, HasImage: false, "$1.249.990", "CLP 1,249,990"),
            new($"Leather boots {word}", "shoes", 123456, "USD", 1, HasImage: false, "US$1.234,56", "$1,234.56"),
            new($"Café {word} de Huila", "coffee", 4599, "USD", 0, HasImage: false, "US$45,99", "$45.99"),
        ];

        using var http = fixture.CreateClient();
        var sellerId = await http.CreateStoreAsync(storeName);
        foreach (var product in products)
        {
            product.ProductId = await http.CreateProductAsync(sellerId, new
            {
                title = product.Title,
                description = "Hecho a mano",
                category = product.Category,
                currency = product.Currency,
                price = product.Price,
                status = "published",
                variants = new object[] { new { sku = "A", options = new { size = "M" }, stock = product.Stock } },
            });
            if (product.HasImage)
            {
                var png = new ByteArrayContent(PngWriter.Encode(8, 8, (x, y) => ((byte)(x * 30), (byte)(y * 30), 160)));
                png.Headers.ContentType = new MediaTypeHeaderValue("image/png");
                (await http.PostAsync($"/api/products/{product.ProductId}/images", png)).EnsureSuccessStatusCode();
            }
        }

        // The search read model follows product writes within about two seconds.
        for (var i = 0; ; i++)
        {
            var result = await http.GetFromJsonAsync<JsonElement>($"/api/search?sellerId={sellerId}&q={word}");
            var items = result.GetProperty("items").EnumerateArray().ToList();
            if (items.Count == products.Length && items.Any(item => item.GetProperty("imageUrl").ValueKind == JsonValueKind.String))
            {
                break;
            }

            Assert.True(i < 100, "The products did not become searchable within 10 s.");
            await Task.Delay(100);
        }

        return new Catalog(word, sellerId, storeName, products);
    }

    private string Page(Catalog catalog, bool hostile, bool asModule = false, string extraBody = "")
    {
        var script = asModule
            ? $"<script type=\"module\" src=\"{fixture.MarketplaceOrigin}/embed/marketplace.js\"></script>"
            : $"<script src=\"{fixture.MarketplaceOrigin}/embed/marketplace.js\" async></script>";
        return $"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>Directorio de empresas</title>
              <link rel="icon" href="data:,">
              {(hostile ? $"<style>{HostileCss}</style>" : "")}
              {script}
            </head>
            <body>
              <h1>Directorio de empresas</h1>
              <div id="search" data-marketplace-search="{catalog.Word}" data-limit="3" data-lang="es-CL"></div>
              <div id="seller" data-marketplace-seller="{catalog.SellerId}" data-lang="en-US"></div>
              <p id="outside" class="mk-title">Texto del sitio</p>
              {extraBody}
            </body>
            </html>
            """;
    }

    /// <summary>Waits until the widget in the element has finished loading and answers how it ended.</summary>
    private static async Task<string?> StateAsync(IPage page, string id)
    {
        await page.Locator($"#{id}:is([data-marketplace-state=ready], [data-marketplace-state=empty], [data-marketplace-state=error])")
            .WaitForAsync(new() { State = WaitForSelectorState.Attached });
        return await page.Locator($"#{id}").GetAttributeAsync("data-marketplace-state");
    }

    private static async Task<string> StatusTextAsync(IPage page, string id) =>
        await page.EvalOnSelectorAsync<string>($"#{id}", "e => e.shadowRoot.querySelector('.mk-status').textContent");

    private static async Task<Card[]> CardsAsync(IPage page, string id)
    {
        var json = await page.EvalOnSelectorAsync<string>($"#{id}", """
            host => JSON.stringify([...host.shadowRoot.querySelectorAll('.mk-card')].map(card => {
              const link = card.querySelector('a');
              return {
                title: card.querySelector('.mk-title').textContent,
                price: card.querySelector('.mk-price').textContent,
                store: card.querySelector('.mk-store').textContent,
                href: link.href,
                target: link.target,
                rel: link.rel,
                stock: card.querySelector('.mk-stock')?.textContent ?? null,
                image: card.querySelector('img')?.src ?? null,
                placeholder: card.querySelector('.mk-placeholder') !== null,
              };
            }))
            """);
        return JsonSerializer.Deserialize<Card[]>(json, Json)!;
    }

    /// <summary>The computed styles that decide how the store widget's cards look.</summary>
    private static async Task<Dictionary<string, string>> StylesAsync(IPage page)
    {
        var json = await page.EvalOnSelectorAsync<string>("#seller", """
            host => {
              const properties = ['color', 'background-color', 'font-family', 'font-size', 'font-weight', 'line-height',
                                  'text-decoration-line', 'display', 'border-top-color', 'width'];
              const styles = {};
              for (const selector of ['.mk', '.mk-grid', '.mk-card', '.mk-link', '.mk-media', '.mk-title', '.mk-price', '.mk-store']) {
                const style = getComputedStyle(host.shadowRoot.querySelector(selector));
                for (const property of properties) {
                  styles[`${selector} ${property}`] = style.getPropertyValue(property);
                }
              }
              return JSON.stringify(styles);
            }
            """);
        return JsonSerializer.Deserialize<Dictionary<string, string>>(json)!;
    }

    /// <summary>CLDR puts no-break spaces in some patterns ("CLP 8,990"); compare them as plain spaces.</summary>
    private static string Normalize(string price) => price.Replace('\u00A0', ' ').Replace('\u202F', ' ');
}
