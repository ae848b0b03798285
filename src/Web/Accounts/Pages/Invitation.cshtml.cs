using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Accounts.Pages;

/// <summary>Joining a store's staff with the link its owner sent: signed in with the invited email, one click.</summary>
public sealed class InvitationModel(AccountService accounts) : MarketplacePage
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    public StoreProfile? Store { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        ViewData["Title"] = T["Join a store"].Value;
        ViewData["NoIndex"] = true;
        if (Token is null || !GrainKeys.TryParseStoreCode(Token.Trim(), out var sellerId, out _))
        {
            return NotFound();
        }

        Store = await Grains.GetGrain<ISellerGrain>(sellerId).GetProfile();
        return Store is null ? NotFound() : Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Token is null)
        {
            return NotFound();
        }

        StoreProfile store;
        try
        {
            store = await accounts.AcceptInvitationAsync(User.UserId(), Token);
        }
        catch (DomainException e) when (e.Kind is DomainErrorKind.Forbidden or DomainErrorKind.Conflict or DomainErrorKind.NotFound)
        {
            FlashError = T[e.Message];
            return Redirect("/");
        }

        // The cookie acts for the store at once, instead of at its next refresh.
        if (await WebSession.CurrentClaimsAsync(User, accounts) is { } claims)
        {
            await WebSession.SignInUserAsync(HttpContext, claims);
        }

        Flash = string.Format(System.Globalization.CultureInfo.CurrentCulture, T["You are now on the staff of {0}."].Value, store.Name);
        return Redirect("/seller");
    }
}
