using Marketplace.Contracts.Integrations;
using Marketplace.Web.Catalog;
using Npgsql;
using NpgsqlTypes;

namespace Marketplace.Web.Integrations;

/// <summary>
/// One line of an endpoint's delivery log. <see cref="Status"/>: pending (to be sent, or failing and to be tried again at
/// <see cref="NextAttemptAt"/>), delivered, failed (given up), superseded (a newer stock level replaced it).
/// </summary>
public sealed record WebhookDeliveryRow(
    long Id, string EventId, string Event, string Resource, string Status, int Attempts, DateTimeOffset CreatedAt,
    DateTimeOffset? NextAttemptAt, DateTimeOffset? LastAttemptAt, int? LastStatus, string? LastError, int? LastDurationMs,
    DateTimeOffset? DeliveredAt);

/// <summary>What the webhook pages and endpoints list, read from the endpoint grains' tables.</summary>
public sealed class WebhookQueries(NpgsqlDataSource db)
{
    /// <summary>A store's endpoints, or the marketplace's own (<paramref name="storeId"/> null), oldest first.</summary>
    public async Task<IReadOnlyList<WebhookEndpointView>> EndpointsAsync(string? storeId, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("""
            SELECT id, store_id, url, events, description, enabled, disabled_reason, failing_since, previous_secret_until, created_at, updated_at
            FROM webhook_endpoints WHERE store_id IS NOT DISTINCT FROM $1 ORDER BY created_at, id
            """);
        command.Parameters.Add(new() { Value = (object?)storeId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var endpoints = new List<WebhookEndpointView>();
        while (await reader.ReadAsync(ct))
        {
            endpoints.Add(new WebhookEndpointView(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2),
                reader.GetFieldValue<string[]>(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetBoolean(5),
                reader.IsDBNull(6) ? null : reader.GetString(6), Optional(reader, 7), Optional(reader, 8),
                reader.GetFieldValue<DateTimeOffset>(9), reader.GetFieldValue<DateTimeOffset>(10)));
        }

        return endpoints;
    }

    /// <summary>One page of an endpoint's deliveries, newest first.</summary>
    public async Task<PagedResponse<WebhookDeliveryRow>> DeliveriesAsync(string endpointId, int page, int pageSize, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("""
            SELECT id, event_id, kind, resource, status, attempts, created_at, next_at, last_attempt_at, last_status, last_error,
                   last_duration, delivered_at, count(*) OVER ()
            FROM webhook_deliveries WHERE endpoint_id = $1
            ORDER BY id DESC OFFSET $2 LIMIT $3
            """);
        command.Parameters.Add(new() { Value = endpointId });
        command.Parameters.Add(new() { Value = (page - 1) * pageSize });
        command.Parameters.Add(new() { Value = pageSize });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<WebhookDeliveryRow>();
        var total = 0;
        while (await reader.ReadAsync(ct))
        {
            var status = reader.GetString(4);
            rows.Add(new WebhookDeliveryRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), status,
                reader.GetInt32(5), reader.GetFieldValue<DateTimeOffset>(6), status == "pending" ? reader.GetFieldValue<DateTimeOffset>(7) : null,
                Optional(reader, 8), reader.IsDBNull(9) ? null : reader.GetInt32(9), reader.IsDBNull(10) ? null : reader.GetString(10),
                reader.IsDBNull(11) ? null : reader.GetInt32(11), Optional(reader, 12)));
            total = (int)reader.GetInt64(13);
        }

        if (rows.Count == 0 && page > 1)
        {
            await using var count = db.CreateCommand("SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1");
            count.Parameters.Add(new() { Value = endpointId });
            total = (int)(long)(await count.ExecuteScalarAsync(ct))!;
        }

        return new PagedResponse<WebhookDeliveryRow>(rows, total, page, pageSize);
    }

    private static DateTimeOffset? Optional(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
