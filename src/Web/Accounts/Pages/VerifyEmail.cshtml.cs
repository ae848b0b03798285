using System.ComponentModel.DataAnnotations;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Accounts.Pages;

/// <summary>
/// The page a verification or email-change link opens. Confirming takes a click (a POST): mail scanners that fetch
/// links do not use the one-time link up. A signed-in browser's cookie is refreshed so the reminder goes at once.
/// </summary>
public sealed class VerifyEmailModel(AccountEmails emails, AccountService accounts) : MarketplacePage
{
    [BindProperty(SupportsGet = true)]
    [Required, StringLength(4096)]
    public string? Token { get; set; }

    /// <summary>Null until the form is posted.</summary>
    public LinkOutcome? Outcome { get; private set; }

    public void OnGet()
    {
        ViewData["Title"] = T["Confirm your email address"].Value;
        if (EmailLinkToken.Decode(Token) is null or { Purpose: EmailLinkPurpose.ResetPassword })
        {
            Outcome = LinkOutcome.Invalid;
        }
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        ViewData["Title"] = T["Confirm your email address"].Value;
        Outcome = ModelState.IsValid ? await emails.ConfirmAsync(Token!, ct) : LinkOutcome.Invalid;
        if (Outcome == LinkOutcome.Done && SignedIn && await WebSession.CurrentClaimsAsync(User, accounts) is { } claims)
        {
            await WebSession.SignInUserAsync(HttpContext, claims);
        }

        return Page();
    }
}
