using System.Text.Json.Nodes;
using Marketplace.Email;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Web.Notifications;

/// <summary>An announcement with its progress: people it was queued for so far, and what became of their emails.</summary>
public sealed record AnnouncementView(
    string AnnouncementId, string Segment, string? SellerId, LocalizedText Subject, string Status, int Recipients,
    long Queued, long Sent, long Dead, long Suppressed, DateTimeOffset CreatedAt);

/// <summary>
/// Announcements to many people (migration 0014). Creating one only stores it; <see cref="AnnouncementExpander"/> turns
/// it into queued emails in the background, and the email sender sends them at its own rate, so neither the request
/// nor the site slows down however many people it reaches.
/// </summary>
public sealed class Announcements(NpgsqlDataSource db, MailQueue mail, TimeProvider clock)
{
    /// <summary>Stores an admin's announcement for the expander.</summary>
    public async Task<AnnouncementView> CreateAsync(
        string authorId, string segment, string? sellerId, LocalizedText subject, LocalizedText body, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var id = await InsertAsync(connection, null, authorId, segment, sellerId, byStore: false, subject, body, ct);
        return (await GetAsync(id, ct))!;
    }

    /// <summary>
    /// Stores a store's announcement to its past buyers unless the store announced within
    /// <see cref="AnnouncementRules.StoreInterval"/>; then answers when it may next (and stores nothing). The check and the
    /// insert hold the store's lock, so two simultaneous requests cannot both pass.
    /// </summary>
    public async Task<(AnnouncementView? Created, DateTimeOffset? NextFrom)> CreateByStoreAsync(
        string authorId, string sellerId, LocalizedText subject, LocalizedText body, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var locking = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('announcement:' || $1))", connection, transaction))
        {
            // The lock comes first, in a statement of its own: the next statement's snapshot then sees any announcement
            // of the store committed while this one waited.
            locking.Parameters.Add(new() { Value = sellerId });
            await locking.ExecuteNonQueryAsync(ct);
        }

        await using (var last = new NpgsqlCommand("SELECT max(created_at) FROM announcements WHERE seller_id = $1 AND by_store", connection, transaction))
        {
            last.Parameters.Add(new() { Value = sellerId });
            var at = await last.ExecuteScalarAsync(ct) is DateTime found ? new DateTimeOffset(found, TimeSpan.Zero) : (DateTimeOffset?)null;
            if (AnnouncementRules.StoreMayAnnounceFrom(at, clock.GetUtcNow()) is { } from)
            {
                return (null, from);
            }
        }

