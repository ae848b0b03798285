using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Web.Accounts;

public enum RefreshOutcome
{
    Rotated,
    /// <summary>Unknown, expired, or its session was revoked.</summary>
    Invalid,
    /// <summary>An already-used token came back: the chain leaked, and the whole session is now revoked.</summary>
    ReuseDetected,
}

public sealed record RefreshResult(RefreshOutcome Outcome, Guid SessionId, string UserId, string AuthenticationMethods, string? RefreshToken);

/// <summary>
/// Sign-in sessions and their refresh tokens in PostgreSQL. Refresh tokens are random, stored only as SHA-256, used
/// once each; a second use of any token of a session revokes the session (and with it every access token that names it).
/// </summary>
public sealed class SessionStore(NpgsqlDataSource db, IMemoryCache cache, IOptions<AuthOptions> options, TimeProvider clock)
{
    private readonly AuthOptions options = options.Value;

    public async Task<(Guid SessionId, string RefreshToken)> CreateAsync(string userId, string authenticationMethods, CancellationToken ct = default)
    {
        var sessionId = Guid.CreateVersion7();
        var token = NewToken();
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO auth_sessions (id, user_id, created_at, expires_at, amr) VALUES (@id, @user, @now, @expires, @amr)",
            connection, tx))
        {
            insert.Parameters.AddWithValue("id", sessionId);
            insert.Parameters.AddWithValue("user", userId);
            insert.Parameters.AddWithValue("now", now);
            insert.Parameters.AddWithValue("expires", now + options.RefreshTokenLifetime);
            insert.Parameters.AddWithValue("amr", authenticationMethods);
            await insert.ExecuteNonQueryAsync(ct);
        }

        await InsertTokenAsync(connection, tx, sessionId, token, now, ct);
        await tx.CommitAsync(ct);
        return (sessionId, token);
    }

    public async Task<RefreshResult> RotateAsync(string refreshToken, CancellationToken ct = default)
    {
        var hash = Hash(refreshToken);
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        // The row lock taken by this UPDATE makes a concurrent second use wait and then find the token used.
        Guid? sessionId = null;
        await using (var use = new NpgsqlCommand(
            "UPDATE refresh_tokens SET used_at = @now WHERE token_hash = @hash AND used_at IS NULL RETURNING session_id",
            connection, tx))
        {
            use.Parameters.AddWithValue("now", now);
            use.Parameters.AddWithValue("hash", hash);
            sessionId = (Guid?)await use.ExecuteScalarAsync(ct);
        }

        if (sessionId is null)
        {
            await using var find = new NpgsqlCommand("SELECT session_id FROM refresh_tokens WHERE token_hash = @hash", connection, tx);
            find.Parameters.AddWithValue("hash", hash);
            if (await find.ExecuteScalarAsync(ct) is Guid reused)
            {
                await RevokeAsync(connection, tx, reused, "refresh-token-reuse", ct);
                await tx.CommitAsync(ct);
                cache.Remove(CacheKey(reused));
                return new RefreshResult(RefreshOutcome.ReuseDetected, reused, "", "", null);
            }

            return new RefreshResult(RefreshOutcome.Invalid, Guid.Empty, "", "", null);
        }

        string userId;
        string amr;
        await using (var session = new NpgsqlCommand(
            "SELECT user_id, amr FROM auth_sessions WHERE id = @id AND revoked_at IS NULL AND expires_at > @now FOR UPDATE",
            connection, tx))
        {
            session.Parameters.AddWithValue("id", sessionId.Value);
            session.Parameters.AddWithValue("now", now);
            await using var reader = await session.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return new RefreshResult(RefreshOutcome.Invalid, sessionId.Value, "", "", null);
            }

            userId = reader.GetString(0);
            amr = reader.GetString(1);
        }

        var next = NewToken();
        await InsertTokenAsync(connection, tx, sessionId.Value, next, now, ct);
        await using (var touch = new NpgsqlCommand("UPDATE auth_sessions SET refreshed_at = @now WHERE id = @id", connection, tx))
        {
            touch.Parameters.AddWithValue("now", now);
            touch.Parameters.AddWithValue("id", sessionId.Value);
            await touch.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return new RefreshResult(RefreshOutcome.Rotated, sessionId.Value, userId, amr, next);
    }

    /// <summary>Revokes the session a refresh token belongs to. Answers false when the token is unknown.</summary>
    public async Task<bool> RevokeByRefreshTokenAsync(string refreshToken, string reason, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var find = new NpgsqlCommand("SELECT session_id FROM refresh_tokens WHERE token_hash = @hash", connection);
        find.Parameters.AddWithValue("hash", Hash(refreshToken));
        if (await find.ExecuteScalarAsync(ct) is not Guid sessionId)
        {
            return false;
        }

        await RevokeSessionAsync(sessionId, reason, ct);
        return true;
    }

    public async Task RevokeSessionAsync(Guid sessionId, string reason, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await RevokeAsync(connection, null, sessionId, reason, ct);
        cache.Remove(CacheKey(sessionId));
    }

    /// <summary>Signs a user out everywhere (staff removed, password changed, account suspended).</summary>
    public async Task RevokeAllForUserAsync(string userId, string reason, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var revoke = new NpgsqlCommand(
            "UPDATE auth_sessions SET revoked_at = @now, revoked_reason = @reason WHERE user_id = @user AND revoked_at IS NULL RETURNING id",
            connection);
        revoke.Parameters.AddWithValue("now", clock.GetUtcNow());
        revoke.Parameters.AddWithValue("reason", reason);
        revoke.Parameters.AddWithValue("user", userId);
        await using var reader = await revoke.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            cache.Remove(CacheKey(reader.GetGuid(0)));
        }
    }

    /// <summary>Whether access tokens of this session are still honoured. Cached briefly per web host.</summary>
    public async Task<bool> IsActiveAsync(Guid sessionId, CancellationToken ct = default)
    {
        if (cache.TryGetValue(CacheKey(sessionId), out bool active))
        {
            return active;
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var check = new NpgsqlCommand(
            "SELECT revoked_at IS NULL AND expires_at > @now FROM auth_sessions WHERE id = @id", connection);
        check.Parameters.AddWithValue("now", clock.GetUtcNow());
        check.Parameters.AddWithValue("id", sessionId);
        active = await check.ExecuteScalarAsync(ct) is true;
        cache.Set(CacheKey(sessionId), active, options.SessionCheckCacheDuration);
        return active;
    }

    private static async Task InsertTokenAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid sessionId, string token,
        DateTimeOffset now, CancellationToken ct)
    {
        await using var insert = new NpgsqlCommand(
            "INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES (@hash, @session, @now)", connection, tx);
        insert.Parameters.AddWithValue("hash", Hash(token));
        insert.Parameters.AddWithValue("session", sessionId);
        insert.Parameters.AddWithValue("now", now);
        await insert.ExecuteNonQueryAsync(ct);
    }

    private async Task RevokeAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid sessionId, string reason, CancellationToken ct)
    {
        await using var revoke = new NpgsqlCommand(
            "UPDATE auth_sessions SET revoked_at = @now, revoked_reason = @reason WHERE id = @id AND revoked_at IS NULL",
            connection, tx);
        revoke.Parameters.AddWithValue("now", clock.GetUtcNow());
        revoke.Parameters.AddWithValue("reason", reason);
        revoke.Parameters.AddWithValue("id", sessionId);
        await revoke.ExecuteNonQueryAsync(ct);
    }

    private static string CacheKey(Guid sessionId) => "session:" + sessionId.ToString("N");

    private static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
