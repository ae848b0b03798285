using System.Globalization;
using System.Text;
using Npgsql;

namespace Marketplace.Web.Orders;

public enum OrderScope
{
    Buyer,
    Seller,
}

public sealed record OrderSummary(
    string OrderId, string BuyerId, string SellerId, string SellerName, string Status, string Currency, long Total, long Refunded,
    int ItemCount, DateTimeOffset PlacedAt, DateTimeOffset UpdatedAt, DateTimeOffset? PaidAt, DateTimeOffset? DecideBy);

/// <summary>A page of orders, newest first; <see cref="NextCursor"/> fetches the next page.</summary>
public sealed record OrderPage(IReadOnlyList<OrderSummary> Orders, string? NextCursor);

public sealed record StatusCount(string Status, int Orders);

public sealed record DailyRevenue(DateOnly Day, string Currency, long Revenue, int Orders);

public sealed record TopProduct(string ProductId, string Title, int UnitsSold, long Revenue, string Currency);

/// <summary>An amount in one currency, in minor units.</summary>
public sealed record CurrencyAmount(string Currency, long Amount);

public sealed record StoreDashboard(
    IReadOnlyList<StatusCount> OrdersByStatus,
    IReadOnlyList<DailyRevenue> RevenueByDay,
    IReadOnlyList<TopProduct> TopProducts,
    IReadOnlyList<OrderSummary> OpenQuotations,
    IReadOnlyList<LowStockSku> LowStock,
    IReadOnlyList<CurrencyAmount> Commission);