        var id = await InsertAsync(connection, transaction, authorId, AnnouncementSegments.StoreBuyers, sellerId, byStore: true, subject, body, ct);
        await transaction.CommitAsync(ct);
        return ((await GetAsync(id, ct))!, null);
    }

    private async Task<string> InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string authorId, string segment, string? sellerId, bool byStore,
        LocalizedText subject, LocalizedText body, CancellationToken ct)
    {
        var id = "ann_" + Guid.NewGuid().ToString("N");
        await using var command = new NpgsqlCommand("""
            INSERT INTO announcements (announcement_id, author_id, seller_id, segment, subject_en, body_en, subject_es, body_es, created_at, by_store)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """, connection, transaction);
        foreach (var text in new[] { id, authorId, sellerId, segment, subject.En!.Trim(), body.En!.Trim(), subject.Es!.Trim(), body.Es!.Trim() })
        {
            command.Parameters.Add(new() { Value = (object?)text ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        }

        command.Parameters.Add(new() { Value = clock.GetUtcNow() });
        command.Parameters.Add(new() { Value = byStore });
        await command.ExecuteNonQueryAsync(ct);
        return id;
    }

    /// <summary>When the store's staff last announced to its buyers (null: never; an admin's announcements do not count).</summary>
    public async Task<DateTimeOffset?> LastOfStoreAsync(string sellerId, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("SELECT max(created_at) FROM announcements WHERE seller_id = $1 AND by_store");
        command.Parameters.Add(new() { Value = sellerId });
        return await command.ExecuteScalarAsync(ct) is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : null;
    }

    public async Task<AnnouncementView?> GetAsync(string announcementId, CancellationToken ct = default) =>
        (await ListAsync(announcementId, null, 1, ct)).SingleOrDefault();

    /// <summary>The newest announcements (of one store when <paramref name="sellerId"/> is given), with their progress.</summary>
    public async Task<IReadOnlyList<AnnouncementView>> ListAsync(string? announcementId, string? sellerId, int take, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("""
            SELECT announcement_id, segment, seller_id, subject_en, subject_es, status, recipients, created_at
            FROM announcements
            WHERE ($1::text IS NULL OR announcement_id = $1) AND ($2::text IS NULL OR seller_id = $2)
            ORDER BY created_at DESC, announcement_id LIMIT $3
            """);
        command.Parameters.Add(new() { Value = (object?)announcementId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)sellerId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = take });
        var rows = new List<(string Id, string Segment, string? Seller, LocalizedText Subject, string Status, int Recipients, DateTimeOffset At)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                    new LocalizedText { En = reader.GetString(3), Es = reader.GetString(4) }, reader.GetString(5), reader.GetInt32(6),
                    reader.GetFieldValue<DateTimeOffset>(7)));
            }
        }

        List<AnnouncementView> views = [];
        foreach (var row in rows)
        {
            var counts = await mail.CountAsync(row.Id, ct);
            views.Add(new AnnouncementView(row.Id, row.Segment, row.Seller, row.Subject, row.Status, row.Recipients,
                counts.Queued, counts.Sent, counts.Dead, counts.Suppressed, row.At));
        }

        return views;
    }
}

