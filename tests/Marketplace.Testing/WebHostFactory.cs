using Microsoft.AspNetCore.Hosting;
using Marketplace.WebClient.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Marketplace.Testing;

/// <summary>
/// The real web host (its whole ASP.NET Core pipeline) connected as an Orleans client to a test cluster.
/// (The type argument only names the web host's assembly; its generated Program class clashes with the silo's.)
/// </summary>
public sealed class WebHostFactory(MarketplaceCluster cluster) : WebApplicationFactory<ClusterHealthCheck>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Marketplace", cluster.Database.ConnectionString);
        builder.UseSetting("Orleans:ClusterId", MarketplaceCluster.ClusterId);
        builder.UseSetting("Orleans:ServiceId", MarketplaceCluster.ServiceId);
    }
}
