using Marketplace.Contracts.Orders;
using Marketplace.Grains.Orders;
using Marketplace.Grains.Storage;

namespace Marketplace.Grains.Insights;

/// <summary>One step of an order as the warehouse counts it.</summary>
/// <param name="Kind">The status the order reached (camelCase, as the API names it), or "returned".</param>
/// <param name="Ref">Tells apart steps of one kind: a return's id; empty otherwise.</param>
/// <param name="Units">The units the step concerns: the order's for its statuses, the return's for "returned".</param>
public sealed record OrderEvent(string Kind, string Ref, DateTimeOffset At, int Units);

/// <summary>
/// The steps an order's state has taken, read from the state itself rather than from the pages that caused them: the
/// first time the order reached each status (its timeline), and each return the store received. The same state always
/// gives the same steps, and a later state only adds to them, so writing them again is harmless.
/// </summary>
public static class OrderEvents
{
    /// <summary>What the "returned" step is called.</summary>
    public const string Returned = "returned";

    public static IReadOnlyList<OrderEvent> Of(OrderState order)
    {
        if (!order.Created)
        {
            return [];
        }

        var units = order.Lines.Sum(l => l.Quantity);
        var events = new List<OrderEvent>();
        var seen = new HashSet<OrderStatus>();
        foreach (var entry in order.Timeline)
        {
            // The timeline also notes things that happen within a status (in transit, a refund); only arrivals count.
            if (seen.Add(entry.Status))
            {
                events.Add(new OrderEvent(StateJson.Name(entry.Status), "", entry.At, units));
            }
        }

        foreach (var returned in order.Returns)
        {
            if (returned.ReceivedAt is { } at)
            {
                events.Add(new OrderEvent(Returned, returned.ReturnId, at, returned.Lines.Sum(l => l.Quantity)));
            }
        }

        return events;
    }
}