/// <summary>
/// Turns announcements into queued emails, a batch of recipients (by account id) per transaction: the batch's emails,
/// and the announcement's cursor and count, commit together. A host that dies half-way leaves the cursor at the last
/// batch it committed, and the next round (here or on another web host) goes on from there; the emails' keys (the
/// recipient and the announcement) make a repeated batch queue nothing twice. People who chose the digest for
/// announcements find it there; those who chose the inbox only are left out; bounced addresses are skipped by the
/// sender.
/// </summary>
public sealed partial class AnnouncementExpander(
    NpgsqlDataSource db, MailQueue mail, IOptions<EmailOptions> options, TimeProvider clock, ILogger<AnnouncementExpander> logger) : BackgroundService
{
    /// <summary>Recipients per transaction.</summary>
    public const int BatchSize = 1000;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => PolledRounds.RunAsync(
        ExpandBatchAsync, () => options.Value.PollInterval, e => LogExpandFailed(logger, e), clock, stoppingToken);

    /// <summary>Queues the next batch of the oldest announcement still expanding; answers whether anything was done.</summary>
    public async Task<bool> ExpandBatchAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var pick = new NpgsqlCommand("""
            SELECT announcement_id, segment, seller_id, subject_en, body_en, subject_es, body_es, coalesce(expanded_through, '')
            FROM announcements WHERE status = 'expanding'
            ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED
            """, connection, transaction);
        string id, segment, cursor;
        string? sellerId;
        LocalizedText subject, body;
        await using (var reader = await pick.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct))
            {
                return false;
            }

            (id, segment, sellerId, cursor) = (reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(7));
            subject = new LocalizedText { En = reader.GetString(3), Es = reader.GetString(5) };
            body = new LocalizedText { En = reader.GetString(4), Es = reader.GetString(6) };
        }

        var recipients = await RecipientsAsync(connection, transaction, segment, sellerId, cursor, ct);
        string? storeName = sellerId is null ? null : await StoreNameAsync(connection, transaction, sellerId, ct);
        var sourceKey = "announcement:" + id;
        var emails = recipients.Where(r => !r.Digest).Select(r => new OutgoingEmail(r.Email, r.Name, r.UserId, r.Culture, EmailKind.Announcement,
            sourceKey, new JsonObject { ["subject_line"] = subject.For(r.Culture), ["body"] = body.For(r.Culture) }, storeName, id)).ToList();
        await mail.EnqueueAsync(emails, connection, transaction, ct);
        await DigestAsync(connection, transaction, id, recipients.Where(r => r.Digest).ToList(), subject, body, ct);

        await using var advance = new NpgsqlCommand("""
            UPDATE announcements
            SET expanded_through = coalesce($2, expanded_through), recipients = recipients + $3,
                status = CASE WHEN $4 THEN 'queued' ELSE status END
            WHERE announcement_id = $1
            """, connection, transaction);
        advance.Parameters.Add(new() { Value = id });
        advance.Parameters.Add(new() { Value = recipients.Count > 0 ? recipients[^1].UserId : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        advance.Parameters.Add(new() { Value = recipients.Count });
        advance.Parameters.Add(new() { Value = recipients.Count < BatchSize });
        await advance.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
        mail.Wake();
        return true;
    }

    private sealed record Recipient(string UserId, string Email, string Name, string Culture, bool Digest);

    private static async Task<List<Recipient>> RecipientsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string segment, string? sellerId, string cursor, CancellationToken ct)
    {
        var who = segment switch
        {
            AnnouncementSegments.Sellers => "u.seller_id IS NOT NULL",
            AnnouncementSegments.Shoppers => "u.seller_id IS NULL",
            _ => "u.id IN (SELECT buyer_id FROM order_listings WHERE seller_id = $3 AND paid_at IS NOT NULL)",
        };
        await using var command = new NpgsqlCommand($"""
            SELECT u.id, u.email, u.display_name, u.culture, coalesce(p.channel, 'email') = 'digest'
            FROM users u
            LEFT JOIN email_preferences p ON p.user_id = u.id AND p.kind = 'announcements'
            WHERE {who} AND u.email IS NOT NULL AND u.id COLLATE "C" > $1 AND coalesce(p.channel, 'email') <> 'inApp'
            ORDER BY u.id COLLATE "C" LIMIT $2
            """, connection, transaction);
        command.Parameters.Add(new() { Value = cursor });
        command.Parameters.Add(new() { Value = BatchSize });
        command.Parameters.Add(new() { Value = (object?)sellerId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        List<Recipient> found = [];
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            found.Add(new Recipient(reader.GetString(0), reader.GetString(1), reader.GetString(2), EmailTemplates.CultureOf(reader.GetString(3)), reader.GetBoolean(4)));
        }

        return found;
    }

    private static async Task<string?> StoreNameAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sellerId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT name FROM store_directory WHERE seller_id = $1", connection, transaction);
        command.Parameters.Add(new() { Value = sellerId });
        return await command.ExecuteScalarAsync(ct) as string;
    }

    private async Task DigestAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string id, List<Recipient> recipients, LocalizedText subject, LocalizedText body, CancellationToken ct)
    {
        if (recipients.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand("""
            INSERT INTO email_digest (user_id, notification_id, kind, title, body, link, created_at)
            SELECT u, $2, 'announcement', t, b, NULL, $5 FROM unnest($1::text[], $3::text[], $4::text[]) AS r(u, t, b)
            ON CONFLICT DO NOTHING
            """, connection, transaction);
        command.Parameters.Add(new() { Value = recipients.Select(r => r.UserId).ToArray() });
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = recipients.Select(r => subject.For(r.Culture)).ToArray() });
        command.Parameters.Add(new() { Value = recipients.Select(r => body.For(r.Culture)).ToArray() });
        command.Parameters.Add(new() { Value = clock.GetUtcNow() });
        await command.ExecuteNonQueryAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queuing a batch of an announcement failed; the batch is tried again")]
    private static partial void LogExpandFailed(ILogger logger, Exception exception);
}
