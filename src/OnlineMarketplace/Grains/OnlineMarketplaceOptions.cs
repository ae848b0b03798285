using Marketplace.OnlineMarketplace.Contracts;

namespace Marketplace.OnlineMarketplace.Grains;

/// <summary>
/// The Online Marketplace benchmark's compatibility module (configuration section <c>OnlineMarketplace</c>). Off unless
/// <see cref="Enabled"/>; its HTTP side is unauthenticated by design, so neither silo nor web host starts with it in the
/// Production environment (ServiceDefaults' BenchmarkModule), and its grains refuse every call while it is off.
/// </summary>
public sealed class OnlineMarketplaceOptions
{
    public const string Section = "OnlineMarketplace";

    public bool Enabled { get; set; }

    /// <summary>Shipment partitions (customer id modulo this), as the benchmark's reference implementation has them.</summary>
    public int ShipmentPartitions { get; set; } = 100;

    /// <summary>How many of a partition's oldest open shipments one delivery step looks at.</summary>
    public int OpenShipmentsPerPartition { get; set; } = 10;

    /// <summary>Checkouts a customer remembers (for retries with the same transaction id and the history read).</summary>
    public int CheckoutHistory { get; set; } = 100;

    /// <summary>Refuses a call when the module is off or the caller is not the module itself.</summary>
    internal void Guard()
    {
        if (!Enabled)
        {
            throw DomainException.NotFound("The Online Marketplace module");
        }

        var caller = CallerContext.Require();
        if (!caller.IsIntegration || !string.Equals(caller.UserId, OmKeys.Module.UserId, StringComparison.Ordinal))
        {
            throw DomainException.Forbidden("not-the-benchmark-module", "Only the Online Marketplace module calls these grains.");
        }
    }
}
