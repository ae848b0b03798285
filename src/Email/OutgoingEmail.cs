using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Marketplace.Email;

/// <summary>
/// An email decided and not yet sent: to whom, in which language, what about (<see cref="Kind"/> picks the template),
/// which event caused it (<see cref="SourceKey"/>) and the values its template shows. A recipient gets at most one email
/// per source event: <see cref="Key"/> derives from the pair and names the queued row and the message's Message-ID.
/// </summary>
public sealed record OutgoingEmail(
    string To,
    string? ToName,
    string? UserId,
    string Culture,
    EmailKind Kind,
    string SourceKey,
    JsonObject Model,
    string? StoreName = null,
    string? CampaignId = null)
{
    public string Key => EmailKeys.Of(To, SourceKey);
}

/// <summary>Stable names for one email: the same recipient and source event always give the same key.</summary>
public static class EmailKeys
{
    public static string Of(string address, string sourceKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(address.Trim().ToLowerInvariant() + "\n" + sourceKey));
        return Convert.ToHexStringLower(hash.AsSpan(0, 20));
    }

    /// <summary>The Message-ID (without angle brackets): the key at the sending domain, so a resent copy is the same message.</summary>
    public static string MessageId(string key, string fromAddress)
    {
        var at = fromAddress.LastIndexOf('@');
        var domain = at >= 0 && at < fromAddress.Length - 1 ? fromAddress[(at + 1)..] : "marketplace.local";
        return key + "@" + domain;
    }
}
