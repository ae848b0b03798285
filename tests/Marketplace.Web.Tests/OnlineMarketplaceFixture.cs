using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.OnlineMarketplace.Contracts;
using Marketplace.ServiceDefaults;
using Marketplace.ServiceDefaults.Modules;
using Marketplace.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;


namespace Marketplace.Web.Tests;

/// <summary>
/// The web host with the Online Marketplace benchmark module on, in front of silos with it on, and a carrier that
/// leaves delivery to the benchmark's delivery step (as <c>./marketplace up --om-compat</c> runs it).
/// </summary>
public sealed class OnlineMarketplaceFixture : WebHostFixture
{
    private int nextSeller;

    /// <summary>Seller ids not used by another test of this collection (the tests share one database).</summary>
    public int NewSellerIds(int count) => Interlocked.Add(ref nextSeller, count) - count + 1;

    protected override IReadOnlyDictionary<string, string> SandboxSettings => BenchmarkSandbox;

    protected override IEnumerable<KeyValuePair<string, string?>> SiloSettings => [new("OnlineMarketplace:Enabled", "true")];

    protected override async Task<WebHostFactory> StartHostAsync()
    {
        await StartAsync("om-benchmark");
        // Over real HTTP, so the sandbox's webhooks reach it (a capture whose answer was lost arrives only that way).
        var port = ProcessHost.FreePort();
        var factory = new WebHostFactory(this, new Dictionary<string, string>
        {
            ["OnlineMarketplace:Enabled"] = "true",
            ["Payments:WebhookSecret"] = TestSecrets.SandboxPaymentsWebhookSecret,
            ["Shipping:WebhookSecret"] = TestSecrets.SandboxShippingWebhookSecret,
            ["Marketplace:PublicUrl"] = $"http://127.0.0.1:{port}",
        });
        factory.UseKestrel(port);
        factory.StartServer();
        return factory;
    }
}

[CollectionDefinition(Name)]
public sealed class OnlineMarketplaceCollection : ICollectionFixture<OnlineMarketplaceFixture>
{
    public const string Name = "online marketplace benchmark";
}

