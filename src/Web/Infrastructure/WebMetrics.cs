using System.Diagnostics.Metrics;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// The web host's business counters (meter <c>Marketplace.Web</c>). Hub connections themselves are ASP.NET Core's
/// <c>signalr.server.active_connections</c> and <c>signalr.server.connection.duration</c>.
/// </summary>
public static class WebMetrics
{
    public const string MeterName = "Marketplace.Web";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> LivePushes = Meter.CreateCounter<long>(
        "marketplace.realtime.pushes", "{message}",
        "Live events relayed to a SignalR group (one per event and topic, however many connections the group has), by kind.");

    private static readonly Counter<long> Dropped = Meter.CreateCounter<long>(
        "marketplace.realtime.stale", "{message}", "Live events dropped because a newer one was already relayed.");

    public static void Pushed(string kind) => LivePushes.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public static void Stale() => Dropped.Add(1);
}
