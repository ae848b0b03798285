using System.Net;
using Marketplace.ServiceDefaults;
using Microsoft.Extensions.Configuration;

namespace Marketplace.Silo.Hosting;

/// <summary>Where a silo finds its database and cluster, read from configuration or the environment.</summary>
public sealed record SiloSettings
{
    public required string ConnectionString { get; init; }

    public string ClusterId { get; init; } = "marketplace";

    public string ServiceId { get; init; } = "marketplace";

    public int SiloPort { get; init; } = 11111;

    public int GatewayPort { get; init; } = 30000;

    /// <summary>The address other silos and clients use to reach this one (the pod IP on Kubernetes).</summary>
    public IPAddress AdvertisedAddress { get; init; } = IPAddress.Loopback;

    public string? SiloName { get; init; }

    /// <summary>Hosts the Orleans dashboard's grains (the web host serves its pages to admins); on by default.</summary>
    public bool Dashboard { get; init; } = true;

    /// <summary>Carries the caller's trace through grain calls; on when traces are exported.</summary>
    public bool ActivityPropagation { get; init; }

    /// <summary>
    /// Reads <c>ConnectionStrings:Marketplace</c> (or <c>MARKETPLACE_DB</c>) and the <c>Orleans</c> section:
    /// ClusterId, ServiceId, SiloPort, GatewayPort, AdvertisedIP, SiloName, Dashboard. On Kubernetes POD_IP and POD_NAME from the
    /// downward API fill AdvertisedIP and SiloName when those are not set.
    /// </summary>
    public static SiloSettings FromConfiguration(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Marketplace") ?? configuration["MARKETPLACE_DB"];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                "No database configured: set ConnectionStrings__Marketplace or MARKETPLACE_DB to a PostgreSQL connection string.");
        }

        var orleans = configuration.GetSection("Orleans");
        var advertised = orleans["AdvertisedIP"] ?? configuration["POD_IP"];
        return new SiloSettings
        {
            ConnectionString = connectionString,
            ClusterId = orleans["ClusterId"] ?? "marketplace",
            ServiceId = orleans["ServiceId"] ?? "marketplace",
            SiloPort = orleans.GetValue("SiloPort", 11111),
            GatewayPort = orleans.GetValue("GatewayPort", 30000),
            AdvertisedAddress = string.IsNullOrWhiteSpace(advertised) ? IPAddress.Loopback : IPAddress.Parse(advertised),
            SiloName = orleans["SiloName"] ?? configuration["POD_NAME"],
            Dashboard = orleans.GetValue("Dashboard", true),
            ActivityPropagation = TelemetrySetup.TracingEnabled(configuration),
        };
    }
}
