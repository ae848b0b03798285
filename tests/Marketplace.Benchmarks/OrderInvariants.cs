using Marketplace.Testing;

namespace Marketplace.Benchmarks;

/// <summary>
/// DESIGN.md §4.1–3 from the database after a benchmark: units conserved, one capture per order, refunds within it,
/// units sold equal to the units of paid orders. The only reader of grain state in the benchmarks is
/// <see cref="OrderStatesAsync"/>.
/// </summary>
public static class OrderInvariants
{
    public static async Task CheckAsync(TestDatabase database)
    {
        await Task.Delay(TimeSpan.FromSeconds(2));
        var unconserved = await database.ScalarAsync<long>("""
            SELECT count(*) FROM inventory_skus WHERE on_hand + sold <> initial_stock + adjustments OR on_hand < reserved
            """);
        var orders = await database.ScalarAsync<long>("SELECT count(*) FROM order_listings");
        var paid = await database.ScalarAsync<long>("SELECT count(*) FROM order_listings WHERE status = 'paid'");
        var states = await OrderStatesAsync(database);
        var doubleCaptured = await database.ScalarAsync<long>($"""
            WITH orders AS ({states})
            SELECT count(*) FROM orders o
            WHERE (SELECT count(*) FROM jsonb_array_elements(o.state -> 'Payments') p
                   WHERE p ->> 'Status' = 'succeeded' AND (p ->> 'RefundedAmount')::bigint < (p ->> 'Amount')::bigint) > 1
            """);
        var overRefunded = await database.ScalarAsync<long>($"""
            WITH orders AS ({states})
            SELECT count(*) FROM orders o, jsonb_array_elements(o.state -> 'Payments') p
            WHERE (p ->> 'RefundedAmount')::bigint > (p ->> 'Amount')::bigint
            """);
        var soldVersusOrders = await database.ScalarAsync<long>("""
            SELECT (SELECT coalesce(sum(sold), 0) FROM inventory_skus)
                 - (SELECT coalesce(sum(l.quantity), 0) FROM order_listing_lines l JOIN order_listings o USING (order_id) WHERE o.paid_at IS NOT NULL)
                 + (SELECT coalesce(sum(returned), 0) FROM inventory_adjustments)
            """);
        Console.WriteLine($"invariants: {orders} orders ({paid} paid); SKUs not conserving units: {unconserved}; orders keeping two payments: " +
                          $"{doubleCaptured}; refunds above capture: {overRefunded}; units sold minus units in paid orders: {soldVersusOrders}");
    }

    /// <summary>
    /// A query of every order's stored state as jsonb (column <c>state</c>), from whichever table holds grain state:
    /// <c>grain_states</c> (a json payload) or, before it, <c>orleans_storage</c> (UTF-8 bytes).
    /// </summary>
    private static async Task<string> OrderStatesAsync(TestDatabase database) =>
        await database.ScalarAsync<bool>("SELECT to_regclass('grain_states') IS NOT NULL")
            ? "SELECT payload::jsonb AS state FROM grain_states WHERE grain_type = 'order'"
            : "SELECT convert_from(payload, 'UTF8')::jsonb AS state FROM orleans_storage WHERE grain_type = 'order'";
}
