using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Marketplace.Contracts.Integrations;

namespace Marketplace.Grains.Integrations;

/// <summary>What an endpoint may be, how a delivery is signed, and when failures are retried, given up or disable it.</summary>
public static class WebhookRules
{
    public const int MaxUrlLength = 2_000;
    public const int MaxDescriptionLength = 200;

    /// <summary>Field errors of a draft (keyed by JSON path); empty when it is acceptable.</summary>
    public static Dictionary<string, string[]> Validate(WebhookEndpointDraft draft, bool allowPrivateNetworks)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(draft.Url) || draft.Url.Length > MaxUrlLength
            || !Uri.TryCreate(draft.Url, UriKind.Absolute, out var url))
        {
            errors["url"] = ["An absolute http(s) address."];
        }
        else if (url.Scheme != Uri.UriSchemeHttps && !(allowPrivateNetworks && url.Scheme == Uri.UriSchemeHttp))
        {
            errors["url"] = ["The address must use HTTPS."];
        }
        else if (url.UserInfo.Length > 0 || url.Fragment.Length > 0)
        {
            errors["url"] = ["The address may not carry a user name, password or fragment."];
        }
        else if (!allowPrivateNetworks && IPAddress.TryParse(url.IdnHost, out var literal) && !IsPublic(literal))
        {
            errors["url"] = ["The address is on a private, loopback or link-local network."];
        }

        if (draft.Events is not { Count: > 0 })
        {
            errors["events"] = ["At least one event."];
        }
        else if (draft.Events.FirstOrDefault(e => !WebhookEvents.IsKnown(e)) is { } unknown)
        {
            errors["events"] = [$"Unknown event '{unknown}'. Known: {string.Join(", ", WebhookEvents.All)}."];
        }

        if (draft.Description?.Length > MaxDescriptionLength)
        {
            errors["description"] = [$"At most {MaxDescriptionLength} characters."];
        }

        return errors;
    }

    /// <summary>The draft as stored: events in their documented order, each once; a blank description is none.</summary>
    public static WebhookEndpointDraft Normalize(WebhookEndpointDraft draft) => draft with
    {
        Events = WebhookEvents.All.Where(draft.Events.Contains).ToList(),
        Description = string.IsNullOrWhiteSpace(draft.Description) ? null : draft.Description.Trim(),
    };

    /// <summary>
    /// Whether an address is on the public internet: not loopback, private (RFC 1918, unique local), link-local, shared
    /// (carrier-grade NAT), unspecified, multicast or otherwise reserved. IPv4 written as IPv6 is judged as IPv4.
    /// </summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] is 0 or 10 or 127 or >= 224
                     || (b[0] == 100 && b[1] is >= 64 and <= 127)
                     || (b[0] == 169 && b[1] == 254)
                     || (b[0] == 172 && b[1] is >= 16 and <= 31)
                     || (b[0] == 192 && b[1] == 0 && b[2] == 0)
                     || (b[0] == 192 && b[1] == 168)
                     || (b[0] == 198 && b[1] is 18 or 19));
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return !(address.Equals(IPAddress.IPv6None) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                     || (b[0] & 0xFE) == 0xFC // unique local fc00::/7
                     || address.IsIPv6Teredo);
        }

        return false;
    }

    /// <summary>
    /// The <c>Marketplace-Signature</c> header: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "t.body")&gt;</c>, with a
    /// second <c>v1</c> from the previous secret while a rotation's grace period lasts.
    /// </summary>
    public static string Signature(IEnumerable<string> secrets, DateTimeOffset at, ReadOnlySpan<byte> body)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signed = new byte[t.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(t + ".", signed);
        body.CopyTo(signed.AsSpan(t.Length + 1));
        var header = new StringBuilder("t=").Append(t);
        foreach (var secret in secrets)
        {
            header.Append(",v1=").Append(Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed)));
        }

        return header.ToString();
    }

    /// <summary>A new endpoint secret: "whsec_" and 32 random bytes in hex.</summary>
    public static string NewSecret() => "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>The wait before attempt <paramref name="failures"/> + 1: the base delay doubled per failure, at most the maximum.</summary>
    public static TimeSpan RetryDelay(int failures, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        var exponent = Math.Clamp(failures - 1, 0, 30);
        var delay = baseDelay * Math.Pow(2, exponent);
        return delay > maxDelay ? maxDelay : delay;
    }

    /// <summary>What becomes of a delivery after a failed attempt: tried again at the answered time, or given up (null).</summary>
    public static DateTimeOffset? NextAttempt(DateTimeOffset createdAt, int failures, DateTimeOffset now, WebhookOptions options)
    {
        var next = now + RetryDelay(failures, options.RetryBaseDelay, options.RetryMaxDelay);
        return next - createdAt > options.RetryFor ? null : next;
    }

    /// <summary>Whether an endpoint that has failed since <paramref name="failingSince"/> is to be disabled now.</summary>
    public static bool ShouldDisable(DateTimeOffset? failingSince, DateTimeOffset now, TimeSpan disableAfter) =>
        failingSince is { } since && now - since >= disableAfter;
}
