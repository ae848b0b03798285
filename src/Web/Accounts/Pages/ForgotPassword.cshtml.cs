using System.ComponentModel.DataAnnotations;
using Marketplace.Web.Infrastructure;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Accounts.Pages;

/// <summary>"Forgot password": the same answer whether or not the address has an account.</summary>
public sealed class ForgotPasswordModel(AccountEmails emails) : MarketplacePage
{
    [BindProperty]
    [Required(ErrorMessage = "Enter your email."), MailAddress, StringLength(254)]
    public string? Email { get; set; }

    public bool Sent { get; private set; }

    public void OnGet() => ViewData["Title"] = T["Forgot your password?"].Value;

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        ViewData["Title"] = T["Forgot your password?"].Value;
        if (!ModelState.IsValid)
        {
            return Page();
        }

        await emails.ForgotPasswordAsync(Email!, ct);
        Sent = true;
        return Page();
    }
}
