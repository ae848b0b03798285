using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Sandbox.Webhooks;

/// <summary>Signs a delivery the way receivers check it: HMAC-SHA256 over "{unix seconds}.{raw body}".</summary>
public static class WebhookSigner
{
    public const string HeaderName = "Marketplace-Signature";

    public static string Header(string secret, DateTimeOffset at, string body)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }
}
