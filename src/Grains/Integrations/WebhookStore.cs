using Marketplace.Contracts.Integrations;
using Npgsql;
using NpgsqlTypes;

namespace Marketplace.Grains.Integrations;

/// <summary>An endpoint's row: its settings, secrets, health and how far it has read the event log.</summary>
public sealed record WebhookEndpointRow(
    string Id, string? StoreId, string Url, IReadOnlyList<string> Events, string? Description, string Secret, string? PreviousSecret,
    DateTimeOffset? PreviousSecretUntil, bool Enabled, string? DisabledReason, DateTimeOffset? FailingSince, string CreatedBy,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public WebhookEndpointView ToView() => new(Id, StoreId, Url, Events, Description, Enabled, DisabledReason, FailingSince,
        PreviousSecretUntil, CreatedAt, UpdatedAt);

    /// <summary>The secrets that sign at <paramref name="now"/>: the current one, and the previous one during its grace.</summary>
    public IEnumerable<string> SigningSecrets(DateTimeOffset now) =>
        PreviousSecret is { } previous && PreviousSecretUntil > now ? [Secret, previous] : [Secret];
}

/// <summary>A delivery whose turn has come: the first pending one of its resource, due now.</summary>
public sealed record DueDelivery(
    long Id, string EventId, string Kind, string? StoreId, string Resource, long Version, DateTimeOffset At, string Data,
    int Attempts, DateTimeOffset CreatedAt);

/// <summary>How one attempt ended: delivered, to be tried again at <see cref="NextAt"/>, or given up (neither).</summary>
public sealed record DeliveryAttempt(
    long Id, bool Delivered, DateTimeOffset? NextAt, DateTimeOffset At, int? StatusCode, string? Error, int DurationMs);

/// <summary>The endpoint grain's tables: <c>webhook_endpoints</c> (its state) and <c>webhook_deliveries</c> (its work).</summary>
public sealed class WebhookStore(NpgsqlDataSource db)
{
    private const string Columns = """
        id, store_id, url, events, description, secret, previous_secret, previous_secret_until, enabled, disabled_reason,
        failing_since, created_by, created_at, updated_at
        """;

    /// <summary>
    /// Stores a new endpoint that starts hearing events from now on (from the oldest transaction still running, so a
    /// change committing meanwhile is not missed); false when its owner already has the most endpoints allowed.
    /// </summary>
    public async Task<bool> CreateAsync(WebhookEndpointRow row, int maxPerOwner, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand($"""
            INSERT INTO webhook_endpoints ({Columns}, cursor_tx, cursor_id)
            SELECT $1, $2, $3, $4, $5, $6, NULL, NULL, true, NULL, NULL, $7, $8, $8, pg_snapshot_xmin(pg_current_snapshot()), 0
            WHERE (SELECT count(*) FROM webhook_endpoints WHERE store_id IS NOT DISTINCT FROM $2) < $9
            ON CONFLICT (id) DO NOTHING
            """);
        command.Parameters.Add(new() { Value = row.Id });
        command.Parameters.Add(new() { Value = (object?)row.StoreId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = row.Url });
        command.Parameters.Add(new() { Value = row.Events.ToArray() });
        command.Parameters.Add(new() { Value = (object?)row.Description ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = row.Secret });
        command.Parameters.Add(new() { Value = row.CreatedBy });
        command.Parameters.Add(new() { Value = row.CreatedAt });
        command.Parameters.Add(new() { Value = (long)maxPerOwner });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<WebhookEndpointRow?> LoadAsync(string id, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand($"SELECT {Columns} FROM webhook_endpoints WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new WebhookEndpointRow(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2),
            reader.GetFieldValue<string[]>(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5),
            reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
            reader.GetBoolean(8), reader.IsDBNull(9) ? null : reader.GetString(9),
            reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10), reader.GetString(11),
            reader.GetFieldValue<DateTimeOffset>(12), reader.GetFieldValue<DateTimeOffset>(13));
    }

