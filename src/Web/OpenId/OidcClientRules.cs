using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Marketplace.Web.OpenId;

/// <summary>A client an admin registers: a site that signs its users in through the marketplace.</summary>
public sealed record OidcClientRequest
{
    /// <summary>Optional; generated when absent. Letters, digits, '.', '_' and '-'.</summary>
    [StringLength(100)]
    public string? ClientId { get; init; }

    /// <summary>Shown to people on the consent page ("{DisplayName} wants to know who you are").</summary>
    [Required, StringLength(100, MinimumLength = 1)]
    public string? DisplayName { get; init; }

    /// <summary>Where codes are sent back: exact, absolute https:// URIs (http:// only where allowed).</summary>
    [Required]
    public IReadOnlyList<string>? RedirectUris { get; init; }

    public IReadOnlyList<string>? PostLogoutRedirectUris { get; init; }

    /// <summary>Of openid, profile, email, offline_access; openid is always included. Default: openid profile email.</summary>
    public IReadOnlyList<string>? Scopes { get; init; }

    /// <summary>A site with a server (it gets a secret); false for an app that cannot keep one (PKCE alone).</summary>
    public bool Confidential { get; init; } = true;

    /// <summary>Whether people are asked before the client learns who they are; off only for the operator's own sites.</summary>
    public bool RequireConsent { get; init; } = true;
}

/// <summary>The checks on a client registration, as pure rules.</summary>
public static partial class OidcClientRules
{
    public const int MaxUris = 10;

    /// <summary>The registration's problems by field; empty when it is acceptable.</summary>
    public static Dictionary<string, string[]> Validate(OidcClientRequest request, bool allowHttp)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.ClientId is { } id && !ClientIdPattern().IsMatch(id))
        {
            errors["clientId"] = ["A client id is 3 to 100 letters, digits, '.', '_' or '-'."];
        }

        if (UriProblem(request.RedirectUris, allowHttp, required: true) is { } redirect)
        {
            errors["redirectUris"] = [redirect];
        }

        if (UriProblem(request.PostLogoutRedirectUris, allowHttp, required: false) is { } postLogout)
        {
            errors["postLogoutRedirectUris"] = [postLogout];
        }

        if (request.Scopes?.FirstOrDefault(s => !OidcSetup.SupportedScopes.Contains(s, StringComparer.Ordinal)) is { } unknown)
        {
            errors["scopes"] = [$"Unknown scope '{unknown}'. Scopes: {string.Join(", ", OidcSetup.SupportedScopes)}."];
        }

        return errors;
    }

    /// <summary>The scopes the client gets: openid plus those asked for (profile and email when none are named).</summary>
    public static IReadOnlyList<string> Scopes(OidcClientRequest request) =>
        request.Scopes is { Count: > 0 } scopes
            ? OidcSetup.SupportedScopes.Where(s => s == OpenIddict.Abstractions.OpenIddictConstants.Scopes.OpenId || scopes.Contains(s)).ToList()
            : [OpenIddict.Abstractions.OpenIddictConstants.Scopes.OpenId, OpenIddict.Abstractions.OpenIddictConstants.Scopes.Profile,
               OpenIddict.Abstractions.OpenIddictConstants.Scopes.Email];

    /// <summary>A client id for a registration that named none.</summary>
    public static string NewClientId() => "client-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));

    /// <summary>A client secret: 256 random bits, shown once (the provider keeps only its hash).</summary>
    public static string NewSecret() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? UriProblem(IReadOnlyList<string>? uris, bool allowHttp, bool required)
    {
        if (uris is null || uris.Count == 0)
        {
            return required ? "Give at least one redirect URI." : null;
        }

        if (uris.Count > MaxUris)
        {
            return $"At most {MaxUris} URIs.";
        }

        foreach (var text in uris)
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                return $"'{text}' is not an absolute http(s) URI.";
            }

            if (uri.Scheme == Uri.UriSchemeHttp && !allowHttp)
            {
                return $"'{text}' must use https://.";
            }

            if (uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            {
                return $"'{text}' may have neither a fragment nor a user name.";
            }
        }

        return uris.Distinct(StringComparer.Ordinal).Count() == uris.Count ? null : "The URIs repeat.";
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{3,100}$")]
    private static partial Regex ClientIdPattern();
}
