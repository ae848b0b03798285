using System.ComponentModel.DataAnnotations;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.SellerConsole.Pages;

/// <summary>The store's public profile and its settings, among them whether orders wait for the store's confirmation.</summary>
public sealed class SettingsModel : SellerPage
{
    public override string Section => "settings";

    [BindProperty]
    public StoreForm Form { get; set; } = new();

    public async Task<IActionResult> OnGetAsync()
    {
        ViewData["Title"] = T["Store settings"].Value;
        if (await Store.GetProfile() is not { } profile)
        {
            return NotFound();
        }

        Form = StoreForm.From(profile);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        ViewData["Title"] = T["Store settings"].Value;
        if (!ModelState.IsValid)
        {
            return Page();
        }

        try
        {
            await Store.Update(Form.ToDraft());
        }
        catch (DomainException e) when (e.Kind == DomainErrorKind.Validation)
        {
            AddErrors(e, nameof(Form));
            return Page();
        }

        Flash = T["Saved."];
        return RedirectToPage();
    }

    public sealed class StoreForm
    {
        [Required(ErrorMessage = "Name your store."), StringLength(120, ErrorMessage = "At most 120 characters.")]
        public string? Name { get; set; }

        [StringLength(10_000, ErrorMessage = "At most 10,000 characters.")]
        public string? Description { get; set; }

        public bool RequiresConfirmation { get; set; }

        [RegularExpression("^[A-Z]{3}$", ErrorMessage = "Choose a currency.")]
        public string Currency { get; set; } = "CLP";

        [StringLength(500), Url(ErrorMessage = "Write a full address, starting with https://")]
        public string? LogoUrl { get; set; }

        /// <summary>Prices include the tax (Chile's IVA) rather than have it added by the buyer's region.</summary>
        public bool PricesIncludeTax { get; set; } = true;

        [Range(0, 50, ErrorMessage = "A percentage between 0 and 50.")]
        public decimal TaxRate { get; set; }

        [Range(0, 30, ErrorMessage = "Between 0 (no returns) and 30 days.")]
        public int ReturnWindowDays { get; set; } = StoreDraft.DefaultReturnWindowDays;

        [StringLength(254), EmailAddress(ErrorMessage = "That is not an email address.")]
        public string? Email { get; set; }

        [StringLength(40, ErrorMessage = "At most 40 characters.")]
        public string? Phone { get; set; }

        [StringLength(500), Url(ErrorMessage = "Write a full address, starting with https://")]
        public string? Website { get; set; }

        [StringLength(200, ErrorMessage = "At most 200 characters.")]
        public string? Address { get; set; }

        [StringLength(100, ErrorMessage = "At most 100 characters.")]
        public string? City { get; set; }

        [StringLength(100, ErrorMessage = "At most 100 characters.")]
        public string? Country { get; set; }

        /// <summary>Kept as it is: the tax id comes from the store's registration or its directory.</summary>
        public string? TaxId { get; set; }

        public static StoreForm From(StoreProfile p) => new()
        {
            Name = p.Name,
            Description = p.Description,
            RequiresConfirmation = p.RequiresConfirmation,
            Currency = p.Currency,
            LogoUrl = p.LogoUrl,
            PricesIncludeTax = p.PricesIncludeTax,
            TaxRate = Catalog.TaxRatePercent.Of(p.TaxRatePpm),
            ReturnWindowDays = p.ReturnWindowDays,
            Email = p.Contact.Email,
            Phone = p.Contact.Phone,
            Website = p.Contact.Website,
            Address = p.Contact.Address,
            City = p.Contact.City,
            Country = p.Contact.Country,
            TaxId = p.Contact.TaxId,
        };

        public StoreDraft ToDraft() => new(Name!.Trim(), FormValues.OrNull(Description), RequiresConfirmation, Currency, FormValues.OrNull(LogoUrl),
            new StoreContact(FormValues.OrNull(Email), FormValues.OrNull(Phone), FormValues.OrNull(Website), FormValues.OrNull(Address),
                FormValues.OrNull(City), FormValues.OrNull(Country), FormValues.OrNull(TaxId)),
            PricesIncludeTax, Catalog.TaxRatePercent.ToPpm(TaxRate), ReturnWindowDays);
    }
}
