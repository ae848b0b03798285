using System.Security.Claims;
using Marketplace.Web.Accounts;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Marketplace.Web.OpenId;

/// <summary>
/// The provider's endpoints the library passes through to us once it has checked the protocol: the token endpoint
/// (codes and refresh tokens become tokens for the account as it is now), user info, and end session. The
/// authorization endpoint is a page (<see cref="Pages.AuthorizeModel"/>), since it may ask for consent.
/// </summary>
public static class OidcEndpoints
{
    public static IEndpointRouteBuilder MapOpenIdConnect(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(OidcSetup.TokenPath, Token).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        routes.MapMethods(OidcSetup.UserInfoPath, [HttpMethods.Get, HttpMethods.Post], UserInfo).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        routes.MapMethods(OidcSetup.EndSessionPath, [HttpMethods.Get, HttpMethods.Post], (Func<HttpContext, Task<IResult>>)EndSession).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        return routes;
    }

    /// <summary>
    /// The claims a client learns about an account, each sent where its scope allows: the subject always, the name with
    /// <c>profile</c>, the email with <c>email</c>; in the identity token and the access token alike.
    /// </summary>
    public static ClaimsPrincipal Principal(MarketplaceUser user, IEnumerable<string> scopes, string? authorizationId)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        var granted = scopes.ToList();
        identity.SetClaim(Claims.Subject, user.Id);
        if (granted.Contains(Scopes.Profile))
        {
            identity.SetClaim(Claims.Name, user.DisplayName);
        }

        if (granted.Contains(Scopes.Email))
        {
            identity.SetClaim(Claims.Email, user.Email);
            identity.SetClaim(Claims.EmailVerified, user.EmailConfirmed);
        }

        identity.SetScopes(granted);
        identity.SetAuthorizationId(authorizationId);
        identity.SetDestinations(static _ => [Destinations.AccessToken, Destinations.IdentityToken]);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>Whether the account may still sign in to a client: it exists and is not locked out.</summary>
    public static async Task<MarketplaceUser?> ActiveUserAsync(UserManager<MarketplaceUser> users, string? userId) =>
        userId is not null && await users.FindByIdAsync(userId) is { } user && !await users.IsLockedOutAsync(user) ? user : null;

    private static async Task<IResult> Token(HttpContext http, UserManager<MarketplaceUser> users)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The token request was not passed through by the provider.");
        if (!request.IsAuthorizationCodeGrantType() && !request.IsRefreshTokenGrantType())
        {
            return Refuse(Errors.UnsupportedGrantType, "Only authorization codes and refresh tokens are exchanged here.");
        }

        // The library has checked the code or refresh token (client, PKCE verifier, redirect URI, expiry, reuse); the
        // account is read again so a deleted or locked account gets nothing more, and a changed name or email shows.
        var ticket = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        if (await ActiveUserAsync(users, ticket.Principal?.GetClaim(Claims.Subject)) is not { } user)
        {
            return Refuse(Errors.InvalidGrant, "The account can no longer sign in.");
        }

        var principal = Principal(user, ticket.Principal!.GetScopes(), ticket.Principal!.GetAuthorizationId());
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> UserInfo(HttpContext http, UserManager<MarketplaceUser> users)
    {
        var ticket = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        if (await ActiveUserAsync(users, ticket.Principal?.GetClaim(Claims.Subject)) is not { } user)
        {
            return Results.Challenge(Error(Errors.InvalidToken, "The account can no longer sign in."), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var scopes = ticket.Principal!.GetScopes();
        var claims = new Dictionary<string, object>(StringComparer.Ordinal) { [Claims.Subject] = user.Id };
        if (scopes.Contains(Scopes.Profile))
        {
            claims[Claims.Name] = user.DisplayName;
        }

        if (scopes.Contains(Scopes.Email))
        {
            claims[Claims.Email] = user.Email!;
            claims[Claims.EmailVerified] = user.EmailConfirmed;
        }

        return Results.Ok(claims);
    }

    /// <summary>
    /// Ends the marketplace session, then sends the browser back to the client's registered post-logout address (or home).
    /// </summary>
    private static async Task<IResult> EndSession(HttpContext http)
    {
        await WebSession.SignOutAsync(http);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    /// <summary>The properties that make the provider answer a protocol error (to the client, or at its redirect URI).</summary>
    public static AuthenticationProperties Error(string error, string description) =>
        new(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        });

    private static IResult Refuse(string error, string description) =>
        Results.Forbid(Error(error, description), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
