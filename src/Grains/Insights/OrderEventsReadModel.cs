using Marketplace.Grains.Orders;
using Marketplace.Grains.Storage;
using Npgsql;

namespace Marketplace.Grains.Insights;

/// <summary>An order's steps with the parties they concern.</summary>
public sealed record OrderEventRows(string OrderId, string BuyerId, string SellerId, IReadOnlyList<OrderEvent> Events);

/// <summary>
/// <c>order_events</c> from an order's state, in the same transaction as the state: the warehouse's source of order
/// facts. Rows are only ever added (a step, once taken, stays taken), so a write inserts what is new and keeps the rest.
/// </summary>
public sealed class OrderEventsReadModel : ReadModel<OrderState, OrderEventRows>
{
    public override string StateName => "order";

    public override IReadOnlyList<string> Tables { get; } = ["order_events"];

    public override OrderEventRows? Project(string grainKey, OrderState state, int version) =>
        OrderEvents.Of(state) is { Count: > 0 } events ? new OrderEventRows(grainKey, state.BuyerId, state.SellerId, events) : null;

    protected override void AddUpserts(NpgsqlBatch batch, IReadOnlyList<(OrderEventRows Row, bool IsNew)> rows)
    {
        var events = rows.SelectMany(r => r.Row.Events.Select(e => (r.Row, Event: e))).ToList();
        batch.BatchCommands.Add(Statement("""
            INSERT INTO order_events (order_id, kind, ref, at, buyer_id, seller_id, units)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::integer[])
            ON CONFLICT (order_id, kind, ref) DO NOTHING
            """,
            events.Select(e => e.Row.OrderId).ToArray(), events.Select(e => e.Event.Kind).ToArray(),
            events.Select(e => e.Event.Ref).ToArray(), Utc(events.Select(e => e.Event.At)),
            events.Select(e => e.Row.BuyerId).ToArray(), events.Select(e => e.Row.SellerId).ToArray(),
            events.Select(e => e.Event.Units).ToArray()));
    }

    protected override void AddRemovals(NpgsqlBatch batch, string[] keys) =>
        batch.BatchCommands.Add(Statement("DELETE FROM order_events WHERE order_id = ANY ($1)", [keys]));
}
