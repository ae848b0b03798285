using System.Text.Json;
using Marketplace.Contracts.Notifications;
using Marketplace.Grains.Storage;
using Npgsql;

namespace Marketplace.Grains.Notifications;

/// <summary>The notification rows of every inbox (migration 0007), each handed to the mailer (0014).</summary>
public interface INotificationStore
{
    /// <summary>Stores the notification unless the inbox already has its id; answers whether it was new.</summary>
    Task<bool> InsertAsync(string userId, NotificationView notification, string sourceKey, CancellationToken cancellationToken = default);

    Task<NotificationPage> ListAsync(string userId, bool unreadOnly, int skip, int take, CancellationToken cancellationToken = default);

    Task<int> CountUnreadAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Marks one read: answers null when the inbox has no such notification, else whether it was unread.</summary>
    Task<bool?> MarkReadAsync(string userId, string notificationId, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task<int> MarkAllReadAsync(string userId, DateTimeOffset at, CancellationToken cancellationToken = default);
}

/// <summary>
/// The notifications table. Inserts of every inbox of the silo are written together (group commit), so a burst of
/// notices (a store's staff told of a paid order, many orders at once) costs a few transactions, not one per row.
/// </summary>
public sealed class PostgresNotificationStore : INotificationStore
{
    /// <summary>At most this many notifications share one insert.</summary>
    public const int MaxPerTransaction = 256;

    private readonly NpgsqlDataSource dataSource;
    private readonly GroupCommit<(string UserId, NotificationView Notification, string SourceKey), bool> inserts;

    public PostgresNotificationStore(NpgsqlDataSource dataSource)
    {
        this.dataSource = dataSource;
        inserts = new(InsertGroupAsync, MaxPerTransaction);
    }

    public Task<bool> InsertAsync(string userId, NotificationView notification, string sourceKey, CancellationToken cancellationToken = default) =>
        inserts.WriteAsync((userId, notification, sourceKey)).WaitAsync(cancellationToken);

    /// <summary>Inserts what is new; answers, per item, whether it was (a second item with the same id in the group is not).</summary>
    private async Task<IReadOnlyList<bool>> InsertGroupAsync(IReadOnlyList<(string UserId, NotificationView Notification, string SourceKey)> group)
    {
        // A new notification is handed to the mailer in the same statement (migration 0014's email_intake), which
        // routes it by its recipient's choices: the email is decided with the notification that causes it.
        await using var command = dataSource.CreateCommand("""
            WITH stored AS (
                INSERT INTO notifications (user_id, notification_id, source_key, kind, title, body, link, created_at, facts)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::jsonb[])
                ON CONFLICT (user_id, notification_id) DO NOTHING
                RETURNING user_id, notification_id, source_key, kind, title, body, link, created_at, facts),
            handed AS (
                INSERT INTO email_intake (user_id, notification_id, source_key, kind, title, body, link, created_at, facts)
                SELECT user_id, notification_id, source_key, kind, title, body, link, created_at, facts FROM stored)
            SELECT user_id, notification_id FROM stored
            """);
        command.Parameters.Add(new() { Value = group.Select(g => g.UserId).ToArray() });
        command.Parameters.Add(new() { Value = group.Select(g => g.Notification.Id).ToArray() });
        command.Parameters.Add(new() { Value = group.Select(g => g.SourceKey).ToArray() });
        command.Parameters.Add(new() { Value = group.Select(g => KindName(g.Notification.Kind)).ToArray() });
        command.Parameters.Add(new() { Value = group.Select(g => g.Notification.Title).ToArray() });
        command.Parameters.Add(new() { Value = group.Select(g => g.Notification.Body).ToArray() });
        command.Parameters.Add(new()
        {
            Value = group.Select(g => g.Notification.Link).ToArray(),
            NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text,
        });
        command.Parameters.Add(new() { Value = group.Select(g => g.Notification.CreatedAt.UtcDateTime).ToArray() });
        command.Parameters.Add(new()
        {
            Value = group.Select(g => g.Notification.Facts is { } facts ? JsonSerializer.Serialize(facts) : null).ToArray(),
            NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Jsonb,
        });
        var inserted = new HashSet<(string, string)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                inserted.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        return group.Select(g => inserted.Remove((g.UserId, g.Notification.Id))).ToList();
    }

    public async Task<NotificationPage> ListAsync(string userId, bool unreadOnly, int skip, int take, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("""
                    SELECT notification_id, kind, title, body, link, created_at, read_at IS NOT NULL, facts
                    FROM notifications
                    WHERE user_id = $1 AND ($2 = false OR read_at IS NULL)
                    ORDER BY created_at DESC, notification_id DESC
                    OFFSET $3 LIMIT $4
                    """) { Parameters = { new() { Value = userId }, new() { Value = unreadOnly }, new() { Value = skip }, new() { Value = take } } },
                new NpgsqlBatchCommand("""
                    SELECT count(*), count(*) FILTER (WHERE read_at IS NULL) FROM notifications WHERE user_id = $1
                    """) { Parameters = { new() { Value = userId } } },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        List<NotificationView> items = [];
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new NotificationView(reader.GetString(0), ParseKind(reader.GetString(1)), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetBoolean(6),
                reader.IsDBNull(7) ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(7))));
        }

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var total = (int)reader.GetInt64(0);
        var unread = (int)reader.GetInt64(1);
        return new NotificationPage(items, unreadOnly ? unread : total, unread);
    }

    public async Task<int> CountUnreadAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL");
        command.Parameters.Add(new() { Value = userId });
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<bool?> MarkReadAsync(string userId, string notificationId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        // The row as it was before the update tells both whether it exists and whether it was unread.
        await using var command = dataSource.CreateCommand("""
            WITH before AS (SELECT read_at FROM notifications WHERE user_id = $1 AND notification_id = $2 FOR UPDATE),
                 changed AS (UPDATE notifications SET read_at = $3
                             WHERE user_id = $1 AND notification_id = $2 AND read_at IS NULL RETURNING 1)
            SELECT (SELECT count(*) FROM before), (SELECT count(*) FROM changed)
            """);
        command.Parameters.Add(new() { Value = userId });
        command.Parameters.Add(new() { Value = notificationId });
        command.Parameters.Add(new() { Value = at });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetInt64(0) == 0 ? null : reader.GetInt64(1) == 1;
    }

    public async Task<int> MarkAllReadAsync(string userId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL");
        command.Parameters.Add(new() { Value = userId });
        command.Parameters.Add(new() { Value = at });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Kinds are stored by their API name (camelCase), so the table reads like the API.</summary>
    public static string KindName(NotificationKind kind)
    {
        var name = kind.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    private static NotificationKind ParseKind(string name) => Enum.Parse<NotificationKind>(name, ignoreCase: true);
}
