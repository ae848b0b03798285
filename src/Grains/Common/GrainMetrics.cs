using System.Diagnostics.Metrics;

namespace Marketplace.Grains.Common;

/// <summary>
/// Business counters of the silo, read by operators next to Orleans' own figures (meter <c>Marketplace.Grains</c>).
/// Each counts when the grain records the change; a write that fails and is retried may count it twice.
/// </summary>
public static class GrainMetrics
{
    public const string MeterName = "Marketplace.Grains";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Checkouts = Meter.CreateCounter<long>(
        "marketplace.checkouts", "{checkout}", "Checkouts answered, by outcome (placed, partial, refused).");

    private static readonly Counter<long> OrdersPlaced = Meter.CreateCounter<long>(
        "marketplace.orders.placed", "{order}", "Orders created by checkouts (one per store).");

    private static readonly Counter<long> Reservations = Meter.CreateCounter<long>(
        "marketplace.inventory.reservations", "{reservation}", "Stock reservations asked for, by result (held, refused).");

    private static readonly Counter<long> Payments = Meter.CreateCounter<long>(
        "marketplace.payments", "{payment}", "Payment outcomes recorded by orders (captured, refunded, declined).");

    private static readonly Counter<long> Notifications = Meter.CreateCounter<long>(
        "marketplace.notifications.stored", "{notification}", "Notifications stored in an inbox (each is then pushed live).");

    public static void Checkout(int placed, int refused)
    {
        Checkouts.Add(1, new KeyValuePair<string, object?>("outcome", placed == 0 ? "refused" : refused == 0 ? "placed" : "partial"));
        if (placed > 0)
        {
            OrdersPlaced.Add(placed);
        }
    }

    public static void Reservation(bool held) =>
        Reservations.Add(1, new KeyValuePair<string, object?>("result", held ? "held" : "refused"));

    public static void Payment(string outcome) => Payments.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public static void NotificationStored() => Notifications.Add(1);
}
