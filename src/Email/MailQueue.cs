using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace Marketplace.Email;

/// <summary>An email a sender took from the queue, with its attempt number (1 for the first).</summary>
public sealed record QueuedEmail(OutgoingEmail Email, string Key, int Attempt, DateTimeOffset CreatedAt);

/// <summary>A row of the queue as the admin page lists it.</summary>
public sealed record EmailRecord(
    string Key, string To, string Kind, string Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? SentAt,
    DateTimeOffset NextAttemptAt, string? LastError);

public sealed record EmailCounts(long Queued, long Sent, long Dead, long Suppressed);

/// <summary>
/// The email outbox (migration 0013): emails are stored with the change that decided them — in the caller's
/// transaction when it passes one — and sent later by <see cref="MailSender"/>. Taking a batch leases its rows, so
/// several sending processes share the queue and an email whose sender died is taken again when its lease ends.
/// </summary>
public sealed class MailQueue(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private readonly SemaphoreSlim wake = new(0, 1);

    /// <summary>Completes when an email was queued by this process (or after <paramref name="timeout"/>).</summary>
    public async Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await wake.WaitAsync(timeout, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Queues the emails (those already queued for the same recipient and event are left as they are). In the caller's
    /// transaction when given one; the caller then calls <see cref="Wake"/> after its commit.
    /// </summary>
    public async Task EnqueueAsync(IReadOnlyCollection<OutgoingEmail> emails, NpgsqlConnection? connection = null, NpgsqlTransaction? transaction = null, CancellationToken cancellationToken = default)
    {
        if (emails.Count == 0)
        {
            return;
        }

        var now = clock.GetUtcNow();
        const string sql = """
            INSERT INTO email_outbox (email_key, to_address, to_name, user_id, culture, kind, source_key, model, store_name, campaign_id, created_at, next_attempt_at)
            SELECT k, a, n, u, c, kd, s, m::jsonb, st, cp, $11, $11
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
                AS e(k, a, n, u, c, kd, s, m, st, cp)
            ON CONFLICT (email_key) DO NOTHING
            """;
        var list = emails.ToList();
        NpgsqlParameter Texts(IEnumerable<string?> values) =>
            new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };
        var parameters = new[]
        {
            Texts(list.Select(e => e.Key)), Texts(list.Select(e => e.To)), Texts(list.Select(e => e.ToName)),
            Texts(list.Select(e => e.UserId)), Texts(list.Select(e => e.Culture)), Texts(list.Select(e => e.Kind.Name)),
            Texts(list.Select(e => e.SourceKey)), Texts(list.Select(e => e.Model.ToJsonString())), Texts(list.Select(e => e.StoreName)),
            Texts(list.Select(e => e.CampaignId)), new NpgsqlParameter { Value = now },
        };
        if (connection is not null)
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            command.Parameters.AddRange(parameters);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        else
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.AddRange(parameters);
            await command.ExecuteNonQueryAsync(cancellationToken);
            Wake();
        }
    }

    /// <summary>Wakes this process's sender (after a commit that queued emails through the caller's own transaction).</summary>
    public void Wake()
    {
        if (wake.CurrentCount == 0)
        {
            try
            {
                wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another caller woke it first.
            }
        }
    }

    /// <summary>Takes up to <paramref name="count"/> due emails for <paramref name="lease"/>; each attempt is counted when taken.</summary>
    public async Task<IReadOnlyList<QueuedEmail>> TakeAsync(int count, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var command = dataSource.CreateCommand("""
            UPDATE email_outbox o SET locked_until = $2, attempts = o.attempts + 1
            FROM (SELECT email_key FROM email_outbox
                  WHERE status = 'queued' AND next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until <= $1)
                  ORDER BY next_attempt_at
                  LIMIT $3
                  FOR UPDATE SKIP LOCKED) due
            WHERE o.email_key = due.email_key
            RETURNING o.email_key, o.to_address, o.to_name, o.user_id, o.culture, o.kind, o.source_key, o.model::text,
                      o.store_name, o.campaign_id, o.attempts, o.created_at
            """);
        command.Parameters.Add(new() { Value = now });
        command.Parameters.Add(new() { Value = now + lease });
        command.Parameters.Add(new() { Value = count });
        var taken = new List<QueuedEmail>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            var kindName = reader.GetString(5);
            var kind = EmailKind.Find(kindName) ?? new EmailKind(kindName, IsSecurity: false);
            var model = Text(7) is { } json ? JsonNode.Parse(json) as JsonObject ?? [] : [];
            var email = new OutgoingEmail(reader.GetString(1), Text(2), Text(3), reader.GetString(4), kind, reader.GetString(6), model, Text(8), Text(9));
            taken.Add(new QueuedEmail(email, reader.GetString(0), reader.GetInt32(10), reader.GetFieldValue<DateTimeOffset>(11)));
        }

        return taken;
    }

    /// <summary>
    /// Records emails the relay accepted. The values of an email that carries a secret (a one-time link) are erased
    /// once sent: the database keeps no usable token.
    /// </summary>
    public async Task MarkSentAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        if (keys.Count == 0)
        {
            return;
        }

        await using var command = dataSource.CreateCommand("""
            UPDATE email_outbox
            SET status = 'sent', sent_at = $2, locked_until = NULL, last_error = NULL,
                model = CASE WHEN kind = ANY($3) THEN NULL ELSE model END
            WHERE email_key = ANY($1) AND status = 'queued'
            """);
        command.Parameters.Add(new() { Value = keys.ToArray() });
        command.Parameters.Add(new() { Value = clock.GetUtcNow() });
        command.Parameters.Add(new() { Value = EmailKind.All.Where(k => k.CarriesSecret).Select(k => k.Name).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records a failed attempt: tried again at <paramref name="retryAt"/>, or dead when that is null.</summary>
    public async Task MarkFailedAsync(string key, DateTimeOffset? retryAt, string error, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE email_outbox
            SET status = CASE WHEN $2::timestamptz IS NULL THEN 'dead' ELSE 'queued' END,
                next_attempt_at = coalesce($2, next_attempt_at), locked_until = NULL, last_error = left($3, 1000)
            WHERE email_key = $1 AND status = 'queued'
            """);
        command.Parameters.Add(new() { Value = key });
        command.Parameters.Add(new() { Value = retryAt.HasValue ? retryAt.Value : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = error });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Marks an email not sent because its address is suppressed.</summary>
    public async Task MarkSuppressedAsync(string key, string reason, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE email_outbox SET status = 'suppressed', locked_until = NULL, last_error = $2
            WHERE email_key = $1 AND status = 'queued'
            """);
        command.Parameters.Add(new() { Value = key });
        command.Parameters.Add(new() { Value = reason });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>No further email goes to the address (a hard bounce); answers whether it was new.</summary>
    public async Task<bool> SuppressAsync(string address, string reason, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO email_suppressions (address, reason, created_at) VALUES (lower($1), $2, $3) ON CONFLICT (address) DO NOTHING
            """);
        command.Parameters.Add(new() { Value = address });
        command.Parameters.Add(new() { Value = reason });
        command.Parameters.Add(new() { Value = clock.GetUtcNow() });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Those of the addresses that are suppressed (lower case).</summary>
    public async Task<IReadOnlySet<string>> SuppressedAmongAsync(IEnumerable<string> addresses, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT address FROM email_suppressions WHERE address = ANY($1)");
        command.Parameters.Add(new() { Value = addresses.Select(a => a.ToLowerInvariant()).Distinct().ToArray() });
        var found = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(reader.GetString(0));
        }

        return found;
    }

    /// <summary>How many emails of a kind were queued to an address since a moment (rate limits).</summary>
    public async Task<int> CountRecentAsync(string address, EmailKind kind, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT count(*) FROM email_outbox WHERE lower(to_address) = lower($1) AND kind = $2 AND created_at >= $3
            """);
        command.Parameters.Add(new() { Value = address });
        command.Parameters.Add(new() { Value = kind.Name });
        command.Parameters.Add(new() { Value = since });
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<EmailCounts> CountAsync(string? campaignId = null, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT count(*) FILTER (WHERE status = 'queued'), count(*) FILTER (WHERE status = 'sent'),
                   count(*) FILTER (WHERE status = 'dead'), count(*) FILTER (WHERE status = 'suppressed')
            FROM email_outbox WHERE $1::text IS NULL OR campaign_id = $1
            """);
        command.Parameters.Add(new() { Value = (object?)campaignId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new EmailCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    /// <summary>The newest emails in a status (all statuses when null).</summary>
    public async Task<IReadOnlyList<EmailRecord>> ListAsync(string? status, int take, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT email_key, to_address, kind, status, attempts, created_at, sent_at, next_attempt_at, last_error
            FROM email_outbox WHERE $1::text IS NULL OR status = $1
            ORDER BY created_at DESC, email_key LIMIT $2
            """);
        command.Parameters.Add(new() { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = take });
        var rows = new List<EmailRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new EmailRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                reader.GetFieldValue<DateTimeOffset>(7), reader.IsDBNull(8) ? null : reader.GetString(8)));
        }

        return rows;
    }

    /// <summary>Queues a dead email again with fresh attempts; answers false when no dead email has that key.</summary>
    public async Task<bool> RetryAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE email_outbox SET status = 'queued', attempts = 0, next_attempt_at = $2, locked_until = NULL
            WHERE email_key = $1 AND status = 'dead'
            """);
        command.Parameters.Add(new() { Value = key });
        command.Parameters.Add(new() { Value = clock.GetUtcNow() });
        var retried = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        if (retried)
        {
            Wake();
        }

        return retried;
    }
}
