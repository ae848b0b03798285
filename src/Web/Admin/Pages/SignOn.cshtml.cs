using System.ComponentModel.DataAnnotations;
using Marketplace.Web.OpenId;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Admin.Pages;

/// <summary>
/// The OpenID Connect provider for operators: the sites that sign people in through the marketplace (register one,
/// its secret shown once; a new secret; remove one) and the provider's keys (end them now after a suspected leak).
/// </summary>
public sealed class SignOnModel(OidcClients clients, OidcKeyRing keys, IOptions<OidcOptions> options, IHostEnvironment environment, TimeProvider clock)
    : MarketplacePage
{
    public IReadOnlyList<OidcClientResponse> Clients { get; private set; } = [];

    public IReadOnlyList<OidcKeyResponse> Keys { get; private set; } = [];

    public string Issuer => OidcSetup.Issuer(HttpContext.RequestServices.GetRequiredService<IConfiguration>(), allowHttp: true).ToString();

    [BindProperty]
    public ClientForm Form { get; set; } = new();

    /// <summary>A secret just made: shown on this page once.</summary>
    [TempData]
    public string? NewSecret { get; set; }

    [TempData]
    public string? NewSecretFor { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        ViewData["Title"] = T["Single sign-on"].Value;
        ViewData["Section"] = "sign-on";
        Clients = await clients.ListAsync(ct);
        Keys = OidcClientsApi.Describe(await keys.ListAsync(ct), clock.GetUtcNow());
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        var request = Form.ToRequest();
        foreach (var (field, messages) in OidcClientRules.Validate(request, options.Value.HttpAllowed(environment)))
        {
            foreach (var message in messages)
            {
                ModelState.AddModelError(field == "redirectUris" ? "Form.RedirectUris" : field == "postLogoutRedirectUris" ? "Form.PostLogoutRedirectUris" : "", T[message]);
            }
        }

        if (!ModelState.IsValid)
        {
            await OnGetAsync(ct);
            return Page();
        }

        var created = await clients.CreateAsync(request, ct);
        (NewSecretFor, NewSecret) = (created!.ClientId, created.ClientSecret);
        Flash = T["Client registered. Copy its secret now: it is not shown again."];
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostSecretAsync(string clientId, CancellationToken ct)
    {
        if (await clients.RotateSecretAsync(clientId, ct) is { } secret)
        {
            (NewSecretFor, NewSecret) = (clientId, secret);
            Flash = T["New secret made; the old one no longer works. Copy it now: it is not shown again."];
        }

        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string clientId, CancellationToken ct)
    {
        if (await clients.DeleteAsync(clientId, ct))
        {
            Flash = T["Client removed, with the consents given to it and its tokens."];
        }

        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRotateAsync(CancellationToken ct)
    {
        await keys.RotateNowAsync(ct);
        Flash = T["New keys sign from now on; tokens signed with the old ones stay valid until they expire."];
        return RedirectToPage();
    }

    public sealed class ClientForm
    {
        [Required(ErrorMessage = "Name the site."), StringLength(100, ErrorMessage = "At most 100 characters.")]
        public string? DisplayName { get; set; }

        /// <summary>One per line.</summary>
        [Required(ErrorMessage = "Give at least one redirect URI."), StringLength(4000)]
        public string? RedirectUris { get; set; }

        [StringLength(4000)]
        public string? PostLogoutRedirectUris { get; set; }

        public bool Email { get; set; } = true;

        public bool Profile { get; set; } = true;

        public bool OfflineAccess { get; set; }

        public bool Confidential { get; set; } = true;

        public bool RequireConsent { get; set; } = true;

        public OidcClientRequest ToRequest() => new()
        {
            DisplayName = DisplayName?.Trim(),
            RedirectUris = Lines(RedirectUris),
            PostLogoutRedirectUris = Lines(PostLogoutRedirectUris),
            Scopes = [.. Email ? ["email"] : Array.Empty<string>(), .. Profile ? ["profile"] : Array.Empty<string>(), .. OfflineAccess ? ["offline_access"] : Array.Empty<string>()],
            Confidential = Confidential,
            RequireConsent = RequireConsent,
        };

        private static string[] Lines(string? text) =>
            (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
