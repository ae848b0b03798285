using System.ComponentModel.DataAnnotations;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Accounts.Pages;

/// <summary>
/// The page a reset link opens. The token stays in the form until the new password is saved, so opening the link (or
/// a mail scanner fetching it) uses nothing up; saving ends every session, this browser's included, and sends the
/// person to sign in with the new password (and their authenticator code, if they use one).
/// </summary>
public sealed class ResetPasswordModel(AccountEmails emails) : MarketplacePage
{
    [BindProperty(SupportsGet = true)]
    [Required, StringLength(4096)]
    public string? Token { get; set; }

    [BindProperty]
    [Required(ErrorMessage = "Enter a new password."), StringLength(256)]
    public string? Password { get; set; }

    public bool LinkRefused { get; private set; }

    public void OnGet()
    {
        ViewData["Title"] = T["Choose a new password"].Value;
        LinkRefused = EmailLinkToken.Decode(Token) is not { Purpose: EmailLinkPurpose.ResetPassword };
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        ViewData["Title"] = T["Choose a new password"].Value;
        if (!ModelState.IsValid)
        {
            LinkRefused = ModelState[nameof(Token)]?.Errors.Count > 0;
            return Page();
        }

        var (outcome, refused) = await emails.ResetPasswordAsync(Token!, Password!, ct);
        switch (outcome)
        {
            case LinkOutcome.Done:
                await WebSession.SignOutAsync(HttpContext);
                Flash = T["Your password was changed and every session was signed out. Sign in with the new password."];
                return Redirect("/account/login");
            case LinkOutcome.PasswordRefused:
                foreach (var error in refused!.Errors)
                {
                    ModelState.AddModelError(nameof(Password), T[error.Description]);
                }

                return Page();
            default:
                LinkRefused = true;
                return Page();
        }
    }
}
