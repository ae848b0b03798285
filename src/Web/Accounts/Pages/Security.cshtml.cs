using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Accounts.Pages;

/// <summary>Two-factor sign-in with an authenticator app: set it up, confirm with a first code, keep recovery codes, turn it off.</summary>
public sealed class SecurityModel(TwoFactor twoFactor) : MarketplacePage
{
    public bool Enabled { get; private set; }

    /// <summary>The key being set up (between "set up" and the first code).</summary>
    public TwoFactorSetup? Setup { get; private set; }

    /// <summary>Recovery codes just made: shown once.</summary>
    public IReadOnlyList<string>? RecoveryCodes { get; private set; }

    public async Task OnGetAsync()
    {
        ViewData["Title"] = T["Security"].Value;
        ViewData["NoIndex"] = true;
        Enabled = await twoFactor.IsEnabledAsync(User.UserId());
    }

    public async Task<IActionResult> OnPostSetUpAsync()
    {
        await OnGetAsync();
        var (outcome, setup) = await twoFactor.SetUpAsync(User.UserId());
        Setup = setup;
        return Answer(outcome);
    }

    public async Task<IActionResult> OnPostEnableAsync(string? code)
    {
        var (outcome, codes) = await twoFactor.EnableAsync(User.UserId(), code ?? "");
        await OnGetAsync();
        RecoveryCodes = codes;
        if (outcome == TwoFactorOutcome.InvalidCode)
        {
            // Let them try again with the key they already added to their app.
            (_, Setup) = await twoFactor.SetUpAsync(User.UserId(), keepKey: true);
        }

        return Answer(outcome);
    }

    public async Task<IActionResult> OnPostDisableAsync(string? code)
    {
        var outcome = await twoFactor.DisableAsync(User.UserId(), code ?? "");
        await OnGetAsync();
        return Answer(outcome, T["Two-factor sign-in is off."]);
    }

    public async Task<IActionResult> OnPostRecoveryCodesAsync(string? code)
    {
        var (outcome, codes) = await twoFactor.NewRecoveryCodesAsync(User.UserId(), code ?? "");
        await OnGetAsync();
        RecoveryCodes = codes;
        return Answer(outcome);
    }

    private PageResult Answer(TwoFactorOutcome outcome, string? done = null)
    {
        switch (outcome)
        {
            case TwoFactorOutcome.Done when done is not null:
                ViewData["Done"] = done;
                break;
            case TwoFactorOutcome.InvalidCode:
                ModelState.AddModelError("code", T["The code is not valid. Use the current code from your authenticator app."]);
                break;
            case TwoFactorOutcome.AlreadyOn or TwoFactorOutcome.NotOn or TwoFactorOutcome.NotSetUp:
                ModelState.AddModelError("", T["That is not possible in the current state; reload the page."]);
                break;
        }

        return Page();
    }
}