    /// <summary>Stores the settings, secrets and health of <paramref name="row"/> (not its place in the log).</summary>
    public async Task SaveAsync(WebhookEndpointRow row, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("""
            UPDATE webhook_endpoints
            SET url = $2, events = $3, description = $4, secret = $5, previous_secret = $6, previous_secret_until = $7, enabled = $8,
                disabled_reason = $9, failing_since = $10, updated_at = $11
            WHERE id = $1
            """);
        command.Parameters.Add(new() { Value = row.Id });
        command.Parameters.Add(new() { Value = row.Url });
        command.Parameters.Add(new() { Value = row.Events.ToArray() });
        command.Parameters.Add(new() { Value = (object?)row.Description ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = row.Secret });
        command.Parameters.Add(new() { Value = (object?)row.PreviousSecret ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)row.PreviousSecretUntil ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = row.Enabled });
        command.Parameters.Add(new() { Value = (object?)row.DisabledReason ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)row.FailingSince ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = row.UpdatedAt });
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task DeleteAsync(string id, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("DELETE FROM webhook_endpoints WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Turns the events after the endpoint's place in the log into pending deliveries and moves its place, in one
    /// transaction. Only events of its store (every store's for an operator's endpoint) and of the kinds it asked for
    /// become deliveries. Stock levels are coalesced: of one SKU only the newest is kept, and an older level of that SKU
    /// still pending (not yet delivered, or failing) is superseded. Answers how many deliveries were added.
    /// </summary>
    public async Task<int> FanOutAsync(WebhookEndpointRow endpoint, DateTimeOffset now, int limit, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var events = new List<(long Id, string EventId, string Kind, string Resource)>();
        ulong? lastTx = null;
        ulong xmin;
        await using (var read = new NpgsqlCommand("""
            WITH place AS (SELECT cursor_tx, cursor_id, pg_snapshot_xmin(pg_current_snapshot()) AS xmin
                           FROM webhook_endpoints WHERE id = $1 FOR UPDATE)
            SELECT e.id, e.event_id, e.kind, e.resource, e.tx::text::numeric, place.xmin::text::numeric
            FROM place
            LEFT JOIN LATERAL (
                SELECT id, event_id, kind, resource, tx FROM integration_events
                WHERE (tx, id) > (place.cursor_tx, place.cursor_id) AND tx < place.xmin
                  AND ($2::text IS NULL OR store_id = $2) AND kind = ANY ($3)
                ORDER BY tx, id LIMIT $4) e ON true
            ORDER BY e.tx, e.id
            """, connection, transaction))
        {
            read.Parameters.Add(new() { Value = endpoint.Id });
            read.Parameters.Add(new() { Value = (object?)endpoint.StoreId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            read.Parameters.Add(new() { Value = endpoint.Events.ToArray() });
            read.Parameters.Add(new() { Value = limit });
            await using var reader = await read.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return 0; // the endpoint was deleted meanwhile
            }

            xmin = (ulong)reader.GetDecimal(5);
            do
            {
                if (!reader.IsDBNull(0))
                {
                    events.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
                    lastTx = (ulong)reader.GetDecimal(4);
                }
            }
            while (await reader.ReadAsync(ct));
        }

        // A full page moves the place to its last row; a short one has seen everything below xmin, so the place
        // moves there (events of transactions still running then come after it).
        var (placeTx, placeId) = events.Count == limit ? (lastTx!.Value, events[^1].Id) : (xmin, 0L);
        var kept = events.Where((e, i) => e.Kind != WebhookEvents.StockChanged
                                          || !events.Skip(i + 1).Any(later => later.Kind == e.Kind && later.Resource == e.Resource))
            .ToList();
        await using (var write = new NpgsqlBatch(connection, transaction))
        {
            var stockResources = kept.Where(e => e.Kind == WebhookEvents.StockChanged).Select(e => e.Resource).Distinct().ToArray();
            if (stockResources.Length > 0)
            {
                write.BatchCommands.Add(new NpgsqlBatchCommand("""
                    UPDATE webhook_deliveries SET status = 'superseded'
                    WHERE endpoint_id = $1 AND status = 'pending' AND kind = 'stock.changed' AND resource = ANY ($2)
                    """) { Parameters = { new() { Value = endpoint.Id }, new() { Value = stockResources } } });
            }

            if (kept.Count > 0)
            {
                write.BatchCommands.Add(new NpgsqlBatchCommand("""
                    INSERT INTO webhook_deliveries (endpoint_id, event_id, kind, resource, status, next_at, created_at)
                    SELECT $1, u.event_id, u.kind, u.resource, 'pending', $5, $5
                    FROM unnest($2::text[], $3::text[], $4::text[]) AS u (event_id, kind, resource)
                    ON CONFLICT (endpoint_id, event_id) DO NOTHING
                    """)
                {
                    Parameters =
                    {
                        new() { Value = endpoint.Id },
                        new() { Value = kept.Select(e => e.EventId).ToArray() },
                        new() { Value = kept.Select(e => e.Kind).ToArray() },
                        new() { Value = kept.Select(e => e.Resource).ToArray() },
                        new() { Value = now },
                    },
                });
            }

            write.BatchCommands.Add(new NpgsqlBatchCommand(
                "UPDATE webhook_endpoints SET cursor_tx = $2::text::xid8, cursor_id = $3 WHERE id = $1")
            {
                Parameters = { new() { Value = endpoint.Id }, new() { Value = placeTx.ToString(System.Globalization.CultureInfo.InvariantCulture) }, new() { Value = placeId } },
            });
            await write.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
        return kept.Count;
    }

    /// <summary>
    /// The deliveries whose turn has come: of each resource the oldest pending one, when it is due; at most
    /// <paramref name="limit"/>. Also answers when the next head that is not yet due will be.
    /// </summary>
    public async Task<(IReadOnlyList<DueDelivery> Due, DateTimeOffset? NextDue)> DueAsync(
        string endpointId, DateTimeOffset now, int limit, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("""
            SELECT h.id, h.event_id, h.kind, e.store_id, h.resource, e.version, e.at, e.data::text, h.attempts, h.created_at, h.next_at
            FROM (SELECT DISTINCT ON (resource) id, event_id, kind, resource, attempts, created_at, next_at
                  FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'pending'
                  ORDER BY resource, id) h
            JOIN integration_events e ON e.event_id = h.event_id
            ORDER BY h.next_at, h.id
            """);
        command.Parameters.Add(new() { Value = endpointId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var due = new List<DueDelivery>();
        DateTimeOffset? nextDue = null;
        while (await reader.ReadAsync(ct))
        {
            var nextAt = reader.GetFieldValue<DateTimeOffset>(10);
            if (nextAt > now || due.Count >= limit)
            {
                nextDue = nextDue is { } n && n < nextAt ? n : nextAt;
                continue;
            }

            due.Add(new DueDelivery(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetInt64(5), reader.GetFieldValue<DateTimeOffset>(6), reader.GetString(7), reader.GetInt32(8),
                reader.GetFieldValue<DateTimeOffset>(9)));
        }

        return (due, nextDue);
    }

    /// <summary>Records how attempts ended, in one statement.</summary>
    public async Task RecordAsync(IReadOnlyList<DeliveryAttempt> attempts, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("""
            UPDATE webhook_deliveries d
            SET status = CASE WHEN u.delivered THEN 'delivered' WHEN u.next_at IS NULL THEN 'failed' ELSE 'pending' END,
                attempts = d.attempts + 1, next_at = coalesce(u.next_at, d.next_at), last_attempt_at = u.at, last_status = u.status,
                last_error = u.error, last_duration = u.duration, delivered_at = CASE WHEN u.delivered THEN u.at END
            FROM unnest($1::bigint[], $2::boolean[], $3::timestamptz[], $4::timestamptz[], $5::integer[], $6::text[], $7::integer[])
                AS u (id, delivered, next_at, at, status, error, duration)
            WHERE d.id = u.id AND d.status = 'pending'
            """);
        command.Parameters.Add(new() { Value = attempts.Select(a => a.Id).ToArray() });
        command.Parameters.Add(new() { Value = attempts.Select(a => a.Delivered).ToArray() });
        command.Parameters.Add(new() { Value = attempts.Select(a => a.NextAt?.UtcDateTime).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = attempts.Select(a => a.At.UtcDateTime).ToArray() });
        command.Parameters.Add(new() { Value = attempts.Select(a => a.StatusCode).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        command.Parameters.Add(new() { Value = attempts.Select(a => a.Error).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = attempts.Select(a => a.DurationMs).ToArray() });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Queues a delivery of this endpoint again, with a fresh retry period; false when there is no such delivery.</summary>
    public async Task<bool> RedeliverAsync(string endpointId, long deliveryId, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("""
            UPDATE webhook_deliveries SET status = 'pending', next_at = $3, created_at = $3
            WHERE endpoint_id = $1 AND id = $2
            """);
        command.Parameters.Add(new() { Value = endpointId });
        command.Parameters.Add(new() { Value = deliveryId });
        command.Parameters.Add(new() { Value = now });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }
}
