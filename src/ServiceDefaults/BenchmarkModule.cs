using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Marketplace.ServiceDefaults;

/// <summary>
/// The switch of the Online Marketplace benchmark's compatibility module (<c>OnlineMarketplace:Enabled</c>), read the
/// same way by silos and web hosts. Its endpoints are unauthenticated by design, so a Production process refuses it.
/// </summary>
public static class BenchmarkModule
{
    public const string EnabledKey = "OnlineMarketplace:Enabled";

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
