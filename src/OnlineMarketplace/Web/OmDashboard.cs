using System.Text.Json.Serialization;
using Marketplace.OnlineMarketplace.Contracts;
using Npgsql;

namespace Marketplace.OnlineMarketplace.Web;

/// <summary>One item of a store's order that is not delivered yet, in the benchmark's names and money.</summary>
public sealed record OmDashboardEntry(
    [property: JsonPropertyName("order_id")] string OrderId,
    [property: JsonPropertyName("customer_id")] int CustomerId,
    [property: JsonPropertyName("seller_id")] int SellerId,
    [property: JsonPropertyName("product_id")] int? ProductId,
    [property: JsonPropertyName("product_name")] string ProductName,
    [property: JsonPropertyName("product_category")] string? ProductCategory,
    [property: JsonPropertyName("unit_price")] decimal UnitPrice,
    [property: JsonPropertyName("quantity")] int Quantity,
    [property: JsonPropertyName("total_items")] decimal TotalItems,
    [property: JsonPropertyName("total_amount")] decimal TotalAmount,
    [property: JsonPropertyName("total_incentive")] decimal TotalIncentive,
    [property: JsonPropertyName("freight_value")] decimal FreightValue,
    [property: JsonPropertyName("total_invoice")] decimal TotalInvoice,
    [property: JsonPropertyName("order_status")] string OrderStatus,
    [property: JsonPropertyName("delivery_status")] string DeliveryStatus,
    [property: JsonPropertyName("placed_at")] DateTimeOffset PlacedAt);

/// <summary>The totals of a store's open entries.</summary>
public sealed record OmSellerView(
    [property: JsonPropertyName("seller_id")] int SellerId,
    [property: JsonPropertyName("count_orders")] int CountOrders,
    [property: JsonPropertyName("count_items")] int CountItems,
    [property: JsonPropertyName("total_amount")] decimal TotalAmount,
    [property: JsonPropertyName("total_freight")] decimal TotalFreight,
    [property: JsonPropertyName("total_incentive")] decimal TotalIncentive,
    [property: JsonPropertyName("total_invoice")] decimal TotalInvoice,
    [property: JsonPropertyName("total_items")] decimal TotalItems);

public sealed record OmSellerDashboard(
    [property: JsonPropertyName("sellerView")] OmSellerView SellerView,
    [property: JsonPropertyName("orderEntries")] IReadOnlyList<OmDashboardEntry> OrderEntries);

/// <summary>
/// The benchmark's seller dashboard, read from the order read model (kept by the database in the same transaction as
/// every order write): one entry per item of the store's benchmark orders that are paid or shipped but not delivered,
/// and totals computed from exactly those entries — one statement, so one snapshot.
/// </summary>
public sealed class OmDashboard(NpgsqlDataSource db)
{
    public async Task<OmSellerDashboard> ReadAsync(int sellerId, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            SELECT o.order_id, o.customer_external, p.product_external, l.title, p.ingested ->> 'category',
                   l.unit_price, l.quantity, l.freight, ol.status, ol.placed_at
            FROM om_orders o
            JOIN order_listings ol ON ol.order_id = o.order_id
            JOIN order_listing_lines l ON l.order_id = o.order_id
            LEFT JOIN om_products p ON p.product_id = l.product_id
            WHERE o.seller_id = $1 AND ol.status IN ('paid', 'shipped')
            ORDER BY ol.placed_at, o.order_id, l.line_no
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = OmKeys.SellerId(sellerId) });
        var entries = new List<OmDashboardEntry>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var unitPrice = reader.GetInt64(5);
                var quantity = reader.GetInt32(6);
                var freight = reader.GetInt64(7);
                var status = reader.GetString(8);
                var items = OmKeys.Decimal(unitPrice * quantity);
                entries.Add(new OmDashboardEntry(
                    reader.GetString(0), reader.GetInt32(1), sellerId, reader.IsDBNull(2) ? null : reader.GetInt32(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), OmKeys.Decimal(unitPrice), quantity, items, items, 0m,
                    OmKeys.Decimal(freight), items + OmKeys.Decimal(freight), status, status == "shipped" ? "shipped" : "pending",
                    reader.GetFieldValue<DateTimeOffset>(9)));
            }
        }

        var view = new OmSellerView(
            sellerId,
            entries.Select(e => e.OrderId).Distinct(StringComparer.Ordinal).Count(),
            entries.Sum(e => e.Quantity),
            entries.Sum(e => e.TotalAmount),
            entries.Sum(e => e.FreightValue),
            entries.Sum(e => e.TotalIncentive),
            entries.Sum(e => e.TotalInvoice),
            entries.Sum(e => e.TotalItems));
        return new OmSellerDashboard(view, entries);
    }
}
