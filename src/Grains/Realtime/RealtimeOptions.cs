namespace Marketplace.Grains.Realtime;

/// <summary>Live feed settings (section "Realtime").</summary>
public sealed class RealtimeOptions
{
    /// <summary>
    /// A watcher gets at most one stock event per SKU per window, and always the latest value at its end. Zero sends
    /// every change.
    /// </summary>
    public TimeSpan CoalesceWindow { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a web host's subscription lasts without renewal (web hosts renew every 10 s by default).</summary>
    public TimeSpan SubscriptionLifetime { get; set; } = TimeSpan.FromSeconds(45);
}
