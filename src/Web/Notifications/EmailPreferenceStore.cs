using Marketplace.Email;
using Npgsql;

namespace Marketplace.Web.Notifications;

/// <summary>What each person chose to receive by email (migration 0013's email_preferences and email_unsubscribes).</summary>
public sealed class EmailPreferenceStore(NpgsqlDataSource db, TimeProvider clock)
{
    /// <summary>Every kind's channel for the account: its choices over the defaults.</summary>
    public async Task<IReadOnlyDictionary<string, EmailChannel>> GetAsync(string userId, CancellationToken ct = default) =>
        (await GetManyAsync([userId], ct))[userId];

    /// <summary>Every kind's channel for each of the accounts (those without choices have the defaults).</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, EmailChannel>>> GetManyAsync(
        IReadOnlyCollection<string> userIds, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("SELECT user_id, kind, channel FROM email_preferences WHERE user_id = ANY($1)");
        command.Parameters.Add(new() { Value = userIds.ToArray() });
        var stored = userIds.Distinct().ToDictionary(id => id, _ => new Dictionary<string, EmailChannel>(StringComparer.Ordinal));
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                if (EmailPreferences.Parse(reader.GetString(2)) is { } channel)
                {
                    stored[reader.GetString(0)][reader.GetString(1)] = channel;
                }
            }
        }

        return stored.ToDictionary(s => s.Key, s => EmailPreferences.Effective(s.Value));
    }

    /// <summary>Stores the given kinds' channels (the others keep theirs).</summary>
    public async Task SetAsync(string userId, IReadOnlyDictionary<string, EmailChannel> choices, CancellationToken ct = default)
    {
        if (choices.Count == 0)
        {
            return;
        }

        await using var command = db.CreateCommand("""
            INSERT INTO email_preferences (user_id, kind, channel, updated_at)
            SELECT $1, k, c, $4 FROM unnest($2::text[], $3::text[]) AS p(k, c)
            ON CONFLICT (user_id, kind) DO UPDATE SET channel = excluded.channel, updated_at = excluded.updated_at
            """);
        command.Parameters.Add(new() { Value = userId });
        command.Parameters.Add(new() { Value = choices.Keys.ToArray() });
        command.Parameters.Add(new() { Value = choices.Values.Select(EmailPreferences.Name).ToArray() });
        command.Parameters.Add(new() { Value = clock.GetUtcNow() });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Someone without an account asked for no more emails of a kind at this address.</summary>
    public async Task UnsubscribeAddressAsync(string address, string kind, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO email_unsubscribes (address, kind, created_at) VALUES (lower($1), $2, $3) ON CONFLICT DO NOTHING
            """);
        command.Parameters.Add(new() { Value = address });
        command.Parameters.Add(new() { Value = kind });
        command.Parameters.Add(new() { Value = clock.GetUtcNow() });
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<bool> IsAddressUnsubscribedAsync(string address, string kind, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("SELECT EXISTS (SELECT 1 FROM email_unsubscribes WHERE address = lower($1) AND kind = $2)");
        command.Parameters.Add(new() { Value = address });
        command.Parameters.Add(new() { Value = kind });
        return await command.ExecuteScalarAsync(ct) is true;
    }
}
