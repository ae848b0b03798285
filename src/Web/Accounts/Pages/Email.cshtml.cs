using System.ComponentModel.DataAnnotations;
using Marketplace.Email;
using Marketplace.Web.Infrastructure;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Accounts.Pages;

/// <summary>The account's address (confirmed or not, the link sent again, a move to a new one) and the language of its emails.</summary>
public sealed class EmailModel(UserManager<MarketplaceUser> users, AccountEmails emails) : MarketplacePage
{
    [BindProperty]
    [MailAddress, StringLength(254)]
    public string? NewEmail { get; set; }

    [BindProperty]
    [StringLength(256)]
    public string? Password { get; set; }

    public string CurrentEmail { get; private set; } = "";

    public bool Verified { get; private set; }

    public string Culture { get; private set; } = EmailTemplates.FallbackCulture;

    public string? Done { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() is null ? NotFound() : Page();

    public async Task<IActionResult> OnPostResendAsync(CancellationToken ct)
    {
        if (await LoadAsync() is not { } user)
        {
            return NotFound();
        }

        await Refusals(async () => Done = await emails.ResendVerificationAsync(user, ct)
            ? T["A new link is on its way to {0}.", user.Email!]
            : T["Several links were sent this hour already; check your inbox and spam folder, or try again later."]);
        return Page();
    }

    public async Task<IActionResult> OnPostChangeAsync(CancellationToken ct)
    {
        if (await LoadAsync() is not { } user)
        {
            return NotFound();
        }

        if (string.IsNullOrWhiteSpace(NewEmail))
        {
            ModelState.AddModelError(nameof(NewEmail), T["Enter the new address."]);
        }

        if (string.IsNullOrEmpty(Password))
        {
            ModelState.AddModelError(nameof(Password), T["Enter your current password."]);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        await Refusals(async () =>
        {
            await emails.RequestEmailChangeAsync(user, NewEmail!, Password!, ct);
            Done = T["Open the link we sent to {0} to finish the change.", AccountService.NormalizeEmail(NewEmail!)];
            NewEmail = null;
        });
        return Page();
    }

    public async Task<IActionResult> OnPostCultureAsync(string? culture)
    {
        if (await LoadAsync() is not { } user)
        {
            return NotFound();
        }

        if (culture is not ("en" or "es"))
        {
            ModelState.AddModelError("", T["Choose English or Spanish."]);
            return Page();
        }

        user.Culture = culture;
        if ((await users.UpdateAsync(user)).Succeeded)
        {
            Culture = culture;
            Done = T["Saved."];
        }

        return Page();
    }

    private async Task<MarketplaceUser?> LoadAsync()
    {
        ViewData["Title"] = T["Email and language"].Value;
        ViewData["NoIndex"] = true;
        var user = await users.FindByIdAsync(User.UserId());
        if (user is not null)
        {
            (CurrentEmail, Verified, Culture) = (user.Email!, user.EmailConfirmed, user.Culture);
        }

        return user;
    }

    private async Task Refusals(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (DomainException e) when (e.Kind is not DomainErrorKind.Unavailable)
        {
            AddErrors(e);
        }
    }
}
