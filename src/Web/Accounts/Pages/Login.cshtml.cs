using System.ComponentModel.DataAnnotations;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Accounts.Pages;

/// <summary>
/// Sign-in with email and password, then the authenticator code when the account has two-factor sign-in. Between the
/// two steps the credentials travel in an encrypted ticket valid for five minutes, never in the clear.
/// </summary>
public sealed class LoginModel(AccountService accounts, IDataProtectionProvider protection, TimeProvider clock) : MarketplacePage
{
    private static readonly TimeSpan TicketLifetime = TimeSpan.FromMinutes(5);

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    [Required(ErrorMessage = "Enter your email."), StringLength(254)]
    public string? Email { get; set; }

    [BindProperty]
    [Required(ErrorMessage = "Enter your password."), StringLength(256)]
    public string? Password { get; set; }

    [BindProperty]
    [StringLength(40)]
    public string? Code { get; set; }

    /// <summary>Set once the password was right and the account asks for a second factor.</summary>
    [BindProperty]
    public string? Ticket { get; set; }

    public bool SecondStep => Ticket is not null;

    public async Task OnGetAsync(string? external)
    {
        ViewData["Title"] = T["Sign in"].Value;
        if (external == "failed")
        {
            ModelState.AddModelError("", T["Signing in with the other site did not work. Try again, or sign in with your password."]);
        }
        else if (external == "locked")
        {
            ModelState.AddModelError("", T["Too many failed attempts. The account is locked; try again later."]);
        }

        await OpenId.OidcReturn.AllowFormTargetAsync(HttpContext, ReturnUrl);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        ViewData["Title"] = T["Sign in"].Value;
        await OpenId.OidcReturn.AllowFormTargetAsync(HttpContext, ReturnUrl);
        var protector = protection.CreateProtector("web-login").ToTimeLimitedDataProtector();
        if (Ticket is not null)
        {
            ModelState.Remove(nameof(Email));
            ModelState.Remove(nameof(Password));
            try
            {
                var parts = protector.Unprotect(Ticket).Split('\n', 2);
                (Email, Password) = (parts[0], parts[1]);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                Ticket = null;
                ModelState.AddModelError("", T["That took too long. Sign in again."]);
                return Page();
            }
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var code = Code?.Trim();
        var request = new LoginRequest
        {
            Email = Email,
            Password = Password,
            TwoFactorCode = code is { Length: <= 8 } && code.Replace(" ", "", StringComparison.Ordinal).All(char.IsAsciiDigit) ? code : null,
            RecoveryCode = code is { Length: > 8 } ? code : null,
        };
        var result = await accounts.SignInAsync(request, forWeb: true, ct);
        switch (result.Failure)
        {
            case SignInFailure.None:
                await WebSignIn.KeepingCartAsync(HttpContext, accounts, result.WebClaims!, ct);
                return RedirectLocal(ReturnUrl);
            case SignInFailure.TwoFactorRequired:
                Ticket = protector.Protect(Email + "\n" + Password, TicketLifetime);
                return Page();
            case SignInFailure.InvalidTwoFactorCode:
                Ticket = protector.Protect(Email + "\n" + Password, TicketLifetime);
                ModelState.AddModelError(nameof(Code), T["The code is not valid. Use the current code from your authenticator app, or a recovery code."]);
                return Page();
            case SignInFailure.LockedOut:
                Ticket = null;
                var minutes = Math.Max(1, (int)Math.Ceiling(((result.LockedUntil ?? clock.GetUtcNow()) - clock.GetUtcNow()).TotalMinutes));
                ModelState.AddModelError("", string.Format(System.Globalization.CultureInfo.CurrentCulture,
                    T["Too many failed attempts. The account is locked; try again in {0} minutes."].Value, minutes));
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                return Page();
            default:
                Ticket = null;
                ModelState.AddModelError("", T["The email or password is not correct."]);
                return Page();
        }
    }
}
