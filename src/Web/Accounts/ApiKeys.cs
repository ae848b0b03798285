using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Web.Accounts;

/// <param name="StoreId">The store the key acts for; null for the operators' keys (the business directory's).</param>
public sealed record ApiKeyInfo(Guid Id, string Name, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, string? CreatedBy,
    DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt, string? StoreId = null);

/// <summary>A key that checked out: who it is and what it may do.</summary>
public sealed record VerifiedApiKey(Guid Id, string Name, string[] Scopes, string? StoreId);

/// <summary>
/// Integration API keys. A key reads "mk_{id}_{secret}"; the id finds the row, the secret is compared by its SHA-256
/// in constant time. The full key is shown once, when created.
/// </summary>
public sealed class ApiKeyStore(NpgsqlDataSource db, TimeProvider clock)
{
    public const string DirectoryScope = "directory";

    /// <summary>A store's own key: its catalog, stock, orders and webhooks.</summary>
    public const string StoreScope = "store";

    /// <summary>The scopes an operator's key may have.</summary>
    public static readonly IReadOnlySet<string> KnownScopes = new HashSet<string>(StringComparer.Ordinal) { DirectoryScope };

    /// <summary>Keys one store may hold that are not revoked.</summary>
    public const int MaxActivePerStore = 20;

    private const string Prefix = "mk_";

    /// <summary>Creates a key (for <paramref name="storeId"/>, or the operators' when null) and answers it in full, this once.</summary>
    public async Task<(ApiKeyInfo Info, string Key)> CreateAsync(
        string name, IReadOnlyList<string> scopes, string createdBy, string? storeId = null, CancellationToken ct = default)
    {
        var id = Guid.NewGuid();
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        await using var insert = db.CreateCommand(
            "INSERT INTO integration_api_keys (id, name, scopes, secret_hash, created_at, created_by, store_id) VALUES (@id, @name, @scopes, @hash, @now, @by, @store)");
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("name", name);
        insert.Parameters.AddWithValue("scopes", scopes.ToArray());
        insert.Parameters.AddWithValue("hash", Hash(secret));
        insert.Parameters.AddWithValue("now", now);
        insert.Parameters.AddWithValue("by", createdBy);
        insert.Parameters.Add(new NpgsqlParameter("store", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)storeId ?? DBNull.Value });
        await insert.ExecuteNonQueryAsync(ct);
        return (new ApiKeyInfo(id, name, scopes, now, createdBy, null, null, storeId), $"{Prefix}{id:N}_{secret}");
    }

    /// <summary>The keys of a store, or the operators' (null), newest first.</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string? storeId = null, CancellationToken ct = default)
    {
        await using var query = db.CreateCommand("""
            SELECT id, name, scopes, created_at, created_by, revoked_at, last_used_at, store_id FROM integration_api_keys
            WHERE store_id IS NOT DISTINCT FROM @store ORDER BY created_at DESC
            """);
        query.Parameters.Add(new NpgsqlParameter("store", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)storeId ?? DBNull.Value });
        await using var reader = await query.ExecuteReaderAsync(ct);
        var keys = new List<ApiKeyInfo>();
        while (await reader.ReadAsync(ct))
        {
            keys.Add(new ApiKeyInfo(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<string[]>(2),
                reader.GetFieldValue<DateTimeOffset>(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return keys;
    }

    /// <summary>How many keys of the store are not revoked.</summary>
    public async Task<int> CountActiveAsync(string storeId, CancellationToken ct = default)
    {
        await using var query = db.CreateCommand("SELECT count(*) FROM integration_api_keys WHERE store_id = @store AND revoked_at IS NULL");
        query.Parameters.AddWithValue("store", storeId);
        return (int)(long)(await query.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Revokes a key of the store (or of the operators, when null); answers false when it has no such key.</summary>
    public async Task<bool> RevokeAsync(Guid id, string? storeId = null, CancellationToken ct = default)
    {
        await using var revoke = db.CreateCommand(
            "UPDATE integration_api_keys SET revoked_at = coalesce(revoked_at, @now) WHERE id = @id AND store_id IS NOT DISTINCT FROM @store");
        revoke.Parameters.AddWithValue("now", clock.GetUtcNow());
        revoke.Parameters.AddWithValue("id", id);
        revoke.Parameters.Add(new NpgsqlParameter("store", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)storeId ?? DBNull.Value });
        return await revoke.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>The key when it is valid and not revoked; null otherwise.</summary>
    public async Task<VerifiedApiKey?> VerifyAsync(string presented, CancellationToken ct = default)
    {
        var parts = presented.Split('_');
        if (parts.Length != 3 || parts[0] + "_" != Prefix || !Guid.TryParseExact(parts[1], "N", out var id) || parts[2].Length != 64)
        {
            return null;
        }

        await using var query = db.CreateCommand(
            "UPDATE integration_api_keys SET last_used_at = @now WHERE id = @id AND revoked_at IS NULL RETURNING name, scopes, secret_hash, store_id");
        query.Parameters.AddWithValue("now", clock.GetUtcNow());
        query.Parameters.AddWithValue("id", id);
        await using var reader = await query.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var expected = reader.GetFieldValue<byte[]>(2);
        return CryptographicOperations.FixedTimeEquals(expected, Hash(parts[2]))
            ? new VerifiedApiKey(id, reader.GetString(0), reader.GetFieldValue<string[]>(1), reader.IsDBNull(3) ? null : reader.GetString(3))
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

        // A store's key works only where the endpoint lets store keys in; an operator's key never there.
        if ((key.StoreId is not null) != StoreApiKeys.Allowed(Context.GetEndpoint()))
        {
            return key.StoreId is null
                ? AuthenticateResult.NoResult()
                : AuthenticateResult.Fail("A store's API key acts only on the store's catalog, stock, orders and webhooks.");
        }

        var claims = new List<Claim>
        {
            new(MarketplaceClaims.Subject, "apikey:" + key.Id.ToString("N")),
            new(MarketplaceClaims.Name, key.Name),
        };
        if (key.StoreId is { } storeId)
        {
            // A store's key acts as the store's staff, only where StoreApiKeys lets it (catalog, stock, orders, webhooks).
            claims.Add(new Claim(MarketplaceClaims.Role, RoleNames.Seller));
            claims.Add(new Claim(MarketplaceClaims.Role, RoleNames.StoreKey));
            claims.Add(new Claim(MarketplaceClaims.SellerId, storeId));
        }
        else
        {
            claims.Add(new Claim(MarketplaceClaims.Role, CallerIdentity.IntegrationRole));
        }

        claims.AddRange(key.Scopes.Select(s => new Claim(MarketplaceClaims.Scope, s)));
        var identity = new ClaimsIdentity(claims, SchemeName, MarketplaceClaims.Subject, MarketplaceClaims.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
