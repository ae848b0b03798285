using Marketplace.Contracts.Orders;
using Marketplace.Grains.Storage;
using Npgsql;

namespace Marketplace.Grains.Orders;

/// <summary>One order as the listings (buyer's orders, the store's orders and dashboard, the sweeper) read it.</summary>
public sealed record OrderListingRow(
    string OrderId,
    string BuyerId,
    string SellerId,
    string SellerName,
    string Status,
    string Currency,
    long Total,
    long Refunded,
    int ItemCount,
    DateTimeOffset PlacedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? PaidAt,
    DateTimeOffset? DecideBy,
    bool NeedsAttention,
    int StateVersion,
    IReadOnlyList<OrderLine> Lines,
    long Captured = 0,
    long CapturedRefunded = 0,
    DateTimeOffset? DeliveredAt = null,
    long Discount = 0);

/// <summary>
/// <c>order_listings</c> and <c>order_listing_lines</c> from an order's state. An order has a listing once it is
/// created; its lines never change after placement, so they are written with its first listing only.
/// </summary>
public sealed class OrderListingReadModel : ReadModel<OrderState, OrderListingRow>
{
    public override string StateName => "order";

    public override IReadOnlyList<string> Tables { get; } = ["order_listings", "order_listing_lines"];

    public override OrderListingRow? Project(string grainKey, OrderState state, int version) => !state.Created
        ? null
        : new OrderListingRow(
            grainKey, state.BuyerId, state.SellerId, state.SellerName, StateJson.Name(state.Status), state.Currency, state.Total,
            state.Payments.Sum(p => p.RefundedAmount), state.Lines.Sum(l => l.Quantity), state.PlacedAt, state.UpdatedAt,
            state.PaidAt, state.DecideBy, state.NeedsAttention, version, state.Lines, OrderPayments.Captured(state)?.Amount ?? 0,
            OrderPayments.Captured(state)?.RefundedAmount ?? 0, state.Timeline.LastOrDefault(t => t.Status == OrderStatus.Delivered)?.At, state.Discount);

    protected override void AddUpserts(NpgsqlBatch batch, IReadOnlyList<(OrderListingRow Row, bool IsNew)> rows)
    {
        var listings = rows.Select(r => r.Row).ToList();
        batch.BatchCommands.Add(Statement("""
            INSERT INTO order_listings (order_id, buyer_id, seller_id, seller_name, status, currency, total, refunded, item_count,
                                        placed_at, updated_at, paid_at, decide_by, needs_attention, state_version, captured, captured_refunded,
                                        delivered_at, discount)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[],
                                 $8::bigint[], $9::integer[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[],
                                 $13::timestamptz[], $14::boolean[], $15::integer[], $16::bigint[], $17::bigint[], $18::timestamptz[],
                                 $19::bigint[])
            ON CONFLICT (order_id) DO UPDATE
                SET status = EXCLUDED.status, total = EXCLUDED.total, refunded = EXCLUDED.refunded,
                    updated_at = EXCLUDED.updated_at, paid_at = EXCLUDED.paid_at, decide_by = EXCLUDED.decide_by,
                    needs_attention = EXCLUDED.needs_attention, state_version = EXCLUDED.state_version,
                    captured = EXCLUDED.captured, captured_refunded = EXCLUDED.captured_refunded, delivered_at = EXCLUDED.delivered_at
            """,
            listings.Select(r => r.OrderId).ToArray(), listings.Select(r => r.BuyerId).ToArray(),
            listings.Select(r => r.SellerId).ToArray(), listings.Select(r => r.SellerName).ToArray(),
            listings.Select(r => r.Status).ToArray(), listings.Select(r => r.Currency).ToArray(),
            listings.Select(r => r.Total).ToArray(), listings.Select(r => r.Refunded).ToArray(),
            listings.Select(r => r.ItemCount).ToArray(), Utc(listings.Select(r => r.PlacedAt)), Utc(listings.Select(r => r.UpdatedAt)),
            UtcOrNull(listings.Select(r => r.PaidAt)), UtcOrNull(listings.Select(r => r.DecideBy)),
            listings.Select(r => r.NeedsAttention).ToArray(), listings.Select(r => r.StateVersion).ToArray(),
            listings.Select(r => r.Captured).ToArray(), listings.Select(r => r.CapturedRefunded).ToArray(),
            UtcOrNull(listings.Select(r => r.DeliveredAt)), listings.Select(r => r.Discount).ToArray()));

        var lines = rows.Where(r => r.IsNew)
            .SelectMany(r => r.Row.Lines.Select((line, i) => (r.Row.OrderId, r.Row.SellerId, LineNo: i + 1, Line: line)))
            .ToList();
        if (lines.Count == 0)
        {
            return;
        }

        batch.BatchCommands.Add(Statement("""
            INSERT INTO order_listing_lines (order_id, line_no, seller_id, product_id, sku, title, quantity, unit_price, freight)
            SELECT * FROM unnest($1::text[], $2::integer[], $3::text[], $4::text[], $5::text[], $6::text[], $7::integer[],
                                 $8::bigint[], $9::bigint[])
            ON CONFLICT (order_id, line_no) DO NOTHING
            """,
            lines.Select(l => l.OrderId).ToArray(), lines.Select(l => l.LineNo).ToArray(), lines.Select(l => l.SellerId).ToArray(),
            lines.Select(l => l.Line.ProductId).ToArray(), lines.Select(l => l.Line.Sku).ToArray(),
            lines.Select(l => l.Line.Title).ToArray(), lines.Select(l => l.Line.Quantity).ToArray(),
            lines.Select(l => l.Line.UnitPrice).ToArray(), lines.Select(l => l.Line.Freight).ToArray()));
    }

    protected override void AddRemovals(NpgsqlBatch batch, string[] keys) =>
        batch.BatchCommands.Add(Statement("DELETE FROM order_listings WHERE order_id = ANY ($1)", [keys]));
}
