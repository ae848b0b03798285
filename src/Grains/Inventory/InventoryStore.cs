using Marketplace.Grains.Integrations;
using Npgsql;
using NpgsqlTypes;
using Orleans.Storage;

namespace Marketplace.Grains.Inventory;

/// <summary>Durable storage of SKUs: counters, reservations and adjustments.</summary>
public interface IInventoryStore
{
    /// <summary>The SKU's counters and its held reservations, or null when it was never stored.</summary>
    Task<SkuSnapshot?> LoadAsync(string skuId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a batch as one transaction. Throws <see cref="InconsistentStateException"/> when storage is not at the
    /// batch's expected version (another activation wrote in between); nothing is stored then.
    /// </summary>
    Task WriteAsync(InventoryBatch batch, CancellationToken cancellationToken = default);

    Task<Reservation?> FindReservationAsync(string skuId, string orderId, CancellationToken cancellationToken = default);

    Task<bool> AdjustmentExistsAsync(string skuId, string adjustmentId, CancellationToken cancellationToken = default);

    /// <summary>A store's SKUs with at most <paramref name="threshold"/> units available, fewest first.</summary>
    Task<IReadOnlyList<LowStockSku>> LowStockAsync(string sellerId, int threshold, int limit, CancellationToken cancellationToken = default);
}

/// <summary>
/// The inventory tables on PostgreSQL (migration 0003). Batches of different SKUs that arrive while a transaction is
/// being written are written together in the next one: the SKU grains already group their own operations, and this
/// groups the grains, so a silo pays one commit for many SKUs under load and none of the waiting when idle.
/// </summary>
public sealed class PostgresInventoryStore(NpgsqlDataSource dataSource) : IInventoryStore
{
    /// <summary>At most this many SKU batches share one transaction.</summary>
    public const int MaxBatchesPerTransaction = 128;

    private readonly Lock gate = new();
    private readonly List<PendingWrite> pending = [];
    private bool flushing;

    public async Task<SkuSnapshot?> LoadAsync(string skuId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("""
                    SELECT sku_id, product_id, sku, seller_id, initial_stock, adjustments, on_hand, reserved, sold, version,
                           created_at, updated_at
                    FROM inventory_skus WHERE sku_id = $1
                    """) { Parameters = { new() { Value = skuId } } },
                new NpgsqlBatchCommand("""
                    SELECT order_id, quantity, expires_at, status, created_at, settled_at
                    FROM inventory_reservations WHERE sku_id = $1 AND status = 'held'
                    """) { Parameters = { new() { Value = skuId } } },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var counters = new SkuCounters(
            reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
            reader.GetInt64(5), reader.GetInt32(6), reader.GetInt32(7), reader.GetInt32(8), reader.GetInt64(9),
            reader.GetFieldValue<DateTimeOffset>(10), reader.GetFieldValue<DateTimeOffset>(11));
        await reader.NextResultAsync(cancellationToken);
        var held = new List<Reservation>();
        while (await reader.ReadAsync(cancellationToken))
        {
            held.Add(ReadReservation(reader));
        }

        return new SkuSnapshot(counters, held);
    }

