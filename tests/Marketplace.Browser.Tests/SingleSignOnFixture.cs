using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Marketplace.Browser.Tests;

/// <summary>
/// Two installations side by side, each with its own database, silo and web host on its own loopback port: the
/// business directory's (an installation acting as the OpenID Connect provider) and the marketplace, whose sign-in
/// page offers "Sign in with" the directory. The directory has the marketplace registered as a client. Headless
/// Chromium drives both; any Content-Security-Policy refusal in it is recorded.
/// </summary>
public sealed class SingleSignOnFixture : IAsyncLifetime
{
    public const string ProviderName = "Directorio";
    public const string MarketplaceClientId = "marketplace-site";

    private static readonly IPAddress DirectoryAddress = IPAddress.Parse("127.0.0.2");

    /// <summary>Access tokens of the directory live this long, so a test can see one expire.</summary>
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromSeconds(6);

    private readonly MarketplaceCluster directoryCluster = new();
    private readonly MarketplaceCluster marketplaceCluster = new();
    private WebHostFactory? directory;
    private WebHostFactory? marketplace;
    private WebApplication? clientSite;
    private IPlaywright? playwright;
    private IBrowser? browser;

    public string DirectoryOrigin { get; private set; } = "";

    public string MarketplaceOrigin { get; private set; } = "";

    /// <summary>A client site's callback: every request it received, by path and query.</summary>
    public string ClientOrigin { get; private set; } = "";

    public ConcurrentQueue<Uri> ClientRequests { get; } = new();

    /// <summary>Waits until the client site received a callback whose <c>state</c> is the one given; answers its query.</summary>
    public async Task<Dictionary<string, string>> CallbackAsync(string state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var uri in ClientRequests)
            {
                var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(uri.Query).ToDictionary(p => p.Key, p => p.Value.ToString());
                if (query.GetValueOrDefault("state") == state)
                {
                    return query;
                }
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The client site received no callback with state {state}.");
    }

    public MarketplaceCluster Directory => directoryCluster;

    public MarketplaceCluster Marketplace => marketplaceCluster;

    /// <summary>Pages refused by the Content-Security-Policy, as Chromium reported them.</summary>
    public ConcurrentQueue<string> PolicyViolations { get; } = new();

    public async Task<IPage> NewVisitorAsync()
    {
        var context = await browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = BrowserFixture.Desktop, Locale = "en-US" });
        context.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                PolicyViolations.Enqueue($"{message.Location}: {message.Text}");
            }
        };
        return await context.NewPageAsync();
    }

    public HttpClient DirectoryClient() => new() { BaseAddress = new Uri(DirectoryOrigin) };

    public HttpClient MarketplaceClient() => new() { BaseAddress = new Uri(MarketplaceOrigin) };

    /// <summary>An admin of the directory (the provider's clients and keys are theirs to manage).</summary>
    public async Task<HttpClient> DirectoryAdminAsync()
    {
        var http = DirectoryClient();
        http.UseToken(await http.LoginAsync(TestSecrets.AdminEmail, TestSecrets.AdminPassword));
        return http;
    }

    public async ValueTask InitializeAsync()
    {
        var chromium = BrowserFixture.ChromiumPath;
        clientSite = await StartClientSiteAsync();
        await directoryCluster.StartAsync("sso-directory");
        // Cookies belong to a host whatever its port: on one address the two installations' sign-in cookies would be
        // one cookie. The directory answers on another loopback address, as it would on a domain of its own.
        var directoryPort = ProcessHost.FreePort();
        DirectoryOrigin = $"http://{DirectoryAddress}:{directoryPort}";
        directory = Start(directoryCluster, DirectoryAddress, directoryPort, new Dictionary<string, string>
        {
            ["Oidc:AccessTokenLifetime"] = AccessTokenLifetime.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        });
        await directory.WaitReadyAsync(TimeSpan.FromSeconds(60));

        // The directory registers the marketplace as a first-party client (no consent page), as its operator would.
        var marketplacePort = ProcessHost.FreePort();
        MarketplaceOrigin = $"http://127.0.0.1:{marketplacePort}";
        using var admin = await DirectoryAdminAsync();
        var registered = await admin.PostAsJsonAsync("/api/admin/oidc/clients", new
        {
            clientId = MarketplaceClientId,
            displayName = "Marketplace",
            redirectUris = new[] { MarketplaceOrigin + "/account/external/callback" },
            scopes = new[] { "openid", "profile", "email" },
            requireConsent = false,
        });
        var client = await registered.ReadJsonAsync();
        if (registered.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"The directory refused the client: {client}");
        }

        await marketplaceCluster.StartAsync("sso-marketplace");
        marketplace = Start(marketplaceCluster, IPAddress.Loopback, marketplacePort, new Dictionary<string, string>
        {
            ["Authentication:External:Issuer"] = DirectoryOrigin + "/",
            ["Authentication:External:ClientId"] = MarketplaceClientId,
            ["Authentication:External:ClientSecret"] = client.GetProperty("clientSecret").GetString()!,
            ["Authentication:External:DisplayName"] = ProviderName,
        });
        await marketplace.WaitReadyAsync(TimeSpan.FromSeconds(60));

        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
        if (clientSite is not null)
        {
            await clientSite.DisposeAsync();
        }

        foreach (var host in new[] { marketplace, directory })
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
        }

        await marketplaceCluster.DisposeAsync();
        await directoryCluster.DisposeAsync();
    }

    /// <summary>A site that signs people in through the directory: here only its callback, which records what arrives.</summary>
    private async Task<WebApplication> StartClientSiteAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(context =>
        {
            ClientRequests.Enqueue(new Uri($"{ClientOrigin}{context.Request.Path}{context.Request.QueryString}"));
            return context.Response.WriteAsync("signed in");
        });
        await app.StartAsync();
        ClientOrigin = app.Urls.Single().TrimEnd('/');
        return app;
    }

    private static WebHostFactory Start(MarketplaceCluster cluster, IPAddress address, int port, Dictionary<string, string> settings)
    {
        settings["Marketplace:PublicUrl"] = $"http://{address}:{port}";
        var host = new WebHostFactory(cluster, settings);
        host.UseKestrel(k => k.Listen(address, port));
        host.StartServer();
        return host;
    }
}

[CollectionDefinition(Name)]
public sealed class SingleSignOnCollection : ICollectionFixture<SingleSignOnFixture>
{
    public const string Name = "single sign-on";
}
