using System.Text;
using Marketplace.Email;
using Marketplace.Web.Orders;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Notifications;

/// <summary>
/// The absolute links emails carry: under <c>Marketplace:PublicUrl</c> (required in production; a development process
/// without it links to its own first address), and one-click unsubscribe links whose token is signed with the web
/// hosts' shared Data Protection keys, so any web host honours a link another one sent, without a sign-in.
/// </summary>
public sealed class EmailLinks(IOptions<PublicUrlOptions> urls, IDataProtectionProvider protection) : IEmailLinks
{
    public const string UnsubscribePath = "/unsubscribe";

    /// <summary>Where links point when no public address is configured (the address <c>./marketplace up</c> serves by default).</summary>
    public const string DevelopmentUrl = "http://127.0.0.1:8080";

    private readonly IDataProtector protector = protection.CreateProtector("marketplace.email.unsubscribe.v1");

    public Uri PublicUrl => new(urls.Value.PublicUrl is { Length: > 0 } configured ? configured.TrimEnd('/') + "/" : DevelopmentUrl + "/");

    public Uri Unsubscribe(OutgoingEmail email) =>
        new(PublicUrl, $"{UnsubscribePath.TrimStart('/')}?token={UnsubscribeToken(email.UserId ?? email.To, email.Kind.Preference ?? email.Kind.Name)}");

    /// <summary>
    /// A signed token naming the recipient (account id, or address for someone without an account) and the preference
    /// kind; it does not expire, as an unsubscribe link in an old email must still work.
    /// </summary>
    public string UnsubscribeToken(string recipient, string kind) =>
        System.Buffers.Text.Base64Url.EncodeToString(protector.Protect(Encoding.UTF8.GetBytes(recipient + "\n" + kind)));

    /// <summary>Reads an unsubscribe token; null when it was not signed by us.</summary>
    public (string Recipient, string Kind)? ReadUnsubscribeToken(string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 2048)
        {
            return null;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(protector.Unprotect(System.Buffers.Text.Base64Url.DecodeFromChars(token.Trim()))).Split('\n');
            return parts.Length == 2 ? (parts[0], parts[1]) : null;
        }
        catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}