/// <summary>
/// Reads of the order read model (migration 0006), which the database keeps in the same transaction as each order's
/// state write; revenue counts paid orders net of refunds, in the order's currency. The dashboard's low-stock list is
/// the inventory's answer (<see cref="IStoreStockGrain"/>): its table and its threshold are its own.
/// </summary>
public sealed class OrderQueries(NpgsqlDataSource db, IGrainFactory grains)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;
    /// <summary>How many low-stock SKUs the dashboard lists.</summary>
    public const int LowStockListed = 50;

    /// <summary>Order statuses as the read model stores them: the API's camelCase spelling ("awaitingPayment").</summary>
    public static IReadOnlyList<string> StatusNames { get; } =
        Enum.GetNames<Marketplace.Contracts.Orders.OrderStatus>().Select(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName).ToList();

    private const string Columns =
        "order_id, buyer_id, seller_id, seller_name, status, currency, total, refunded, item_count, placed_at, updated_at, paid_at, decide_by";

    /// <summary>A page of the owner's orders; <paramref name="status"/> as stored (camelCase), or null for all.</summary>
    public async Task<OrderPage> ListAsync(OrderScope scope, string ownerId, string? status, int? limit, string? cursor, CancellationToken ct)
    {
        var size = Math.Clamp(limit ?? DefaultPageSize, 1, MaxPageSize);
        var owner = scope == OrderScope.Buyer ? "buyer_id" : "seller_id";
        var sql = new StringBuilder($"SELECT {Columns} FROM order_listings WHERE {owner} = $1");
        await using var command = db.CreateCommand();
        command.Parameters.Add(new NpgsqlParameter { Value = ownerId });
        if (status is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = status });
            sql.Append(CultureInfo.InvariantCulture, $" AND status = ${command.Parameters.Count}");
        }

        if (DecodeCursor(cursor) is var (placedAt, orderId))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = placedAt });
            command.Parameters.Add(new NpgsqlParameter { Value = orderId });
            sql.Append(CultureInfo.InvariantCulture,
                $" AND (placed_at, order_id) < (${command.Parameters.Count - 1}, ${command.Parameters.Count})");
        }

        sql.Append(CultureInfo.InvariantCulture, $" ORDER BY placed_at DESC, order_id DESC LIMIT {size + 1}");
        command.CommandText = sql.ToString();
        var rows = await ReadSummariesAsync(command, ct);
        var next = rows.Count > size ? EncodeCursor(rows[size - 1]) : null;
        return new OrderPage(rows.Take(size).ToList(), next);
    }

    public async Task<StoreDashboard> DashboardAsync(string sellerId, CancellationToken ct)
    {
        var lowStock = grains.GetGrain<IStoreStockGrain>(sellerId).LowStock(LowStockListed);
        await using var connection = await db.OpenConnectionAsync(ct);
        var byStatus = await ReadAsync(connection, """
            SELECT status, count(*)::integer FROM order_listings WHERE seller_id = $1 GROUP BY status ORDER BY status
            """, sellerId, r => new StatusCount(r.GetString(0), r.GetInt32(1)), ct);
        var revenue = await ReadAsync(connection, """
            SELECT (paid_at AT TIME ZONE 'UTC')::date, currency, sum(total - refunded)::bigint, count(*)::integer
            FROM order_listings
            WHERE seller_id = $1 AND paid_at >= now() - interval '30 days'
            GROUP BY 1, 2 ORDER BY 1, 2
            """, sellerId, r => new DailyRevenue(DateOnly.FromDateTime(r.GetDateTime(0)), r.GetString(1), r.GetInt64(2), r.GetInt32(3)), ct);
        var top = await ReadAsync(connection, """
            SELECT l.product_id, max(l.title), sum(l.quantity)::integer, sum(l.quantity * l.unit_price)::bigint, o.currency
            FROM order_listing_lines l JOIN order_listings o ON o.order_id = l.order_id
            WHERE l.seller_id = $1 AND o.paid_at >= now() - interval '30 days' AND o.status <> 'refunded'
            GROUP BY l.product_id, o.currency ORDER BY 3 DESC, 1 LIMIT 10
            """, sellerId, r => new TopProduct(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt64(3), r.GetString(4)), ct);
        await using var quotations = connection.CreateCommand();
        quotations.CommandText = $"""
            SELECT {Columns} FROM order_listings
            WHERE seller_id = $1 AND status = 'awaitingSellerConfirmation' ORDER BY decide_by, order_id LIMIT 50
            """;
        quotations.Parameters.Add(new NpgsqlParameter { Value = sellerId });
        var open = await ReadSummariesAsync(quotations, ct);
        // What the marketplace kept of the store's sales in 30 days: commission taken, less what refunds gave back.
        var commission = await ReadAsync(connection, """
            SELECT currency, (sum(amount) FILTER (WHERE credit = 'commission') - coalesce(sum(amount) FILTER (WHERE debit = 'commission'), 0))::bigint
            FROM ledger_entries
            WHERE seller_id = $1 AND at >= now() - interval '30 days' AND 'commission' IN (debit, credit)
            GROUP BY currency ORDER BY currency
            """, sellerId, r => new CurrencyAmount(r.GetString(0), r.GetInt64(1)), ct);
        return new StoreDashboard(byStatus, revenue, top, open, await lowStock, commission);
    }

    /// <summary>The buyer's delivered orders that include the product, oldest first (candidates for a review).</summary>
    public async Task<IReadOnlyList<string>> DeliveredOrdersWithProductAsync(string buyerId, string productId, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            SELECT o.order_id FROM order_listings o
            WHERE o.buyer_id = $1 AND o.status = 'delivered'
              AND EXISTS (SELECT 1 FROM order_listing_lines l WHERE l.order_id = o.order_id AND l.product_id = $2)
            ORDER BY o.placed_at, o.order_id LIMIT 20
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = buyerId });
        command.Parameters.Add(new NpgsqlParameter { Value = productId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var ids = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static async Task<List<T>> ReadAsync<T>(NpgsqlConnection connection, string sql, string sellerId, Func<NpgsqlDataReader, T> map, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = sellerId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    private static async Task<List<OrderSummary>> ReadSummariesAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<OrderSummary>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new OrderSummary(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                reader.GetInt64(6), reader.GetInt64(7), reader.GetInt32(8), reader.GetFieldValue<DateTimeOffset>(9),
                reader.GetFieldValue<DateTimeOffset>(10),
                reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11),
                reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12)));
        }

        return rows;
    }

    private static string EncodeCursor(OrderSummary last) => Convert.ToBase64String(Encoding.UTF8.GetBytes(
        last.PlacedAt.UtcTicks.ToString(CultureInfo.InvariantCulture) + "|" + last.OrderId));

    /// <summary>The position after which the next page starts; a cursor that does not decode starts from the top.</summary>
    private static (DateTimeOffset PlacedAt, string OrderId)? DecodeCursor(string? cursor)
    {
        try
        {
            var text = cursor is null ? null : Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            var bar = text?.IndexOf('|', StringComparison.Ordinal) ?? -1;
            return bar > 0 && long.TryParse(text![..bar], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                ? (new DateTimeOffset(ticks, TimeSpan.Zero), text[(bar + 1)..])
                : null;
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
