namespace Marketplace.Grains.Integrations;

/// <summary>Configuration section "Webhooks".</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// Endpoints (and the addresses they resolve to) may be on loopback, private or link-local networks, and plain
    /// HTTP is accepted. For development and tests only: in production such addresses are refused, so an endpoint cannot
    /// make the cluster call into its own network.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>How often an endpoint looks for new events and for deliveries that are due.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The wait after the first failed attempt; it doubles with every further one up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a delivery is tried before it is given up (failed).</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromDays(1);

    /// <summary>An endpoint whose every attempt failed for this long is disabled and its owner told.</summary>
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long a receiver has to answer one delivery.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the previous secret keeps signing after a rotation.</summary>
    public TimeSpan SecretGrace { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Deliveries sent at once by one endpoint (each to a different resource).</summary>
    public int Concurrency { get; set; } = 8;

    /// <summary>Endpoints one store (or the operators) may have.</summary>
    public int MaxEndpointsPerOwner { get; set; } = 10;
}
