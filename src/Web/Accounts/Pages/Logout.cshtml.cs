using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Accounts.Pages;

/// <summary>Signing out ends the session (a POST with the form token, so another site cannot sign a visitor out).</summary>
public sealed class LogoutModel : MarketplacePage
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        await WebSession.SignOutAsync(HttpContext);
        Flash = T["You are signed out."];
        return Redirect("/");
    }
}