    public Task WriteAsync(InventoryBatch batch, CancellationToken cancellationToken = default)
    {
        var write = new PendingWrite(batch);
        bool lead;
        lock (gate)
        {
            pending.Add(write);
            lead = !flushing;
            flushing = true;
        }

        if (lead)
        {
            // The caller that finds no transaction running writes, and keeps writing what queued up meanwhile.
            _ = Task.Run(FlushAsync, CancellationToken.None);
        }

        // Cancelling stops the wait, not the write: the batch may still be stored with its group.
        return write.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task FlushAsync()
    {
        try
        {
            while (true)
            {
                List<PendingWrite> group;
                lock (gate)
                {
                    if (pending.Count == 0)
                    {
                        flushing = false;
                        return;
                    }

                    group = pending.Take(MaxBatchesPerTransaction).ToList();
                    pending.RemoveRange(0, group.Count);
                }

                await WriteGroupAsync(group);
            }
        }
        catch (Exception e)
        {
            // Not expected (every write is answered inside), but a writer must never wait forever.
            List<PendingWrite> stranded;
            lock (gate)
            {
                stranded = [.. pending];
                pending.Clear();
                flushing = false;
            }

            foreach (var write in stranded)
            {
                write.Done.TrySetException(e);
            }
        }
    }

    private async Task WriteGroupAsync(List<PendingWrite> group)
    {
        while (group.Count > 0)
        {
            try
            {
                var stale = await WriteTogetherAsync(group);
                if (stale.Count == 0)
                {
                    foreach (var write in group)
                    {
                        write.Done.TrySetResult();
                    }

                    return;
                }

                // A duplicate activation's batch fails alone; the others go again together.
                foreach (var write in stale)
                {
                    write.Done.TrySetException(new InconsistentStateException(
                        $"SKU {write.Batch.Counters.SkuId} is not at version {write.Batch.ExpectedVersion} in storage; another activation wrote it."));
                }

                group = group.Except(stale).ToList();
            }
            catch (PostgresException e) when (group.Count > 1 && e.SqlState != PostgresErrorCodes.QueryCanceled)
            {
                // The server refused something in the shared transaction (a deadlock with another silo, a constraint):
                // writing each batch alone gives every one its own answer. A lost connection or a timeout fails the
                // whole group instead, since trying each alone would only wait that long again per batch.
                foreach (var write in group)
                {
                    await WriteGroupAsync([write]);
                }

                return;
            }
            catch (Exception e)
            {
                foreach (var write in group)
                {
                    write.Done.TrySetException(e);
                }

                return;
            }
        }
    }

    /// <summary>Writes the group in one transaction, or nothing and answers the batches whose version storage no longer has.</summary>
    private async Task<List<PendingWrite>> WriteTogetherAsync(List<PendingWrite> group)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlBatch(connection, transaction);
        // A fixed order of rows, so two silos writing overlapping SKUs (a moment after a move) cannot deadlock.
        var counters = group.OrderBy(w => w.Batch.Counters.SkuId, StringComparer.Ordinal)
            .Select(w => (Write: w, Command: AddCommands(command, w.Batch)))
            .ToList();
        AddSearchStock(command, group);
        IntegrationEventInserts.Add(command,
            group.Where(w => w.Batch.LevelChanged).Select(w => IntegrationEvents.OfStock(w.Batch.Counters)).ToList());
        await command.ExecuteNonQueryAsync();
        var stale = counters.Where(c => c.Command.RecordsAffected != 1).Select(c => c.Write).ToList();
        if (stale.Count == 0)
        {
            await transaction.CommitAsync();
        }

        return stale;
    }

    /// <summary>
    /// Search shows a product in stock while any of its SKUs has units available. Only a SKU that crossed between none
    /// and some touches the product's search row, and only when the product's answer changed, so a hot SKU's stream of
    /// reservations costs nothing here until it sells out or comes back. The SKU rows were just written in this
    /// transaction, which the product's own search write waits for (it reads them FOR SHARE).
    /// </summary>
    private static void AddSearchStock(NpgsqlBatch command, List<PendingWrite> group)
    {
        var products = group.Where(w => w.Batch.AvailabilityChanged).Select(w => w.Batch.Counters.ProductId)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (products.Length == 0)
        {
            return;
        }

        command.BatchCommands.Add(new NpgsqlBatchCommand("""
            UPDATE search_products s SET in_stock = k.in_stock, change_xid = pg_current_xact_id()
            FROM (SELECT product_id, bool_or(on_hand > reserved) AS in_stock
                  FROM inventory_skus WHERE product_id = ANY ($1) GROUP BY product_id) k
            WHERE s.product_id = k.product_id AND s.in_stock IS DISTINCT FROM k.in_stock
            """) { Parameters = { new() { Value = products } } });
    }

