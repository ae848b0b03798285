using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using OpenIddict.Abstractions;

namespace Marketplace.Web.OpenId;

/// <summary>
/// A sign-in or registration page that will lead back to an authorization request ends, through redirects, at the
/// client's redirect URI, which the pages' form-action policy would block. When the return address is such a request
/// and names a URI registered for its client, that one origin is allowed on this page.
/// </summary>
public static class OidcReturn
{
    public static async Task AllowFormTargetAsync(HttpContext http, string? returnUrl)
    {
        if (returnUrl is null || !returnUrl.StartsWith(OidcSetup.AuthorizePath + "?", StringComparison.Ordinal))
        {
            return;
        }

        var query = QueryHelpers.ParseQuery(returnUrl[OidcSetup.AuthorizePath.Length..]);
        if (query.TryGetValue(OpenIddictConstants.Parameters.ClientId, out var clientId) && clientId is [{ Length: > 0 } id]
            && query.TryGetValue(OpenIddictConstants.Parameters.RedirectUri, out var redirect) && redirect is [{ Length: > 0 } uri]
            && Uri.TryCreate(uri, UriKind.Absolute, out var target))
        {
            var applications = http.RequestServices.GetRequiredService<IOpenIddictApplicationManager>();
            if (await applications.FindByClientIdAsync(id, http.RequestAborted) is { } application
                && await applications.ValidateRedirectUriAsync(application, uri, http.RequestAborted))
            {
                SecurityHeaders.AllowFormTarget(http, target);
            }
        }
    }
}
