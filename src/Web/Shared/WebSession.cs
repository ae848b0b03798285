using System.Security.Claims;
using Marketplace.Web.Accounts;
using Marketplace.Web.Admin;
using Marketplace.Web.Realtime;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Shared;

/// <summary>
/// How the web pages know who is there: an encrypted, HttpOnly cookie holding the same claims an access token holds,
/// tied to the same session row (so signing out anywhere ends it). Guests get a cookie with a guest identity the first
/// time they need one (a cart, a live page). The API and the hub keep bearer tokens only: a cookie never authorizes an
/// API call, so cross-site requests cannot ride on it there.
/// </summary>
public static class WebSession
{
    /// <summary>The default scheme: picks the bearer scheme or the cookie scheme per request.</summary>
    public const string SelectorScheme = "marketplace";

    public const string CookieScheme = "web";

    public const string CookieName = "mk_session";

    public static AuthenticationBuilder AddWebSessionCookie(this AuthenticationBuilder auth)
    {
        auth.AddPolicyScheme(SelectorScheme, "Bearer token for the API, cookie for the pages", o => o.ForwardDefaultSelector = SelectScheme);
        auth.AddCookie(CookieScheme);
        auth.Services.AddOptions<CookieAuthenticationOptions>(CookieScheme).Configure<IOptions<AuthOptions>>((o, authOptions) =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            // Lax, not Strict: coming back from the payment provider's page is a cross-site navigation that must arrive signed in.
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/denied";
            o.ReturnUrlParameter = "returnUrl";
            o.ExpireTimeSpan = authOptions.Value.RefreshTokenLifetime;
            o.SlidingExpiration = true;
            o.Events.OnValidatePrincipal = ValidateAsync;
            // A guest is not refused an account's page but asked to sign in (their cart comes along).
            o.Events.OnRedirectToAccessDenied = context =>
            {
                var request = context.Request;
                context.Response.Redirect(context.HttpContext.User.IsInRole(RoleNames.Guest)
                    ? $"{o.LoginPath}?{o.ReturnUrlParameter}={Uri.EscapeDataString(request.PathBase + request.Path + request.QueryString)}"
                    : context.RedirectUri);
                return Task.CompletedTask;
            };
        });
        return auth;
    }

    /// <summary>
    /// Bearer for the API and the hub, the page cookie for the pages (a bearer header on a page is ignored, and the
    /// cookie never reaches the API). The Orleans dashboard takes its own bearer cookie (see <see cref="AdminDashboard"/>),
    /// or an admin's page cookie when that is all the browser has.
    /// </summary>
    public static string SelectScheme(HttpContext http)
    {
        var request = http.Request;
        if (request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments(MarketHub.Path))
        {
            return JwtBearerDefaults.AuthenticationScheme;
        }

        if (request.Path.StartsWithSegments(AdminDashboard.Path))
        {
            return request.Cookies.ContainsKey(CookieName) && !request.Cookies.ContainsKey(AdminDashboard.CookieName)
                   && request.Headers.Authorization.Count == 0
                ? CookieScheme
                : JwtBearerDefaults.AuthenticationScheme;
        }

        return CookieScheme;
    }

    public static ClaimsPrincipal Principal(IEnumerable<Claim> claims) =>
        new(new ClaimsIdentity(claims, CookieScheme, MarketplaceClaims.Subject, MarketplaceClaims.Role));

    /// <summary>Signs the browser in with a user's web session (after a password or a registration).</summary>
    public static async Task SignInUserAsync(HttpContext http, IReadOnlyList<Claim> claims)
    {
        var principal = Principal(claims);
        await http.SignInAsync(CookieScheme, principal, new AuthenticationProperties { IsPersistent = true });
        Use(http, principal);
    }

    /// <summary>The visitor's identity, giving an anonymous browser a guest identity (and its cookie) first.</summary>
    public static async Task<ClaimsPrincipal> EnsureVisitorAsync(HttpContext http)
    {
        if (http.User.Identity?.IsAuthenticated == true)
        {
            return http.User;
        }

        var options = http.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value;
        var clock = http.RequestServices.GetRequiredService<TimeProvider>();
        var principal = Principal(TokenService.GuestClaims(TokenService.NewGuestId()));
        await http.SignInAsync(CookieScheme, principal, new AuthenticationProperties
        {
            IsPersistent = true,
            ExpiresUtc = clock.GetUtcNow() + options.GuestTokenLifetime,
            AllowRefresh = false,
        });
        Use(http, principal);
        return principal;
    }

    /// <summary>Ends the user's session for every credential that names it, and removes the cookie.</summary>
    public static async Task SignOutAsync(HttpContext http)
    {
        if (http.User.FindFirstValue(MarketplaceClaims.Session) is { } sid && Guid.TryParseExact(sid, "N", out var sessionId))
        {
            await http.RequestServices.GetRequiredService<SessionStore>().RevokeSessionAsync(sessionId, "signed-out", http.RequestAborted);
        }

        await http.SignOutAsync(CookieScheme);
        Use(http, new ClaimsPrincipal(new ClaimsIdentity()));
    }

    /// <summary>
    /// Makes the request's current principal the caller of the grain calls that follow. Call it from the handler itself
    /// after signing in: the caller travels in an async-local value, which an awaited helper cannot change for its caller.
    /// </summary>
    public static void ActAsCurrentUser(HttpContext http) => CallerContext.Set(CallerIdentity.From(http.User));

    private static void Use(HttpContext http, ClaimsPrincipal principal) => http.User = principal;

    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var options = services.GetRequiredService<IOptions<AuthOptions>>().Value;
        var principal = context.Principal!;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();

        // Like an access token, the cookie's roles and store are re-read from the account once they are as old as a
        // token would be: a seller who just joined a store sees its console within minutes, without signing in again.
        if (!principal.IsInRole(RoleNames.Guest)
            && context.Properties.IssuedUtc is { } issued && now - issued > options.AccessTokenLifetime)
        {
            var claims = await CurrentClaimsAsync(principal, services.GetRequiredService<AccountService>());
            if (claims is null)
            {
                await Reject(context);
                return;
            }

            principal = Principal(claims);
            context.ReplacePrincipal(principal);
            context.ShouldRenew = true;
        }

        if (await AuthorizationSetup.CheckSessionAsync(principal, context.HttpContext, options) is not null)
        {
            await Reject(context);
        }
    }

    /// <summary>
    /// The claims of a signed-in user's cookie as the account is now (same session, same sign-in methods); null when the
    /// account is gone or the cookie names no session.
    /// </summary>
    public static async Task<IReadOnlyList<Claim>?> CurrentClaimsAsync(ClaimsPrincipal principal, AccountService accounts)
    {
        if (principal.FindFirstValue(MarketplaceClaims.Session) is not { } sid || !Guid.TryParseExact(sid, "N", out var sessionId))
        {
            return null;
        }

        var methods = string.Join(' ', principal.FindAll(MarketplaceClaims.AuthenticationMethods).Select(c => c.Value));
        return await accounts.CurrentClaimsAsync(principal.UserId(), sessionId, methods);
    }

    private static async Task Reject(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieScheme);
    }
}
