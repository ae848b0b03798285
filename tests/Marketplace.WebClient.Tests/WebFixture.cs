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
        await factory.WaitReadyAsync();
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        await DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class WebCollection : ICollectionFixture<WebFixture>
{
    public const string Name = "web host";
}

