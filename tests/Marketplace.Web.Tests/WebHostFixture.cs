using Marketplace.Testing;

namespace Marketplace.Web.Tests;

/// <summary>A silo cluster on its own database and the real web host in front of it; a subclass says how the host starts.</summary>
public abstract class WebHostFixture : MarketplaceCluster, IAsyncLifetime
{
    private WebHostFactory? factory;

    public WebHostFactory Factory => factory ?? throw new InvalidOperationException("Not started.");

    public HttpClient CreateClient() => Factory.CreateClient();

    /// <summary>A client signed in as the seeded admin.</summary>
    public async Task<HttpClient> CreateAdminClientAsync()
    {
        var http = CreateClient();
        http.UseToken(await http.LoginAsync(TestSecrets.AdminEmail, TestSecrets.AdminPassword));
        return http;
    }

    public async ValueTask InitializeAsync()
    {
        factory = await StartHostAsync();
        await factory.WaitReadyAsync();
    }

    /// <summary>Starts the cluster and the web host in front of it (not yet ready).</summary>
    protected abstract Task<WebHostFactory> StartHostAsync();

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        await DisposeAsync();
        await DisposeOthersAsync();
    }

    /// <summary>Stops what a subclass started beside the cluster and the host (e.g. a mail server).</summary>
    protected virtual ValueTask DisposeOthersAsync() => ValueTask.CompletedTask;
}
