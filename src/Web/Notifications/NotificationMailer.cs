using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Contracts.Orders;
using Marketplace.Email;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Web.Notifications;

/// <summary>
/// Turns stored notifications into business emails. It takes what the notification store handed over (email_intake),
/// routes each by its recipient's channel for that kind — queued as an email, gathered for the digest, or dropped —
/// and deletes the intake rows in the same transaction, so a host dying half-way leaves them to the next round (an
/// email queued twice is stored once: its key is the recipient and the notification's source). Digests go out once
/// the oldest gathered notification is <see cref="EmailOptions.DigestAfter"/> old. Every web host runs one; they share
/// the rows with SKIP LOCKED.
/// </summary>
public sealed partial class NotificationMailer(
    NpgsqlDataSource db,
    MailQueue mail,
    EmailPreferenceStore preferences,
    IEmailLinks links,
    IClusterClient grains,
    IOptions<EmailOptions> options,
    IStringLocalizer<Shared.Text> texts,
    TimeProvider clock,
    ILogger<NotificationMailer> logger) : BackgroundService
{
    /// <summary>Notifications routed per transaction.</summary>
    public const int BatchSize = 200;

    private sealed record Recipient(string UserId, string Email, string Name, string Culture, string? SellerId);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => PolledRounds.RunAsync(
        async ct =>
        {
            var full = await RouteAsync(ct) == BatchSize;
            var digests = await SendDigestsAsync(ct);
            return full || digests > 0;
        },
        () => options.Value.PollInterval, e => LogRoundFailed(logger, e), clock, stoppingToken);

    /// <summary>Routes one batch of the intake; answers how many notifications it took.</summary>
    public async Task<int> RouteAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var notices = await TakeAsync(connection, transaction, ct);
        if (notices.Count == 0)
        {
            return 0;
        }

        var userIds = notices.Select(n => n.UserId).Distinct().ToList();
        var recipients = await RecipientsAsync(userIds, ct);
        var channels = await preferences.GetManyAsync(userIds, ct);
        List<OutgoingEmail> emails = [];
        List<IntakeNotice> digested = [];
        // An order is read once per batch: its receipt, its payment and its store's email often arrive together.
        var orders = new Dictionary<string, OrderView>(StringComparer.Ordinal);
        foreach (var notice in notices)
        {
            if (!recipients.TryGetValue(notice.UserId, out var recipient) || NotificationMail.Route(notice, channels[notice.UserId]) is not { } route)
            {
                continue;
            }

            if (route.Channel == EmailChannel.Digest)
            {
                digested.Add(notice);
            }
            else
            {
                emails.Add(await EmailAsync(notice, route.Kind, recipient, orders));
            }
        }

        await mail.EnqueueAsync(emails, connection, transaction, ct);
        await GatherAsync(digested, connection, transaction, ct);
        await transaction.CommitAsync(ct);
        mail.Wake();
        return notices.Count;
    }

    /// <summary>Sends the digests that are due; answers how many.</summary>
    public async Task<int> SendDigestsAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // One host gathers digests at a time, so a person's notifications are never split over two digests.
        await using (var turn = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock(hashtext('marketplace.email.digest'))", connection, transaction))
        {
            if (await turn.ExecuteScalarAsync(ct) is not true)
            {
                return 0;
            }
        }

        await using var due = new NpgsqlCommand("""
            DELETE FROM email_digest
            WHERE user_id IN (SELECT user_id FROM email_digest GROUP BY user_id HAVING min(created_at) <= $1 ORDER BY user_id LIMIT 100)
            RETURNING user_id, notification_id, kind, title, body, link, created_at, facts
            """, connection, transaction);
        due.Parameters.Add(new() { Value = clock.GetUtcNow() - options.Value.DigestAfter });
        List<IntakeNotice> taken = [];
        await using (var reader = await due.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                taken.Add(new IntakeNotice(0, reader.GetString(0), reader.GetString(1), "", reader.GetString(2), reader.GetString(3),
                    reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6), FactsAt(reader, 7)));
            }
        }

        if (taken.Count == 0)
        {
            return 0;
        }

        var recipients = await RecipientsAsync([.. taken.Select(t => t.UserId).Distinct()], ct);
        var publicUrl = links.PublicUrl.ToString().TrimEnd('/');
        List<OutgoingEmail> digests = [];
        foreach (var group in taken.GroupBy(t => t.UserId))
        {
            if (!recipients.TryGetValue(group.Key, out var recipient))
            {
                continue;
            }

            var items = group.OrderBy(n => n.CreatedAt).ThenBy(n => n.NotificationId, StringComparer.Ordinal).ToList();
            var model = new JsonObject
            {
                ["count"] = items.Count,
                ["items"] = new JsonArray([.. items.Select(n =>
                {
                    var (title, body) = Words(n, recipient.Culture);
                    return (JsonNode)new JsonObject { ["title"] = title, ["body"] = body, ["link"] = n.Link is null ? null : publicUrl + n.Link };
                })]),
            };
            // The digest's source is its newest notification: the same gathering sent twice is one message.
            var last = items[^1];
            digests.Add(new OutgoingEmail(recipient.Email, recipient.Name, recipient.UserId, recipient.Culture, EmailKind.Digest,
                $"digest:{last.NotificationId}", model));
        }

        await mail.EnqueueAsync(digests, connection, transaction, ct);
        await transaction.CommitAsync(ct);
        mail.Wake();
        return digests.Count;
    }

    private static async Task<List<IntakeNotice>> TakeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            DELETE FROM email_intake
            WHERE id IN (SELECT id FROM email_intake ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING id, user_id, notification_id, source_key, kind, title, body, link, created_at, facts
            """, connection, transaction);
        command.Parameters.Add(new() { Value = BatchSize });
        List<IntakeNotice> notices = [];
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            notices.Add(new IntakeNotice(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7), reader.GetFieldValue<DateTimeOffset>(8),
                FactsAt(reader, 9)));
        }

        return [.. notices.OrderBy(n => n.Id)];
    }

    private static async Task GatherAsync(List<IntakeNotice> notices, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        if (notices.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand("""
            INSERT INTO email_digest (user_id, notification_id, kind, title, body, link, created_at, facts)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::jsonb[])
            ON CONFLICT DO NOTHING
            """, connection, transaction);
        command.Parameters.Add(new() { Value = notices.Select(n => n.UserId).ToArray() });
        command.Parameters.Add(new() { Value = notices.Select(n => n.NotificationId).ToArray() });
        command.Parameters.Add(new() { Value = notices.Select(n => n.Kind).ToArray() });
        command.Parameters.Add(new() { Value = notices.Select(n => n.Title).ToArray() });
        command.Parameters.Add(new() { Value = notices.Select(n => n.Body).ToArray() });
        command.Parameters.Add(new() { Value = notices.Select(n => n.Link).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = notices.Select(n => n.CreatedAt.UtcDateTime).ToArray() });
        command.Parameters.Add(new()
        {
            Value = notices.Select(n => n.Facts is { } facts ? JsonSerializer.Serialize(facts) : null).ToArray(),
            NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Jsonb,
        });
        await command.ExecuteNonQueryAsync(ct);
    }

    private static Dictionary<string, string>? FactsAt(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(ordinal));

    /// <summary>A notification's title and body in the recipient's language (<see cref="NotificationWords"/>).</summary>
    private (string Title, string Body) Words(IntakeNotice notice, string culture)
    {
        if (!Enum.TryParse<NotificationKind>(notice.Kind, ignoreCase: true, out var kind))
        {
            return (notice.Title, notice.Body);
        }

        return NotificationWords.In(CultureInfo.GetCultureInfo(culture), kind, notice.Facts, notice.Title, notice.Body, texts);
    }

    /// <summary>The accounts that have an address (a guest has none: it gets no email).</summary>
    private async Task<Dictionary<string, Recipient>> RecipientsAsync(List<string> userIds, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            SELECT id, email, display_name, culture, seller_id FROM users WHERE id = ANY($1) AND email IS NOT NULL
            """);
        command.Parameters.Add(new() { Value = userIds.ToArray() });
        var found = new Dictionary<string, Recipient>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            found[reader.GetString(0)] = new Recipient(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                EmailTemplates.CultureOf(reader.GetString(3)), reader.IsDBNull(4) ? null : reader.GetString(4));
        }

        return found;
    }

    /// <summary>
    /// The email of one notification. An order's email shows the order as its recipient may see it: it is read from the
    /// order grain as that recipient (the buyer, or the store's staff member), so the grain's own access rule holds.
    /// </summary>
    private async Task<OutgoingEmail> EmailAsync(IntakeNotice notice, EmailKind kind, Recipient recipient, Dictionary<string, OrderView> orders)
    {
        var publicUrl = links.PublicUrl.ToString().TrimEnd('/');
        var (title, body) = Words(notice, recipient.Culture);
        var model = new JsonObject
        {
            ["event"] = notice.Kind,
            ["title"] = title,
            ["body"] = body,
            ["link"] = notice.Link is null ? publicUrl : publicUrl + notice.Link,
            ["for_store"] = kind == EmailKind.StoreOrder,
        };
        string? storeName = null;
        if (NotificationMail.OrderIdOf(notice.Link) is { } orderId && await OrderForAsync(orderId, recipient, kind, orders) is { } order)
        {
            model["order"] = NotificationMail.OrderModel(order, recipient.Culture, publicUrl);
            // The buyer hears from the store ("Store via Marketplace"); the store's staff from the marketplace.
            storeName = kind == EmailKind.OrderUpdate ? order.SellerName : null;
            model["store_name"] = order.SellerName;
        }

        return new OutgoingEmail(recipient.Email, recipient.Name, recipient.UserId, recipient.Culture, kind, notice.SourceKey, model, storeName);
    }

    /// <summary>
    /// The order as read in this batch, or read now as this recipient. An order read as its buyer is shown to its store's
    /// staff too (and the other way round): both may see all of it, and the notice that names them says they are its parties.
    /// </summary>
    private async Task<OrderView?> OrderForAsync(string orderId, Recipient recipient, EmailKind kind, Dictionary<string, OrderView> orders)
    {
        if (orders.TryGetValue(orderId, out var known))
        {
            return known;
        }

        var order = await ReadOrderAsync(orderId, recipient, kind);
        if (order is not null)
        {
            orders[orderId] = order;
        }

        return order;
    }

    private async Task<OrderView?> ReadOrderAsync(string orderId, Recipient recipient, EmailKind kind)
    {
        var caller = kind == EmailKind.StoreOrder
            ? new Caller(recipient.UserId, CallerRoles.Seller | CallerRoles.Shopper, recipient.SellerId, recipient.Email)
            : new Caller(recipient.UserId, CallerRoles.Shopper, null, recipient.Email);
        CallerContext.Set(caller);
        try
        {
            return await grains.GetGrain<IOrderGrain>(orderId).Get();
        }
        catch (DomainException e)
        {
            // Not the recipient's to read any more (left the store's staff): the email keeps to the notification's words.
            LogOrderUnreadable(logger, orderId, e.Code);
            return null;
        }
        finally
        {
            CallerContext.Set(null);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Routing notifications to email failed; the round is tried again")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId} could not be read for its email ({Code}); sent with the notification's words")]
    private static partial void LogOrderUnreadable(ILogger logger, string orderId, string code);
}
