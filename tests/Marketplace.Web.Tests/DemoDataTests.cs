using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Contracts.Catalog;
using Marketplace.Demo;
using Marketplace.Web.Media;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Web.Tests;

/// <summary>A cluster on a database of its own and a web host that seeds the demo data at start-up, as `up` does.</summary>
public sealed class DemoFixture : MarketplaceCluster, IAsyncLifetime
{
    public const string PublicUrl = "http://demo.marketplace.test";

    private WebHostFactory? factory;

    public string LoginsFile { get; } = TemporaryFile("logins");

    public WebHostFactory Factory => factory ?? throw new InvalidOperationException("Not started.");

    /// <summary>From starting the web host until it reported ready, i.e. until the demo was seeded.</summary>
    public TimeSpan SeedTime { get; private set; }

    public static string TemporaryFile(string purpose) => Path.Combine(Path.GetTempPath(), $"marketplace-demo-{purpose}-{Guid.NewGuid():N}.txt");

    public static Dictionary<string, string> DemoSettings(string loginsFile) => new()
    {
        ["Demo:Seed"] = "true",
        ["Demo:LoginsFile"] = loginsFile,
        ["Demo:PublicUrl"] = PublicUrl,
    };

    public async ValueTask InitializeAsync()
    {
        await StartAsync("demo");
        factory = new WebHostFactory(this, DemoSettings(LoginsFile));
        var started = Stopwatch.StartNew();
        _ = factory.Server;
        await factory.WaitReadyAsync(TimeSpan.FromMinutes(3));
        SeedTime = started.Elapsed;
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        File.Delete(LoginsFile);
        await DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class DemoCollection : ICollectionFixture<DemoFixture>
{
    public const string Name = "demo data";
}

/// <summary>The demo data as a visitor of a fresh `up` meets it, through the HTTP API.</summary>
[Collection(DemoCollection.Name)]
public sealed class DemoDataTests(DemoFixture fixture, ITestOutputHelper output)
{
    private static readonly int PublishedProducts =
        DemoCatalog.Stores.Sum(s => s.Products.Count(p => p.Draft.Status == ProductStatus.Published));

    private readonly HttpClient http = fixture.Factory.CreateClient();

    [Fact]
    public async Task Every_published_demo_product_is_searchable_in_both_currencies()
    {
        output.WriteLine($"Seeding took {fixture.SeedTime.TotalSeconds:0.0} s for {DemoCatalog.Stores.Sum(s => s.Products.Count)} products.");

        var all = await SearchUntilAsync("pageSize=1", PublishedProducts);
        Assert.InRange(PublishedProducts, 240, 400);
        var sellers = all.GetProperty("facets").GetProperty("seller").EnumerateArray().Select(f => f.GetProperty("value").GetString()!).ToHashSet();
        Assert.Equal(DemoCatalog.Stores.Select(s => s.SellerId).ToHashSet(), sellers);

        var clp = (await SearchAsync("currency=CLP&pageSize=1")).GetProperty("total").GetInt32();
        var usd = (await SearchAsync("currency=USD&pageSize=1")).GetProperty("total").GetInt32();
        Assert.True(clp > 100 && usd > 80, $"CLP {clp}, USD {usd}");
        Assert.Equal(PublishedProducts, clp + usd);
        var inStock = (await SearchAsync("inStock=true&pageSize=1")).GetProperty("total").GetInt32();
        Assert.InRange(inStock, PublishedProducts * 8 / 10, PublishedProducts - 1);

        // Accents and case do not matter: "cafe" finds Café Ana's coffee.
        var coffee = await SearchAsync("q=cafe&pageSize=100");
        Assert.Contains(coffee.GetProperty("items").EnumerateArray(), i => i.GetProperty("title").GetString() == "Café de Colombia 250 g");
        Assert.All(coffee.GetProperty("items").EnumerateArray(), i => Assert.Equal("CLP", i.GetProperty("currency").GetString()));
    }

    [Fact]
    public async Task Products_carry_details_variants_and_a_picture_served_as_png()
    {
        var page = await SearchAsync("sort=priceDesc&pageSize=100");
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(100, items.Count);
        Assert.All(items, i => Assert.StartsWith("/media/", i.GetProperty("imageUrl").GetString(), StringComparison.Ordinal));

        foreach (var item in items.Where((_, i) => i % 20 == 0))
        {
            var image = await http.GetAsync(item.GetProperty("imageUrl").GetString());
            Assert.Equal(HttpStatusCode.OK, image.StatusCode);
            Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
            Assert.Equal(new ImageFormat("image/png", "png", DemoPictures.ProductSize, DemoPictures.ProductSize),
                ImageInspector.Inspect(await image.Content.ReadAsByteArrayAsync()));

            var product = await (await http.GetAsync($"/api/products/{item.GetProperty("productId").GetString()}")).ReadJsonAsync();
            Assert.False(string.IsNullOrWhiteSpace(product.GetProperty("description").GetString()));
            Assert.NotEmpty(product.GetProperty("attributes").EnumerateObject());
            Assert.InRange(product.GetProperty("variants").GetArrayLength(), 1, 4);
            Assert.Single(product.GetProperty("images").EnumerateArray());
        }
    }

    [Fact]
    public async Task Every_store_has_its_profile_contact_and_logo()
    {
        foreach (var store in DemoCatalog.Stores)
        {
            var profile = await (await http.GetAsync($"/api/sellers/{store.SellerId}")).ReadJsonAsync();
            Assert.Equal(store.Profile.Name, profile.GetProperty("name").GetString());
            Assert.Equal(store.Profile.Currency, profile.GetProperty("currency").GetString());
            Assert.False(string.IsNullOrEmpty(profile.GetProperty("contact").GetProperty("city").GetString()));
            Assert.Equal(store.Products.Count, profile.GetProperty("productCount").GetInt32());

            var logoUrl = new Uri(profile.GetProperty("logoUrl").GetString()!);
            Assert.Equal(DemoFixture.PublicUrl, logoUrl.GetLeftPart(UriPartial.Authority));
            var logo = await http.GetAsync(logoUrl.PathAndQuery);
            Assert.Equal(HttpStatusCode.OK, logo.StatusCode);
            Assert.Equal("image/png", logo.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Demo_sellers_sign_in_and_manage_their_own_store_and_the_logins_file_lists_every_account()
    {
        var ana = DemoCatalog.Stores.Single(s => s.Profile.Name == "Café Ana");
        http.UseToken(await http.LoginAsync(ana.OwnerEmail, DemoCatalog.SellerPassword));
        var me = await (await http.GetAsync("/api/me")).ReadJsonAsync();
        Assert.Equal(ana.SellerId, me.GetProperty("sellerId").GetString());

        var colombia = ana.Products.Single(p => p.Draft.Title == "Café de Colombia 250 g");
        var stock = await http.PutAsJsonAsync($"/api/products/{colombia.ProductId}/stock", new { items = new[] { new { sku = "CAFE-COL-250", onHand = 41 } } });
        Assert.Equal(HttpStatusCode.OK, stock.StatusCode);
        var other = DemoCatalog.Stores.Single(s => s.Profile.Name == "Little Oak Toys").Products.First(p => p.Draft.Status == ProductStatus.Published);
        var refused = await http.PutAsJsonAsync($"/api/products/{other.ProductId}/stock",
            new { items = new[] { new { sku = other.Draft.Variants[0].Sku, onHand = 1 } } });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        http.UseToken(await http.LoginAsync(DemoCatalog.ShopperEmail, DemoCatalog.ShopperPassword));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/me")).StatusCode);

        var logins = await File.ReadAllTextAsync(fixture.LoginsFile);
        Assert.Contains($"admin    {TestSecrets.AdminEmail}", logins, StringComparison.Ordinal);
        Assert.All(DemoCatalog.AccountEmails, email => Assert.Contains(email, logins, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_demo_brings_past_sales_so_reports_and_recommendations_show_something_at_once()
    {
        var ana = DemoCatalog.Stores.Single(s => s.Profile.Name == "Café Ana");
        http.UseToken(await http.LoginAsync(ana.OwnerEmail, DemoCatalog.SellerPassword));
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        var from = DateTime.UtcNow.AddDays(-89).ToString("yyyy-MM-dd");
        var sales = await http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/seller/reports/sales?from={from}&to={today}&interval=week");
        Assert.True(sales.GetProperty("series").EnumerateArray().Sum(p => p.GetProperty("orders").GetInt64()) >= 20, sales.ToString());
        var funnel = await http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/seller/reports/funnel?from={from}&to={today}");
        Assert.True(funnel.GetProperty("store").GetProperty("views").GetInt64() > funnel.GetProperty("store").GetProperty("paid").GetInt64());

        // The past orders paired neighbouring products: the first product has some bought with it.
        await fixture.Factory.Services.GetRequiredService<Marketplace.Web.Insights.RecommendationFeed>().RefreshAsync(TestContext.Current.CancellationToken);
        var withIt = await http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/products/{ana.Products[0].ProductId}/recommendations");
        Assert.NotEmpty(withIt.GetProperty("items").EnumerateArray());
        // The imported orders are the warehouse's only: no order page, statement or payout sees them.
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM order_listings WHERE order_id LIKE 'ord_demo_past_%'"));
    }

    [Fact]
    public async Task Seeding_again_on_a_database_with_accounts_creates_nothing()
    {
        using var admin = fixture.Factory.CreateClient();
        admin.UseToken(await admin.LoginAsync(TestSecrets.AdminEmail, TestSecrets.AdminPassword));
        var stores = (await (await admin.GetAsync("/api/admin/stores?pageSize=1")).ReadJsonAsync()).GetProperty("total").GetInt32();
        var users = (await (await admin.GetAsync("/api/admin/users?pageSize=1")).ReadJsonAsync()).GetProperty("total").GetInt32();
        Assert.Equal(DemoCatalog.Stores.Count, stores);
        Assert.Equal(DemoCatalog.AccountEmails.Count + 1, users);

        var secondLogins = DemoFixture.TemporaryFile("second-logins");
        await using (var second = new WebHostFactory(fixture, DemoFixture.DemoSettings(secondLogins)))
        {
            _ = second.Server;
            await second.WaitReadyAsync(TimeSpan.FromMinutes(1));
        }

        Assert.False(File.Exists(secondLogins));
        Assert.Equal(stores, (await (await admin.GetAsync("/api/admin/stores?pageSize=1")).ReadJsonAsync()).GetProperty("total").GetInt32());
        Assert.Equal(users, (await (await admin.GetAsync("/api/admin/users?pageSize=1")).ReadJsonAsync()).GetProperty("total").GetInt32());
        await SearchUntilAsync("pageSize=1", PublishedProducts);
    }

    private async Task<JsonElement> SearchAsync(string query)
    {
        var response = await http.GetAsync("/api/search?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>The search read model may trail grain writes briefly; wait up to two seconds for the expected total.</summary>
    private async Task<JsonElement> SearchUntilAsync(string query, int total)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var result = await SearchAsync(query);
            if (result.GetProperty("total").GetInt32() == total || deadline.Elapsed > TimeSpan.FromSeconds(2))
            {
                Assert.Equal(total, result.GetProperty("total").GetInt32());
                return result;
            }

            await Task.Delay(100);
        }
    }
}
