using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Marketplace.ServiceDefaults;

/// <summary>
/// The Online Marketplace benchmark's compatibility module as the hosts know it: its switch
/// (<c>OnlineMarketplace:Enabled</c>), read the same way by silos and web hosts, the assemblies they load when it is on
/// (src/OnlineMarketplace; no host references them), and the path its HTTP contract lives under. Its endpoints are
/// unauthenticated by design, so a Production process refuses it.
/// </summary>
public static class BenchmarkModule
{
    public const string EnabledKey = "OnlineMarketplace:Enabled";

    /// <summary>Where its endpoints live; a web host without the module answers 404 problem details for every path here.</summary>
    public const string RoutePrefix = "/om";

    /// <summary>Its grains, loaded by a silo that switches it on.</summary>
    public const string SiloAssembly = "Marketplace.OnlineMarketplace.Grains";

    /// <summary>Its endpoints, loaded by a web host that switches it on.</summary>
    public const string WebAssembly = "Marketplace.OnlineMarketplace.Web";

    /// <summary>Whether the module is on; throws when it is on in the Production environment.</summary>
    public static bool IsEnabled(IConfiguration configuration, IHostEnvironment environment)
    {
        var enabled = configuration.GetValue<bool>(EnabledKey);
        if (enabled && environment.IsProduction())
        {
            throw new InvalidOperationException(
                $"{EnabledKey} is set in the Production environment. The Online Marketplace benchmark module's endpoints " +
                "are unauthenticated by design; it runs only in Development or Testing.");
        }

        return enabled;
    }
}
