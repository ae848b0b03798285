using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Testing;

namespace Marketplace.WebClient.Tests;

/// <summary>A silo cluster on its own database and the real web host in front of it.</summary>
public sealed class WebFixture : MarketplaceCluster, IAsyncLifetime
{
    private WebHostFactory? factory;

    public HttpClient CreateClient() => Factory.CreateClient();

    public WebHostFactory Factory => factory ?? throw new InvalidOperationException("Not started.");

    /// <summary>A client signed in as the seeded admin.</summary>
    public async Task<HttpClient> CreateAdminClientAsync()
    {
        var http = CreateClient();
        http.UseToken(await http.LoginAsync(TestSecrets.AdminEmail, TestSecrets.AdminPassword));
        return http;
    }

    public async ValueTask InitializeAsync()
    {
        await StartAsync("web");
        factory = new WebHostFactory(this);
        _ = factory.Server; // start the host now, not in the first test
        await WaitForSeedAsync(factory);
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        await DisposeAsync();
    }

    /// <summary>The admin account (and the demo, when asked for) is created in the background at start-up; readiness says when.</summary>
    internal static async Task WaitForSeedAsync(WebHostFactory host, TimeSpan? timeout = null)
    {
        using var http = host.CreateClient();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
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

[CollectionDefinition(Name)]
public sealed class WebCollection : ICollectionFixture<WebFixture>
{
    public const string Name = "web host";
}

