using System.ComponentModel.DataAnnotations;
using Marketplace.Web.Accounts;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.OpenId.Pages;

/// <summary>
/// The step after the outside provider when its identity is not linked to an account yet (or the linked account has
/// two-factor sign-in): link it to the account of the same email by proving that account's password, create a new
/// account when no account has the email, or give the authenticator code.
/// </summary>
public sealed class ExternalModel(
    UserManager<MarketplaceUser> users, AccountService accounts, IOptions<ExternalSignInOptions> options) : MarketplacePage
{
    public enum Step
    {
        Link,
        Create,
        Code,
        NoEmail,
    }

    public Step Now { get; private set; }

    public string ProviderName => options.Value.DisplayName;

    public string? Email { get; private set; }

    [BindProperty]
    [StringLength(256)]
    public string? Password { get; set; }

    [BindProperty]
    [StringLength(40)]
    public string? Code { get; set; }

    [BindProperty]
    [StringLength(100)]
    public string? DisplayName { get; set; }

    public bool AsksCode { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (ExternalSignIn.ReadPending(HttpContext) is not { } pending)
        {
            return Redirect("/account/login");
        }

        await PrepareAsync(pending);
        DisplayName = pending.Name;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (ExternalSignIn.ReadPending(HttpContext) is not { } pending)
        {
            FlashError = T["That took too long. Sign in again."];
            return Redirect("/account/login");
        }

        var user = await PrepareAsync(pending);
        if (!ModelState.IsValid)
        {
            return Page();
        }

        switch (Now)
        {
            case Step.Code:
                // Wrong codes count towards the account's lockout, as on the sign-in page.
                if (await users.IsLockedOutAsync(user!))
                {
                    return LockedOut();
                }

                if (string.IsNullOrWhiteSpace(Code) || !await accounts.VerifyAuthenticatorCodeAsync(user!, Code))
                {
                    await users.AccessFailedAsync(user!);
                    ModelState.AddModelError(nameof(Code), T["The code is not valid. Use the current code from your authenticator app, or a recovery code."]);
                    return Page();
                }

                await users.ResetAccessFailedCountAsync(user!);

                return await FinishAsync(pending, await accounts.StartWebSessionAsync(
                    user!, MarketplaceClaims.ExternalMethod + " " + MarketplaceClaims.MultiFactorMethod, ct), ct);

            case Step.Link:
                return await LinkAsync(pending, user!, ct);

            case Step.Create:
                var name = string.IsNullOrWhiteSpace(DisplayName) ? pending.Email!.Split('@')[0] : DisplayName.Trim();
                var (created, result) = await accounts.RegisterExternalAsync(pending.Email!, name, pending.EmailVerified, pending.Login(ProviderName), ct);
                if (!result.Succeeded)
                {
                    foreach (var error in result.Errors)
                    {
                        ModelState.AddModelError("", error.Description);
                    }

                    return Page();
                }

                return await FinishAsync(pending, await accounts.StartWebSessionAsync(created, MarketplaceClaims.ExternalMethod, ct), ct);

            default:
                return Page();
        }
    }

    /// <summary>Proving the password of the account with the provider's email links the two, and signs in.</summary>
    private async Task<IActionResult> LinkAsync(ExternalIdentity pending, MarketplaceUser user, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(Password))
        {
            ModelState.AddModelError(nameof(Password), T["Enter your password."]);
            return Page();
        }

        var code = Code?.Trim();
        var signIn = await accounts.SignInAsync(new LoginRequest
        {
            Email = user.Email,
            Password = Password,
            TwoFactorCode = code is { Length: > 0 and <= 8 } ? code : null,
            RecoveryCode = code is { Length: > 8 } ? code : null,
        }, forWeb: true, ct);
        switch (signIn.Failure)
        {
            case SignInFailure.None:
                var linked = await users.AddLoginAsync(user, pending.Login(ProviderName));
                if (!linked.Succeeded)
                {
                    // The identity got linked meanwhile (another tab): signing in is still right only if to this account.
                    if (await users.FindByLoginAsync(pending.Issuer, pending.Subject) is not { } owner || owner.Id != user.Id)
                    {
                        ModelState.AddModelError("", T["This identity is already linked to another account."]);
                        return Page();
                    }
                }

                return await FinishAsync(pending, signIn.WebClaims!, ct);
            case SignInFailure.TwoFactorRequired:
                AsksCode = true;
                return Page();
            case SignInFailure.InvalidTwoFactorCode:
                AsksCode = true;
                ModelState.AddModelError(nameof(Code), T["The code is not valid. Use the current code from your authenticator app, or a recovery code."]);
                return Page();
            case SignInFailure.LockedOut:
                return LockedOut();
            default:
                ModelState.AddModelError(nameof(Password), T["The password is not correct."]);
                return Page();
        }
    }

    private IActionResult LockedOut()
    {
        ModelState.AddModelError("", T["Too many failed attempts. The account is locked; try again later."]);
        Response.StatusCode = StatusCodes.Status429TooManyRequests;
        return Page();
    }

    private async Task<IActionResult> FinishAsync(ExternalIdentity pending, IReadOnlyList<System.Security.Claims.Claim> claims, CancellationToken ct)
    {
        ExternalSignIn.ClearPending(HttpContext);
        await WebSignIn.KeepingCartAsync(HttpContext, accounts, claims, ct);
        return LocalRedirect(Links.Local(pending.ReturnUrl));
    }

    private async Task<MarketplaceUser?> PrepareAsync(ExternalIdentity pending)
    {
        ViewData["Title"] = string.Format(System.Globalization.CultureInfo.CurrentCulture, T["Sign in with {0}"].Value, ProviderName);
        ViewData["NoIndex"] = true;
        Email = pending.Email;
        if (pending.LinkedUserId is { } linkedId && await users.FindByIdAsync(linkedId) is { } linked)
        {
            Now = Step.Code;
            return linked;
        }

        if (pending.Email is null)
        {
            Now = Step.NoEmail;
            return null;
        }

        var existing = await users.FindByEmailAsync(pending.Email);
        Now = existing is null ? Step.Create : Step.Link;
        AsksCode = existing?.TwoFactorEnabled == true && !string.IsNullOrEmpty(Code);
        return existing;
    }
}
