using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using NpgsqlTypes;

namespace Marketplace.Web.OpenId;

/// <summary>A key that still counts, with its RSA key loaded.</summary>
public sealed record OidcLoadedKey(OidcKeyTimes Times, RsaSecurityKey Key);

/// <summary>The keys in force on this host: for each use, the current key first.</summary>
public sealed record OidcKeySet(IReadOnlyList<OidcLoadedKey> Signing, IReadOnlyList<OidcLoadedKey> Encryption)
{
    public static readonly OidcKeySet Empty = new([], []);

    public string Fingerprint => string.Join(',', Signing.Concat(Encryption).Select(k => k.Times.Id + "@" + k.Times.ActiveUntil.ToUnixTimeMilliseconds()));
}

/// <summary>
/// The provider's keys, kept in PostgreSQL (oidc_keys) so every web host signs with the same key and publishes the
/// same set. Each host reads them at start and every <see cref="OidcOptions.KeyRefreshInterval"/>; whichever host finds
/// the next key due creates it, under an advisory lock so two hosts never both do. When the set changes, the provider's
/// options are rebuilt (<see cref="OidcCredentials"/>). Private keys are stored encrypted with the Data Protection key ring.
/// </summary>
public sealed partial class OidcKeyRing(
    NpgsqlDataSource database, IDataProtectionProvider protection, IOptions<OidcOptions> options, TimeProvider clock, ILogger<OidcKeyRing> logger)
    : BackgroundService
{
    private const int KeySizeBits = 2048;
    private readonly IDataProtector protector = protection.CreateProtector("Marketplace.OpenId.Keys");
    private readonly ConcurrentDictionary<string, RsaSecurityKey> loaded = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim refreshing = new(1, 1);
    private CancellationTokenSource changed = new();
    private volatile OidcKeySet keys = OidcKeySet.Empty;

    /// <summary>The keys in force; read once at start, so never empty once the host runs.</summary>
    public OidcKeySet Keys
    {
        get
        {
            if (keys.Signing.Count == 0)
            {
                // Only if something asks before start-up finished.
                RefreshAsync(CancellationToken.None).GetAwaiter().GetResult();
            }

            return keys;
        }
    }

    /// <summary>Fires when the keys in force change.</summary>
    public IChangeToken ChangeToken => new CancellationChangeToken(changed.Token);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.KeyRefreshInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or CryptographicException)
            {
                LogRefreshFailed(logger, e);
            }
        }
    }

    /// <summary>Every key row with its schedule, for the administration.</summary>
    public async Task<IReadOnlyList<OidcKeyTimes>> ListAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return (await ReadAsync(connection, null, withSecrets: false, ct)).Select(r => r.Times).ToList();
    }

    /// <summary>Ends the current keys' turn now and starts new ones; tokens made with the old keys stay valid to their expiry.</summary>
    public async Task RotateNowAsync(CancellationToken ct)
    {
        var settings = options.Value;
        await ChangeAsync(rows =>
        {
            var now = clock.GetUtcNow();
            var times = rows.Select(r => r.Times).ToList();
            return OidcKeyRules.EndNow(times, OidcKeyUse.Signing, now, settings.SigningKeyRetention)
                .Concat(OidcKeyRules.EndNow(times, OidcKeyUse.Encryption, now, settings.EncryptionKeyRetention))
                .ToList();
        }, ct);
    }

    /// <summary>Reads the keys, creates the next ones when due, deletes long-retired rows, and swaps in the new set.</summary>
    public Task RefreshAsync(CancellationToken ct) => ChangeAsync(_ => [], ct);

    private async Task ChangeAsync(Func<IReadOnlyList<StoredKey>, IReadOnlyList<OidcKeyTimes>> rescheduled, CancellationToken ct)
    {
        await refreshing.WaitAsync(ct);
        try
        {
            var settings = options.Value;
            List<StoredKey> rows;
            await using (var connection = await database.OpenConnectionAsync(ct))
            await using (var transaction = await connection.BeginTransactionAsync(ct))
            {
                await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('oidc_keys'))", connection, transaction))
                {
                    await lockCommand.ExecuteNonQueryAsync(ct);
                }

                rows = await ReadAsync(connection, transaction, withSecrets: true, ct);
                foreach (var times in rescheduled(rows))
                {
                    await UpdateAsync(connection, transaction, times, ct);
                    var index = rows.FindIndex(r => r.Times.Id == times.Id);
                    rows[index] = rows[index] with { Times = times };
                }

                var now = clock.GetUtcNow();
                foreach (var (use, retention) in new[] { (OidcKeyUse.Signing, settings.SigningKeyRetention), (OidcKeyUse.Encryption, settings.EncryptionKeyRetention) })
                {
                    if (OidcKeyRules.NextDue(rows.Select(r => r.Times), use, now, settings.KeyLifetime, settings.KeyPublishedAhead, retention) is { } plan)
                    {
                        rows.Add(await CreateAsync(connection, transaction, use, plan, now, ct));
                    }
                }

                foreach (var gone in rows.Where(r => OidcKeyRules.Deletable(r.Times, now)).ToList())
                {
                    await using var delete = new NpgsqlCommand("DELETE FROM oidc_keys WHERE id = $1", connection, transaction);
                    delete.Parameters.Add(new NpgsqlParameter { Value = gone.Times.Id });
                    await delete.ExecuteNonQueryAsync(ct);
                    rows.Remove(gone);
                }

                await transaction.CommitAsync(ct);
            }

            Swap(rows, clock.GetUtcNow());
        }
        finally
        {
            refreshing.Release();
        }
    }

    private void Swap(IReadOnlyList<StoredKey> rows, DateTimeOffset now)
    {
        var times = rows.Select(r => r.Times).ToList();
        OidcLoadedKey Load(OidcKeyTimes t) => new(t, loaded.GetOrAdd(t.Id, id =>
        {
            var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(protector.Unprotect(rows.First(r => r.Times.Id == id).PrivateKey!), out _);
            return new RsaSecurityKey(rsa) { KeyId = id };
        }));

        var next = new OidcKeySet(
            OidcKeyRules.Kept(times, OidcKeyUse.Signing, now).Select(Load).ToList(),
            OidcKeyRules.Kept(times, OidcKeyUse.Encryption, now).Select(Load).ToList());
        if (next.Fingerprint == keys.Fingerprint)
        {
            return;
        }

        foreach (var stale in loaded.Keys.Except(times.Select(t => t.Id)).ToList())
        {
            loaded.TryRemove(stale, out _);
        }

        keys = next;
        LogKeysChanged(logger, next.Signing[0].Times.Id, next.Signing.Count, next.Encryption.Count);
        var previous = Interlocked.Exchange(ref changed, new CancellationTokenSource());
        previous.Cancel();
        previous.Dispose();
    }

    private async Task<StoredKey> CreateAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, OidcKeyUse use, OidcKeyPlan plan, DateTimeOffset now, CancellationToken ct)
    {
        using var rsa = RSA.Create(KeySizeBits);
        var id = (use == OidcKeyUse.Signing ? "sig-" : "enc-") + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = protector.Protect(rsa.ExportPkcs8PrivateKey());
        await using var insert = new NpgsqlCommand(
            "INSERT INTO oidc_keys (id, use, private_key, created_at, active_from, active_until, retire_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter { Value = id });
        insert.Parameters.Add(new NpgsqlParameter { Value = UseName(use) });
        insert.Parameters.Add(new NpgsqlParameter { Value = secret, NpgsqlDbType = NpgsqlDbType.Bytea });
        insert.Parameters.Add(new NpgsqlParameter { Value = now });
        insert.Parameters.Add(new NpgsqlParameter { Value = plan.ActiveFrom });
        insert.Parameters.Add(new NpgsqlParameter { Value = plan.ActiveUntil });
        insert.Parameters.Add(new NpgsqlParameter { Value = plan.RetireAt });
        await insert.ExecuteNonQueryAsync(ct);
        LogKeyCreated(logger, id, plan.ActiveFrom);
        return new StoredKey(new OidcKeyTimes(id, use, plan.ActiveFrom, plan.ActiveUntil, plan.RetireAt), secret);
    }

    private static async Task UpdateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, OidcKeyTimes times, CancellationToken ct)
    {
        await using var update = new NpgsqlCommand(
            "UPDATE oidc_keys SET active_from = $2, active_until = $3, retire_at = $4 WHERE id = $1", connection, transaction);
        update.Parameters.Add(new NpgsqlParameter { Value = times.Id });
        update.Parameters.Add(new NpgsqlParameter { Value = times.ActiveFrom });
        update.Parameters.Add(new NpgsqlParameter { Value = times.ActiveUntil });
        update.Parameters.Add(new NpgsqlParameter { Value = times.RetireAt });
        await update.ExecuteNonQueryAsync(ct);
    }

    private static async Task<List<StoredKey>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, bool withSecrets, CancellationToken ct)
    {
        var sql = withSecrets
            ? "SELECT id, use, active_from, active_until, retire_at, private_key FROM oidc_keys ORDER BY active_from, id"
            : "SELECT id, use, active_from, active_until, retire_at FROM oidc_keys ORDER BY active_from, id";
        await using var select = new NpgsqlCommand(sql, connection, transaction);
        await using var reader = await select.ExecuteReaderAsync(ct);
        var rows = new List<StoredKey>();
        while (await reader.ReadAsync(ct))
        {
            var times = new OidcKeyTimes(
                reader.GetString(0), reader.GetString(1) == "sig" ? OidcKeyUse.Signing : OidcKeyUse.Encryption,
                reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4));
            rows.Add(new StoredKey(times, withSecrets ? reader.GetFieldValue<byte[]>(5) : null));
        }

        return rows;
    }

    public static string UseName(OidcKeyUse use) => use == OidcKeyUse.Signing ? "sig" : "enc";

    private sealed record StoredKey(OidcKeyTimes Times, byte[]? PrivateKey);

    [LoggerMessage(Level = LogLevel.Information, Message = "OpenID Connect key {KeyId} created; it signs or encrypts from {ActiveFrom}")]
    private static partial void LogKeyCreated(ILogger logger, string keyId, DateTimeOffset activeFrom);

    [LoggerMessage(Level = LogLevel.Information, Message = "OpenID Connect keys in force: {SigningKeyId} signs; {Signing} signing and {Encryption} encryption keys kept")]
    private static partial void LogKeysChanged(ILogger logger, string signingKeyId, int signing, int encryption);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the OpenID Connect keys; the ones in force stay until the next try")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
