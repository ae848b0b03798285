using System.Security.Claims;
using System.Text.Json;
using Marketplace.Web.Accounts;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Client.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Marketplace.Web.OpenId;

/// <summary>
/// Who came back from the outside provider and is not signed in yet: the identity the provider vouched for, kept in
/// an encrypted cookie for ten minutes while the person links it to an account (proving its password) or creates one.
/// </summary>
public sealed record ExternalIdentity(
    string Issuer, string Subject, string? Email, bool EmailVerified, string? Name, string ReturnUrl, string? LinkedUserId)
{
    public UserLoginInfo Login(string displayName) => new(Issuer, Subject, displayName);
}

/// <summary>
/// Sign-in with the configured outside OpenID Connect provider (the business directory): the button on the sign-in
/// page starts it, the provider sends the browser back to the callback, and an identity already linked to an account
/// signs in at once (asking for the authenticator code when the account has two-factor sign-in). Anything else goes to
/// <see cref="Pages.ExternalModel"/>: an email that has an account is linked only after its password is proven (an
/// email alone never opens an account); an email without one gets a new account.
/// </summary>
public static class ExternalSignIn
{
    public const string StartPath = "/account/external";
    public const string LinkPath = "/account/external/link";
    private const string CookieName = "mk_external";
    private static readonly TimeSpan PendingLifetime = TimeSpan.FromMinutes(10);

    public static IEndpointRouteBuilder MapExternalSignIn(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(StartPath, Start).AllowAnonymous().ExcludeFromDescription();
        routes.MapMethods(OidcSetup.ExternalCallbackPath, [HttpMethods.Get, HttpMethods.Post], Callback).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        return routes;
    }

    /// <summary>The normalized issuer an identity is linked under (with the provider's subject) in user_logins.</summary>
    public static string IssuerKey(ExternalSignInOptions options) => new Uri(options.Issuer!, UriKind.Absolute).AbsoluteUri.TrimEnd('/');

    public static ExternalIdentity? ReadPending(HttpContext http)
    {
        if (!http.Request.Cookies.TryGetValue(CookieName, out var value))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<ExternalIdentity>(Protector(http).Unprotect(value));
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    public static void ClearPending(HttpContext http) => http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/account" });

    private static IResult Start(HttpContext http, IOptions<ExternalSignInOptions> options, string? returnUrl)
    {
        if (!options.Value.Enabled)
        {
            return Results.NotFound();
        }

        var properties = new AuthenticationProperties { RedirectUri = Links.Local(returnUrl) };
        properties.Items[OpenIddictClientAspNetCoreConstants.Properties.ProviderName] = OidcSetup.ExternalProvider;
        return Results.Challenge(properties, [OpenIddictClientAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static async Task<IResult> Callback(
        HttpContext http, IOptions<ExternalSignInOptions> options, UserManager<MarketplaceUser> users, AccountService accounts, CancellationToken ct)
    {
        if (!options.Value.Enabled)
        {
            return Results.NotFound();
        }

        var result = await http.AuthenticateAsync(OpenIddictClientAspNetCoreDefaults.AuthenticationScheme);
        // The identity token and the user info both carry some claims: the first of each is the provider's word.
        if (!result.Succeeded || result.Principal?.FindFirst(Claims.Subject)?.Value is not { Length: > 0 } subject)
        {
            // Refused or abandoned at the provider, or a stale or forged answer: back to the sign-in page.
            return Results.Redirect("/account/login?external=failed");
        }

        var principal = result.Principal;
        var returnUrl = Links.Local(result.Properties?.RedirectUri);
        var issuer = IssuerKey(options.Value);
        var linked = await users.FindByLoginAsync(issuer, subject);
        if (linked is not null && await users.IsLockedOutAsync(linked))
        {
            return Results.Redirect("/account/login?external=locked");
        }

        if (linked is not null && !linked.TwoFactorEnabled)
        {
            var claims = await accounts.StartWebSessionAsync(linked, MarketplaceClaims.ExternalMethod, ct);
            await WebSignIn.KeepingCartAsync(http, accounts, claims, ct);
            return Results.LocalRedirect(returnUrl);
        }

        var email = principal.FindFirst(Claims.Email)?.Value;
        var pending = new ExternalIdentity(
            issuer, subject, email is { Length: > 0 } ? AccountService.NormalizeEmail(email) : null,
            string.Equals(principal.FindFirst(Claims.EmailVerified)?.Value, "true", StringComparison.OrdinalIgnoreCase),
            principal.FindFirst(Claims.Name)?.Value, returnUrl, linked?.Id);
        http.Response.Cookies.Append(CookieName, Protector(http).Protect(JsonSerializer.Serialize(pending), PendingLifetime), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Path = "/account",
            MaxAge = PendingLifetime,
            Secure = http.Request.IsHttps,
        });
        return Results.Redirect(LinkPath);
    }

    private static ITimeLimitedDataProtector Protector(HttpContext http) =>
        http.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector("Marketplace.ExternalSignIn").ToTimeLimitedDataProtector();
}
