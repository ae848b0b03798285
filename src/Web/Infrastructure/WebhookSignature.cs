using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// Checks the <c>Marketplace-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "t.body")&gt;</c> header
/// that the payment provider and the carrier put on their webhooks. Several v1 values are allowed (a provider rotating
/// its secret signs with both); one match is enough.
/// </summary>
public static class WebhookSignature
{
    public const string HeaderName = "Marketplace-Signature";

    /// <summary>How far the signing time may be from now: older requests could be replays.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromSeconds(300);

    public static WebhookSignatureResult Verify(
        string? header, ReadOnlySpan<byte> rawBody, string secret, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (string.IsNullOrWhiteSpace(header))
        {
            return WebhookSignatureResult.Missing;
        }

        long? timestamp = null;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return WebhookSignatureResult.Malformed;
            }

            var (name, value) = (part[..eq], part[(eq + 1)..]);
            switch (name)
            {
                case "t" when timestamp is null && value.Length is > 0 and <= 12 && value.All(char.IsAsciiDigit):
                    timestamp = long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
                    break;
                case "t":
                    return WebhookSignatureResult.Malformed;
                case "v1" when value.Length == 64 && value.All(char.IsAsciiHexDigit):
                    signatures.Add(Convert.FromHexString(value));
                    break;
                case "v1":
                    return WebhookSignatureResult.Malformed;
                default:
                    // Other schemes (a future v2) are ignored, as providers ask receivers to do.
                    break;
            }
        }

        if (timestamp is null || signatures.Count == 0)
        {
            return WebhookSignatureResult.Malformed;
        }

        var t = timestamp.Value.ToString(CultureInfo.InvariantCulture);
        var signed = new byte[Encoding.UTF8.GetByteCount(t) + 1 + rawBody.Length];
        var written = Encoding.UTF8.GetBytes(t, signed);
        signed[written] = (byte)'.';
        rawBody.CopyTo(signed.AsSpan(written + 1));
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        // Constant-time comparison: timing must not reveal how much of a guessed signature was right.
        if (!signatures.Any(s => CryptographicOperations.FixedTimeEquals(s, expected)))
        {
            return WebhookSignatureResult.BadSignature;
        }

        var age = now - DateTimeOffset.FromUnixTimeSeconds(timestamp.Value);
        return age.Duration() > (tolerance ?? DefaultTolerance)
            ? WebhookSignatureResult.Stale
            : WebhookSignatureResult.Ok;
    }

    public static WebhookSignatureResult Verify(string? header, string rawBody, string secret, DateTimeOffset now, TimeSpan? tolerance = null) =>
        Verify(header, Encoding.UTF8.GetBytes(rawBody), secret, now, tolerance);
}

/// <summary>What a webhook's signature check found; only <see cref="Ok"/> may be acted on.</summary>
public enum WebhookSignatureResult
{
    Ok,

    /// <summary>No signature header.</summary>
    Missing,

    /// <summary>A header that does not parse as t=…,v1=….</summary>
    Malformed,

    /// <summary>Well formed, but no signature matches the body under the secret: forged, tampered or another secret.</summary>
    BadSignature,

    /// <summary>Genuine but signed more than the tolerance away from now: possibly a replay.</summary>
    Stale,
}
