using System.Text.Json;
using Marketplace.OnlineMarketplace.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace Marketplace.OnlineMarketplace.Grains;

/// <summary>One order of a benchmark checkout, as the delivery queue records it.</summary>
public sealed record OmOrderEntry(string OrderId, string SellerId, int CustomerId, string CheckoutId, string ShipmentId);

/// <summary>An order the delivery step is to deliver, and its shipment at the carrier.</summary>
public sealed record OmDelivery(string OrderId, string ShipmentId);

/// <summary>A product as ingested, with the stock the ingestion set (null when no stock row came).</summary>
public sealed record OmIngestedProduct(int SellerId, int ProductId, OmProduct? Product, int? Stock);

/// <summary>
/// The module's own tables (migration 0011): the id mapping, what was ingested, and the delivery queue. Grain state
/// stays the authority on everything else; these rows only say which grains belong to the benchmark.
/// </summary>
public sealed class OmStore(NpgsqlDataSource db)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task RecordSellerAsync(int sellerId, CancellationToken ct = default) =>
        RecordKeyAsync("om_sellers", "seller_id", sellerId, OmKeys.SellerId(sellerId), ct);

    public Task RecordCustomerAsync(int customerId, CancellationToken ct = default) =>
        RecordKeyAsync("om_customers", "user_id", customerId, OmKeys.CustomerUserId(customerId), ct);

    /// <summary>Records the product as ingested; a later ingestion of the same product replaces the record.</summary>
    public Task RecordProductAsync(OmProduct product, CancellationToken ct = default) =>
        UpsertProductAsync(product.SellerId, product.ProductId, "ingested", JsonSerializer.Serialize(product, Json), NpgsqlDbType.Jsonb, ct);

    public Task RecordStockAsync(int sellerId, int productId, int onHand, CancellationToken ct = default) =>
        UpsertProductAsync(sellerId, productId, "ingested_stock", onHand, NpgsqlDbType.Integer, ct);

    public async Task<IReadOnlyList<OmIngestedProduct>> IngestedProductsAsync(CancellationToken ct = default)
    {
        await using var command = db.CreateCommand(
            "SELECT seller_external, product_external, ingested, ingested_stock FROM om_products ORDER BY 1, 2");
        await using var reader = await Guarded(() => command.ExecuteReaderAsync(ct));
        var rows = new List<OmIngestedProduct>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new OmIngestedProduct(reader.GetInt32(0), reader.GetInt32(1),
                reader.IsDBNull(2) ? null : JsonSerializer.Deserialize<OmProduct>(reader.GetString(2), Json),
                reader.IsDBNull(3) ? null : reader.GetInt32(3)));
        }

        return rows;
    }

    public async Task<IReadOnlyList<int>> CustomersAsync(CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("SELECT external_id FROM om_customers ORDER BY 1");
        await using var reader = await Guarded(() => command.ExecuteReaderAsync(ct));
        var ids = new List<int>();
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetInt32(0));
        }

        return ids;
    }

    /// <summary>Queues a checkout's orders for delivery; recording them again changes nothing.</summary>
    public async Task RecordOrdersAsync(IReadOnlyList<OmOrderEntry> orders, int partitions, CancellationToken ct = default)
    {
        if (orders.Count == 0)
        {
            return;
        }

        await using var command = db.CreateCommand("""
            INSERT INTO om_orders (order_id, seller_id, customer_external, partition_no, checkout_id, shipment_id)
            SELECT * FROM unnest($1::text[], $2::text[], $3::integer[], $4::integer[], $5::text[], $6::text[])
            ON CONFLICT (order_id) DO NOTHING
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = orders.Select(o => o.OrderId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = orders.Select(o => o.SellerId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = orders.Select(o => o.CustomerId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = orders.Select(o => Math.Abs(o.CustomerId % partitions)).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = orders.Select(o => o.CheckoutId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = orders.Select(o => o.ShipmentId).ToArray() });
        await Guarded(() => command.ExecuteNonQueryAsync(ct));
    }

    /// <summary>
    /// Claims the orders this delivery step delivers: in each partition, the <paramref name="perPartition"/> oldest open
    /// checkouts, and among those, per store, the store's order from the oldest one. Rows another step claimed (until
    /// their claim runs out) are left to it.
    /// </summary>
    public async Task<IReadOnlyList<OmDelivery>> ClaimForDeliveryAsync(int perPartition, TimeSpan claim, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("""
            WITH checkouts AS (
                SELECT partition_no, checkout_id, min(seq) AS first_seq
                FROM om_orders WHERE open AND (claimed_until IS NULL OR claimed_until < now())
                GROUP BY partition_no, checkout_id
            ), oldest AS (
                SELECT partition_no, checkout_id, first_seq,
                       row_number() OVER (PARTITION BY partition_no ORDER BY first_seq) AS age
                FROM checkouts
            ), picked AS (
                SELECT DISTINCT ON (o.partition_no, o.seller_id) o.order_id
                FROM om_orders o
                JOIN oldest c ON c.partition_no = o.partition_no AND c.checkout_id = o.checkout_id AND c.age <= $1
                WHERE o.open AND (o.claimed_until IS NULL OR o.claimed_until < now())
                ORDER BY o.partition_no, o.seller_id, c.first_seq
            ), locked AS (
                -- Rows a concurrent step is claiming are skipped, not waited for: no step waits on another, none deadlocks.
                SELECT o.order_id FROM om_orders o
                WHERE o.order_id IN (SELECT order_id FROM picked) AND o.open AND (o.claimed_until IS NULL OR o.claimed_until < now())
                ORDER BY o.order_id
                FOR UPDATE SKIP LOCKED
            )
            UPDATE om_orders o SET claimed_until = now() + $2
            FROM locked l
            WHERE o.order_id = l.order_id
            RETURNING o.order_id, o.shipment_id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = perPartition });
        command.Parameters.Add(new NpgsqlParameter { Value = claim });
        await using var reader = await Guarded(() => command.ExecuteReaderAsync(ct));
        var due = new List<OmDelivery>();
        while (await reader.ReadAsync(ct))
        {
            due.Add(new OmDelivery(reader.GetString(0), reader.GetString(1)));
        }

        return due;
    }

    /// <summary>Marks delivered orders closed, and lets the claims on the others go for the next step.</summary>
    public async Task SettleClaimsAsync(IReadOnlyList<string> delivered, IReadOnlyList<string> failed, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("""
            UPDATE om_orders SET open = open AND NOT (order_id = ANY($1)), claimed_until = NULL
            WHERE order_id = ANY($1) OR order_id = ANY($2)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = delivered.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = failed.ToArray() });
        await Guarded(() => command.ExecuteNonQueryAsync(ct));
    }

    /// <summary>Takes every benchmark order out of the benchmark's view (dashboard, delivery); answers how many were open.</summary>
    public async Task<int> ForgetOrdersAsync(CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("WITH gone AS (DELETE FROM om_orders RETURNING open) SELECT count(*) FILTER (WHERE open)::integer FROM gone");
        return (int)(await Guarded(() => command.ExecuteScalarAsync(ct)))!;
    }

    /// <summary>Forgets the whole mapping (after a clean-up archived what it named).</summary>
    public async Task ForgetMappingAsync(CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("DELETE FROM om_products; DELETE FROM om_customers; DELETE FROM om_sellers;");
        await Guarded(() => command.ExecuteNonQueryAsync(ct));
    }

    /// <summary>A database failure crosses the grain boundary as a retryable refusal (driver exceptions do not serialize).</summary>
    private static async Task<T> Guarded<T>(Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (NpgsqlException e)
        {
            throw new DomainException(DomainErrorKind.Unavailable, "om-store-unavailable",
                $"The benchmark's bookkeeping could not be read or written ({e.SqlState ?? e.Message}); retry.");
        }
    }

    /// <summary>Records which marketplace id a benchmark key became; recording it again changes nothing.</summary>
    private async Task RecordKeyAsync(string table, string column, int externalId, string id, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            $"INSERT INTO {table} (external_id, {column}) VALUES ($1, $2) ON CONFLICT (external_id) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter { Value = externalId });
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await Guarded(() => command.ExecuteNonQueryAsync(ct));
    }

    private async Task UpsertProductAsync(int sellerId, int productId, string column, object value, NpgsqlDbType type, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"""
            INSERT INTO om_products (seller_external, product_external, product_id, seller_id, {column})
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (seller_external, product_external) DO UPDATE SET {column} = EXCLUDED.{column}
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = sellerId });
        command.Parameters.Add(new NpgsqlParameter { Value = productId });
        command.Parameters.Add(new NpgsqlParameter { Value = OmKeys.ProductId(sellerId, productId) });
        command.Parameters.Add(new NpgsqlParameter { Value = OmKeys.SellerId(sellerId) });
        command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
        await Guarded(() => command.ExecuteNonQueryAsync(ct));
    }
}
