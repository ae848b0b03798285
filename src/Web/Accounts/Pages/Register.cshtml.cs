using System.ComponentModel.DataAnnotations;
using Marketplace.Web.Catalog;
using Marketplace.Web.Infrastructure;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Accounts.Pages;

/// <summary>Creating an account: a shopper, or a seller with a new store. A guest's cart comes along.</summary>
public sealed class RegisterModel(AccountService accounts, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : MarketplacePage
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public RegisterForm Form { get; set; } = new();

    public async Task OnGetAsync(string? role)
    {
        ViewData["Title"] = T["Create an account"].Value;
        Form.Seller = role == "seller";
        await OpenId.OidcReturn.AllowFormTargetAsync(HttpContext, ReturnUrl);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        ViewData["Title"] = T["Create an account"].Value;
        await OpenId.OidcReturn.AllowFormTargetAsync(HttpContext, ReturnUrl);
        if (Form.Seller && string.IsNullOrWhiteSpace(Form.StoreName))
        {
            ModelState.AddModelError("Form.StoreName", T["Name your store."]);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var store = Form.Seller
            ? new StoreRequest { Name = Form.StoreName!.Trim(), RequiresConfirmation = Form.RequiresConfirmation, Currency = Form.Currency }
            : null;
        var request = new RegisterRequest
        {
            Email = Form.Email!.Trim(),
            Password = Form.Password,
            DisplayName = Form.DisplayName!.Trim(),
            Role = Form.Seller ? RegistrationRole.Seller : RegistrationRole.Shopper,
            Store = store,
        };
        MarketplaceUser user;
        try
        {
            (user, var result) = await accounts.RegisterAsync(request, Idempotency.Fingerprint(store, json), ct);
            if (!result.Succeeded)
            {
                foreach (var error in result.Errors)
                {
                    var field = error.Code is "DuplicateEmail" or "DuplicateUserName" or "InvalidEmail" ? "Form.Email"
                        : error.Code.StartsWith("Password", StringComparison.Ordinal) ? "Form.Password" : "";
                    ModelState.AddModelError(field, error.Code is "DuplicateEmail" or "DuplicateUserName"
                        ? T["An account with this email already exists. Sign in instead?"]
                        : T[error.Description]);
                }

                return Page();
            }
        }
        catch (DomainException e)
        {
            AddErrors(e);
            return Page();
        }

        var claims = await accounts.StartWebSessionAsync(user, MarketplaceClaims.PasswordMethod, ct);
        await WebSignIn.KeepingCartAsync(HttpContext, accounts, claims, ct);
        Flash = Form.Seller ? T["Welcome! Your store is open: add your first product."] : T["Welcome to the marketplace!"];
        return Form.Seller ? Redirect("/seller") : RedirectLocal(ReturnUrl);
    }

    public sealed class RegisterForm
    {
        [Required(ErrorMessage = "Tell us your name."), StringLength(100, ErrorMessage = "At most 100 characters.")]
        public string? DisplayName { get; set; }

        [Required(ErrorMessage = "Enter your email."), MailAddress(ErrorMessage = "That is not an email address."), StringLength(254)]
        public string? Email { get; set; }

        [Required(ErrorMessage = "Choose a password."), StringLength(256, MinimumLength = PasswordRules.MinimumLength, ErrorMessage = "Use at least 10 characters.")]
        public string? Password { get; set; }

        public bool Seller { get; set; }

        [StringLength(120, ErrorMessage = "At most 120 characters.")]
        public string? StoreName { get; set; }

        public bool RequiresConfirmation { get; set; }

        [RegularExpression("^(CLP|USD)$", ErrorMessage = "Choose a currency.")]
        public string Currency { get; set; } = "CLP";
    }
}
