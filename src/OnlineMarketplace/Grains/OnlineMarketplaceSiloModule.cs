using Marketplace.OnlineMarketplace.Grains;
using Marketplace.ServiceDefaults.Modules;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

[assembly: MarketplaceModule(typeof(OnlineMarketplaceSiloModule))]

namespace Marketplace.OnlineMarketplace.Grains;

/// <summary>The benchmark module on a silo that switches it on: its grains' settings and their bookkeeping tables.</summary>
public sealed class OnlineMarketplaceSiloModule : ISiloModule
{
    public void AddServices(IServiceCollection services)
    {
        // The grains still refuse every call unless OnlineMarketplace:Enabled, and from anyone but the module's web side.
        services.AddOptions<OnlineMarketplaceOptions>().BindConfiguration(OnlineMarketplaceOptions.Section);
        services.TryAddSingleton<OmStore>();
    }
}
