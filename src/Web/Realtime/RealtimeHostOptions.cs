namespace Marketplace.Web.Realtime;

/// <summary>How the web host keeps its live subscriptions (section "Realtime").</summary>
public sealed class RealtimeHostOptions
{
    public const string Section = "Realtime";

    /// <summary>
    /// How often every subscription is renewed. A feed that lost its subscribers (its silo died) has them back within
    /// this long after it can be reached again; keep it well under the silos' <c>Realtime:SubscriptionLifetime</c>.
    /// </summary>
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How soon a renewal that failed (the feed's silo is down) is tried again.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a subscribe or renew call may take before it counts as failed.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many products one connection may watch at once.</summary>
    public int MaxWatchesPerConnection { get; set; } = 100;
}
