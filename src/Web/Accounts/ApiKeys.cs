using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Web.Accounts;

public sealed record ApiKeyInfo(Guid Id, string Name, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, string? CreatedBy,
    DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);

/// <summary>
/// Integration API keys. A key reads "mk_{id}_{secret}"; the id finds the row, the secret is compared by its SHA-256
/// in constant time. The full key is shown once, when created.
/// </summary>
public sealed class ApiKeyStore(NpgsqlDataSource db, TimeProvider clock)
{
    public const string DirectoryScope = "directory";
    public static readonly IReadOnlySet<string> KnownScopes = new HashSet<string>(StringComparer.Ordinal) { DirectoryScope };

    private const string Prefix = "mk_";

    public async Task<(ApiKeyInfo Info, string Key)> CreateAsync(string name, IReadOnlyList<string> scopes, string createdBy, CancellationToken ct = default)
    {
        var id = Guid.NewGuid();
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        await using var insert = db.CreateCommand(
            "INSERT INTO integration_api_keys (id, name, scopes, secret_hash, created_at, created_by) VALUES (@id, @name, @scopes, @hash, @now, @by)");
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("name", name);
        insert.Parameters.AddWithValue("scopes", scopes.ToArray());
        insert.Parameters.AddWithValue("hash", Hash(secret));
        insert.Parameters.AddWithValue("now", now);
        insert.Parameters.AddWithValue("by", createdBy);
        await insert.ExecuteNonQueryAsync(ct);
        return (new ApiKeyInfo(id, name, scopes, now, createdBy, null, null), $"{Prefix}{id:N}_{secret}");
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken ct = default)
    {
        await using var query = db.CreateCommand(
            "SELECT id, name, scopes, created_at, created_by, revoked_at, last_used_at FROM integration_api_keys ORDER BY created_at DESC");
        await using var reader = await query.ExecuteReaderAsync(ct);
        var keys = new List<ApiKeyInfo>();
        while (await reader.ReadAsync(ct))
        {
            keys.Add(new ApiKeyInfo(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<string[]>(2),
                reader.GetFieldValue<DateTimeOffset>(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return keys;
    }

    /// <summary>Revokes a key; answers false when there is no such key.</summary>
    public async Task<bool> RevokeAsync(Guid id, CancellationToken ct = default)
    {
        await using var revoke = db.CreateCommand(
            "UPDATE integration_api_keys SET revoked_at = coalesce(revoked_at, @now) WHERE id = @id");
        revoke.Parameters.AddWithValue("now", clock.GetUtcNow());
        revoke.Parameters.AddWithValue("id", id);
        return await revoke.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>The key's id and scopes when it is valid and not revoked; null otherwise.</summary>
    public async Task<(Guid Id, string Name, string[] Scopes)?> VerifyAsync(string presented, CancellationToken ct = default)
    {
        var parts = presented.Split('_');
        if (parts.Length != 3 || parts[0] + "_" != Prefix || !Guid.TryParseExact(parts[1], "N", out var id) || parts[2].Length != 64)
        {
            return null;
        }

        await using var query = db.CreateCommand(
            "UPDATE integration_api_keys SET last_used_at = @now WHERE id = @id AND revoked_at IS NULL RETURNING name, scopes, secret_hash");
        query.Parameters.AddWithValue("now", clock.GetUtcNow());
        query.Parameters.AddWithValue("id", id);
        await using var reader = await query.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var expected = reader.GetFieldValue<byte[]>(2);
        return CryptographicOperations.FixedTimeEquals(expected, Hash(parts[2]))
            ? (id, reader.GetString(0), reader.GetFieldValue<string[]>(1))
            : null;
    }

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}

/// <summary>Authenticates partner systems by the <c>X-Api-Key</c> header.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values) || values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            return AuthenticateResult.NoResult();
        }

        var verified = await keys.VerifyAsync(values[0]!, Context.RequestAborted);
        if (verified is not { } key)
        {
            return AuthenticateResult.Fail("Invalid API key.");
        }

        var claims = new List<Claim>
        {
            new(MarketplaceClaims.Subject, "apikey:" + key.Id.ToString("N")),
            new(MarketplaceClaims.Name, key.Name),
            new(MarketplaceClaims.Role, CallerIdentity.IntegrationRole),
        };
        claims.AddRange(key.Scopes.Select(s => new Claim(MarketplaceClaims.Scope, s)));
        var identity = new ClaimsIdentity(claims, SchemeName, MarketplaceClaims.Subject, MarketplaceClaims.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
