using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Marketplace.Browser.Tests;

/// <summary>
/// A silo cluster and the real web host listening on a loopback port (the marketplace), a second web server on another
/// port (a third-party site, so another origin), and headless Chromium from the machine's packages.
/// </summary>
public sealed class BrowserFixture : MarketplaceCluster, IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, string> pages = new(StringComparer.Ordinal);
    private WebHostFactory? marketplace;
    private MailServer? mail;
    private WebApplication? site;
    private IPlaywright? playwright;
    private IBrowser? browser;

    /// <summary>Where the marketplace answers, e.g. http://127.0.0.1:41234 (no trailing slash).</summary>
    public string MarketplaceOrigin { get; private set; } = "";

    /// <summary>Where the third-party site answers.</summary>
    public string SiteOrigin { get; private set; } = "";

    public IBrowser Browser => browser ?? throw new InvalidOperationException("Not started.");

    /// <summary>The SMTP server the marketplace sends its emails to, with the inbox a test reads them from.</summary>
    public MailServer Mail => mail ?? throw new InvalidOperationException("Not started.");

    /// <summary>
    /// The browser to drive: MARKETPLACE_CHROMIUM, else Debian's chromium (./marketplace test installs it). Its absence
    /// fails the tests: a browser test that skips itself would hide a broken widget.
    /// </summary>
    public static string ChromiumPath
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("MARKETPLACE_CHROMIUM") is { Length: > 0 } value ? value : "/usr/bin/chromium";
            return File.Exists(path)
                ? path
                : throw new InvalidOperationException(
                    $"Chromium was not found at {path}. Run the tests with ./marketplace test, which installs Debian's chromium " +
                    "package, or point MARKETPLACE_CHROMIUM at a Chromium executable.");
        }
    }

    /// <summary>Where the tests leave screenshots of the pages (git-ignored with the rest of .test-data).</summary>
    public static string ScreenshotsPath { get; } = Path.Combine(TestEnvironment.RepositoryRoot, ".test-data", "screenshots");

    /// <summary>axe-core, restored from npm by the build and copied next to the tests.</summary>
    public static string AxeScript { get; } = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "axe.min.js"));

    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 900 };

    /// <summary>A fresh browser profile (its own cookies) on the marketplace: one person on one device.</summary>
    public Task<IBrowserContext> NewVisitorAsync(ViewportSize? viewport = null, string locale = "en-US", bool javaScript = true) =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = MarketplaceOrigin,
            ViewportSize = viewport ?? Desktop,
            Locale = locale,
            JavaScriptEnabled = javaScript,
        });

    /// <summary>
    /// A new store (its seller registered through the API) with one published product whose title carries a word no
    /// other test uses, so a search finds exactly it.
    /// </summary>
    public async Task<Shop> OpenShopAsync(bool requiresConfirmation, long price, int stock)
    {
        using var http = CreateClient();
        var word = "Quillay" + Guid.NewGuid().ToString("N")[..8];
        var storeName = "Tienda " + word[7..];
        var seller = await http.RegisterAsync("seller", storeName);
        http.UseToken(seller.AccessToken);
        if (!requiresConfirmation)
        {
            var update = await http.PutAsJsonAsync($"/api/sellers/{seller.SellerId}",
                new { name = storeName, description = "Specialty coffee", requiresConfirmation = false, currency = "CLP" });
            update.EnsureSuccessStatusCode();
        }

        var title = $"Café {word} de altura";
        var productId = await http.CreateProductAsync(seller.SellerId!, new
        {
            title,
            description = "Tostado medio, notas de cacao.",
            category = "coffee",
            currency = "CLP",
            price,
            status = "published",
            variants = new object[] { new { sku = "BAG-250", options = new { size = "250 g" }, price, stock } },
        });
        return new Shop(seller.SellerId!, seller.Email, TestSecrets.Password, storeName, productId, title, word, "BAG-250");
    }

    /// <summary>A shopper account made through the API (for tests whose subject is not registration).</summary>
    public async Task<(string Email, string Password)> RegisterShopperAsync()
    {
        using var http = CreateClient();
        var account = await http.RegisterAsync("shopper");
        return (account.Email, TestSecrets.Password);
    }

    /// <summary>The marketplace web host's services (its caches, for tests that refresh one at once).</summary>
    public IServiceProvider MarketplaceServices => marketplace?.Services ?? throw new InvalidOperationException("Not started.");

    /// <summary>A client of the marketplace over TCP, as another site's visitors reach it.</summary>
    public HttpClient CreateClient() => new() { BaseAddress = new Uri(MarketplaceOrigin) };

    /// <summary>Publishes a page on the third-party site and answers its URL.</summary>
    public string ServePage(string html)
    {
        var name = Guid.NewGuid().ToString("N");
        pages[name] = html;
        return $"{SiteOrigin}/{name}.html";
    }

    public async ValueTask InitializeAsync()
    {
        var chromium = ChromiumPath;
        mail = await MailServer.StartAsync();
        await StartAsync("browser");

        // The sandbox signs its payment and shipping callbacks; the web host checks them with the same secrets. Links in
        // emails name the host's own address, so it listens on a port chosen first.
        var port = ProcessHost.FreePort();
        marketplace = new WebHostFactory(this, new Dictionary<string, string>
        {
            ["Payments:WebhookSecret"] = TestSecrets.SandboxPaymentsWebhookSecret,
            ["Shipping:WebhookSecret"] = TestSecrets.SandboxShippingWebhookSecret,
            ["Marketplace:PublicUrl"] = $"http://127.0.0.1:{port}",
            ["Email:Smtp:Host"] = mail.SmtpHost,
            ["Email:Smtp:Port"] = mail.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email:Smtp:Security"] = "None",
            ["Email:PollInterval"] = "00:00:00.200",
        });
        marketplace.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        marketplace.StartServer();
        MarketplaceOrigin = AddressOf(marketplace.Services.GetRequiredService<IServer>());
        await WaitReadyAsync();

        site = await StartSiteAsync();
        SiteOrigin = AddressOf(site.Services.GetRequiredService<IServer>());

        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = chromium,
            Headless = true,
            // Tests run as root, where Chromium's sandbox cannot start; containers often have a tiny /dev/shm.
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        });
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
        if (site is not null)
        {
            await site.DisposeAsync();
        }

        if (marketplace is not null)
        {
            await marketplace.DisposeAsync();
        }

        await DisposeAsync();
        if (mail is not null)
        {
            await mail.DisposeAsync();
        }
    }

    private static string AddressOf(IServer server) =>
        server.Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');

    private async Task<WebApplication> StartSiteAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet("/{name}.html", (string name) => pages.TryGetValue(name, out var html)
            ? Results.Content(html, "text/html; charset=utf-8")
            : Results.NotFound());
        await app.StartAsync();
        return app;
    }

    /// <summary>The web host seeds its admin in the background; readiness says when start-up is done.</summary>
    private async Task WaitReadyAsync()
    {
        using var http = CreateClient();
        for (var i = 0; i < 300; i++)
        {
            if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The web host did not become ready.");
    }
}

public sealed record Shop(
    string SellerId, string SellerEmail, string Password, string StoreName, string ProductId, string Title, string Word, string Sku);

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
