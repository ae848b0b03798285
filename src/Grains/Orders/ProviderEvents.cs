namespace Marketplace.Grains.Orders;

/// <summary>
/// The provider events an order applied, kept in its state (<see cref="OrderState.AppliedEvents"/>, most recent last),
/// so a webhook the provider delivers again changes nothing. Pure.
/// </summary>
public static class ProviderEvents
{
    /// <summary>How many event ids an order remembers; providers redeliver within minutes, not hundreds of events later.</summary>
    public const int Memory = 200;

    public static bool Seen(OrderState order, string eventId) => order.AppliedEvents.Contains(eventId);

    public static void Remember(OrderState order, string eventId)
    {
        order.AppliedEvents.Add(eventId);
        if (order.AppliedEvents.Count > Memory)
        {
            order.AppliedEvents.RemoveRange(0, order.AppliedEvents.Count - Memory);
        }
    }
}