    /// <summary>Adds one SKU batch's statements; answers the counters statement, whose row count checks the version.</summary>
    private static NpgsqlBatchCommand AddCommands(NpgsqlBatch command, InventoryBatch batch)
    {
        var c = batch.Counters;
        var counters = batch.ExpectedVersion == 0
            ? new NpgsqlBatchCommand("""
                INSERT INTO inventory_skus (sku_id, product_id, sku, seller_id, initial_stock, adjustments, on_hand, reserved,
                                            sold, version, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                ON CONFLICT (sku_id) DO NOTHING
                """)
            : new NpgsqlBatchCommand("""
                UPDATE inventory_skus
                SET adjustments = $6, on_hand = $7, reserved = $8, sold = $9, version = $10, updated_at = $12
                WHERE sku_id = $1 AND version = $13
                """);
        counters.Parameters.Add(new() { Value = c.SkuId });
        counters.Parameters.Add(new() { Value = c.ProductId });
        counters.Parameters.Add(new() { Value = c.Sku });
        counters.Parameters.Add(new() { Value = c.SellerId });
        counters.Parameters.Add(new() { Value = c.InitialStock });
        counters.Parameters.Add(new() { Value = c.Adjustments });
        counters.Parameters.Add(new() { Value = c.OnHand });
        counters.Parameters.Add(new() { Value = c.Reserved });
        counters.Parameters.Add(new() { Value = c.Sold });
        counters.Parameters.Add(new() { Value = c.Version });
        counters.Parameters.Add(new() { Value = c.CreatedAt.ToUniversalTime() });
        counters.Parameters.Add(new() { Value = c.UpdatedAt.ToUniversalTime() });
        if (batch.ExpectedVersion != 0)
        {
            counters.Parameters.Add(new() { Value = batch.ExpectedVersion });
        }

        command.BatchCommands.Add(counters);

        if (batch.Reservations.Count > 0)
        {
            var r = batch.Reservations;
            command.BatchCommands.Add(new NpgsqlBatchCommand("""
                INSERT INTO inventory_reservations (sku_id, order_id, quantity, expires_at, status, created_at, settled_at)
                SELECT $1, u.* FROM unnest($2::text[], $3::integer[], $4::timestamptz[], $5::text[], $6::timestamptz[],
                                           $7::timestamptz[]) AS u
                ON CONFLICT (sku_id, order_id) DO UPDATE
                    SET quantity = EXCLUDED.quantity, expires_at = EXCLUDED.expires_at, status = EXCLUDED.status,
                        settled_at = EXCLUDED.settled_at
                """)
            {
                Parameters =
                {
                    new() { Value = c.SkuId },
                    new() { Value = r.Select(x => x.OrderId).ToArray() },
                    new() { Value = r.Select(x => x.Quantity).ToArray() },
                    new() { Value = r.Select(x => x.ExpiresAt.UtcDateTime).ToArray() },
                    new() { Value = r.Select(x => StatusName(x.Status)).ToArray() },
                    new() { Value = r.Select(x => x.CreatedAt.UtcDateTime).ToArray() },
                    new() { Value = r.Select(x => x.SettledAt?.UtcDateTime).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz },
                },
            });
        }

        if (batch.Adjustments.Count > 0)
        {
            var a = batch.Adjustments;
            command.BatchCommands.Add(new NpgsqlBatchCommand("""
                INSERT INTO inventory_adjustments (sku_id, adjustment_id, kind, delta, on_hand_after, at, returned)
                SELECT $1, u.* FROM unnest($2::text[], $3::text[], $4::integer[], $5::integer[], $6::timestamptz[], $7::integer[]) AS u
                """)
            {
                Parameters =
                {
                    new() { Value = c.SkuId },
                    new() { Value = a.Select(x => x.AdjustmentId).ToArray() },
                    new() { Value = a.Select(x => x.Kind).ToArray() },
                    new() { Value = a.Select(x => x.Delta).ToArray() },
                    new() { Value = a.Select(x => x.OnHandAfter).ToArray() },
                    new() { Value = a.Select(x => x.At.UtcDateTime).ToArray() },
                    new() { Value = a.Select(x => x.Returned).ToArray() },
                },
            });
        }

        return counters;
    }

    public async Task<Reservation?> FindReservationAsync(string skuId, string orderId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT order_id, quantity, expires_at, status, created_at, settled_at
            FROM inventory_reservations WHERE sku_id = $1 AND order_id = $2
            """);
        command.Parameters.Add(new() { Value = skuId });
        command.Parameters.Add(new() { Value = orderId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadReservation(reader) : null;
    }

    public async Task<bool> AdjustmentExistsAsync(string skuId, string adjustmentId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM inventory_adjustments WHERE sku_id = $1 AND adjustment_id = $2)");
        command.Parameters.Add(new() { Value = skuId });
        command.Parameters.Add(new() { Value = adjustmentId });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<IReadOnlyList<LowStockSku>> LowStockAsync(string sellerId, int threshold, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT product_id, sku, on_hand - reserved, on_hand, reserved FROM inventory_skus
            WHERE seller_id = $1 AND on_hand - reserved <= $2
            ORDER BY on_hand - reserved, product_id, sku LIMIT $3
            """);
        command.Parameters.Add(new() { Value = sellerId });
        command.Parameters.Add(new() { Value = threshold });
        command.Parameters.Add(new() { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<LowStockSku>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new LowStockSku(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4)));
        }

        return rows;
    }

    private static Reservation ReadReservation(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetInt32(1),
        reader.GetFieldValue<DateTimeOffset>(2),
        reader.GetString(3) switch
        {
            "held" => ReservationStatus.Held,
            "committed" => ReservationStatus.Committed,
            "released" => ReservationStatus.Released,
            "expired" => ReservationStatus.Expired,
            var other => throw new InvalidOperationException($"Unknown reservation status '{other}'."),
        },
        reader.GetFieldValue<DateTimeOffset>(4),
        reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5));

    private static string StatusName(ReservationStatus status) => status switch
    {
        ReservationStatus.Held => "held",
        ReservationStatus.Committed => "committed",
        ReservationStatus.Released => "released",
        ReservationStatus.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a stored reservation status."),
    };

    private sealed class PendingWrite(InventoryBatch batch)
    {
        public InventoryBatch Batch { get; } = batch;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
