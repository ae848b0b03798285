using Marketplace.Web.Accounts;
using Marketplace.Web.Infrastructure;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Marketplace.Web.OpenId.Pages;

/// <summary>
/// The provider's authorization endpoint, reached once the library has checked the request (a registered client,
/// its exact redirect URI, a PKCE challenge, permitted scopes). Someone not signed in is sent to the sign-in page and
/// back; a client that asks for consent gets it once per set of scopes, remembered as a permanent authorization; then
/// the code goes back to the client.
/// </summary>
public sealed class AuthorizeModel(
    UserManager<MarketplaceUser> users, IOpenIddictApplicationManager applications, IOpenIddictAuthorizationManager authorizations)
    : MarketplacePage
{
    /// <summary>The request's own parameters, carried through the consent form unchanged.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; private set; } = [];

    public string ClientName { get; private set; } = "";

    public IReadOnlyList<string> Scopes { get; private set; } = [];

    public Task<IActionResult> OnGetAsync() => HandleAsync(decision: null);

    public Task<IActionResult> OnPostAsync(string? decision) => HandleAsync(decision ?? "deny");

    private async Task<IActionResult> HandleAsync(string? decision)
    {
        var request = HttpContext.GetOpenIddictServerRequest()
                      ?? throw new InvalidOperationException("The authorization request was not passed through by the provider.");
        var user = SignedIn ? await OidcEndpoints.ActiveUserAsync(users, User.UserId()) : null;
        if (user is null)
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Refuse(Errors.LoginRequired, "Nobody is signed in.");
            }

            // The sign-in page brings the browser back here with the same request.
            var here = Request.PathBase + Request.Path + QueryString.Create(OwnParameters(request).Select(p => KeyValuePair.Create(p.Key, (string?)p.Value)));
            return Redirect("/account/login?returnUrl=" + Uri.EscapeDataString(here));
        }

        if (decision == "deny")
        {
            return Refuse(Errors.AccessDenied, "The person did not allow it.");
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!)
                          ?? throw new InvalidOperationException("The provider passed through a request of an unknown client.");
        var applicationId = await applications.GetIdAsync(application);
        var scopes = request.GetScopes();
        var existing = new List<object>();
        await foreach (var authorization in authorizations.FindAsync(user.Id, applicationId, Statuses.Valid, AuthorizationTypes.Permanent, scopes))
        {
            existing.Add(authorization);
        }

        var asks = await applications.HasConsentTypeAsync(application, ConsentTypes.Explicit);
        if (existing.Count == 0 && asks && decision != "allow")
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Refuse(Errors.ConsentRequired, "The person has not allowed this client yet.");
            }

            ViewData["Title"] = T["Allow access"].Value;
            ViewData["NoIndex"] = true;
            ClientName = await applications.GetLocalizedDisplayNameAsync(application) ?? request.ClientId!;
            Scopes = scopes.Where(s => s != OpenIddictConstants.Scopes.OpenId).ToList();
            Parameters = OwnParameters(request);
            SecurityHeaders.AllowFormTarget(HttpContext, new Uri(request.RedirectUri!, UriKind.Absolute));
            return Page();
        }

        var principal = OidcEndpoints.Principal(user, scopes, authorizationId: null);
        var kept = existing.LastOrDefault()
                   ?? await authorizations.CreateAsync(principal, user.Id, applicationId!, AuthorizationTypes.Permanent, scopes);
        principal.SetAuthorizationId(await authorizations.GetIdAsync(kept));
        return SignIn(principal, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>The authorization request's own parameters: without this page's answer and form token.</summary>
    private static List<KeyValuePair<string, string>> OwnParameters(OpenIddictRequest request) =>
        request.GetParameters()
            .Where(p => p.Key != "decision" && p.Key != "__RequestVerificationToken")
            .Select(p => KeyValuePair.Create(p.Key, p.Value.ToString()!)).ToList();

    private ForbidResult Refuse(string error, string description) =>
        Forbid(OidcEndpoints.Error(error, description), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
}
