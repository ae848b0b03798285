using Marketplace.OnlineMarketplace.Web;
using Marketplace.ServiceDefaults.Modules;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

[assembly: MarketplaceModule(typeof(OnlineMarketplaceWebModule))]

namespace Marketplace.OnlineMarketplace.Web;

/// <summary>The benchmark module on a web host that switches it on: its HTTP contract under <c>/om</c>.</summary>
public sealed class OnlineMarketplaceWebModule : IWebModule
{
    public void AddServices(IServiceCollection services)
    {
        services.AddSingleton<OmDashboard>();
        services.AddOptions<OmWebhookUrls>().BindConfiguration(OmWebhookUrls.Section);
    }

    public void Map(IEndpointRouteBuilder routes) => routes.MapOnlineMarketplaceApi();
}
