using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Marketplace.Contracts.Promotions;
using Marketplace.Web.Finance;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Promotions.Pages;

/// <summary>The store's coupons and automatic promotions: what each gives, how often it was used, a form for a new one.</summary>
public sealed class CouponsModel : SellerPage
{
    public override string Section => "coupons";

    public IReadOnlyList<CouponListing> Coupons { get; private set; } = [];

    public string Currency { get; private set; } = "CLP";

    [BindProperty]
    public CouponForm Form { get; set; } = new();

    private IStoreCouponsGrain StoreCoupons => Grains.GetGrain<IStoreCouponsGrain>(SellerId);

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAsync()
    {
        await LoadAsync();
        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (Form.ToDraft(Currency) is not { } draft)
        {
            ModelState.AddModelError("Form.Value", T[Form.Kind == CouponKind.Percent
                ? "A percentage above 0 and at most 100, with at most two decimals."
                : "Enter an amount, like 5000 or 12.50."]);
            return Page();
        }

        try
        {
            await StoreCoupons.Create(draft);
        }
        catch (DomainException e) when (e.Kind is DomainErrorKind.Validation or DomainErrorKind.Conflict)
        {
            AddErrors(e, nameof(Form));
            return Page();
        }

        Flash = T["Coupon created."];
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string code)
    {
        await FlashRefusalAsync(async () =>
        {
            if (await StoreCoupons.Delete(code))
            {
                Flash = T["Coupon deleted."];
            }
        });
        return RedirectToPage();
    }

    /// <summary>What a coupon gives, in words ("10 %", "$5.000").</summary>
    public string Offer(CouponTerms terms) => terms.Kind == CouponKind.Percent
        ? (terms.Value / 100m).ToString("0.##", CultureInfo.CurrentCulture) + " %"
        : Money.Format(terms.Value, terms.Currency);

    private async Task LoadAsync()
    {
        ViewData["Title"] = T["Coupons and promotions"].Value;
        Currency = (await Store.GetProfile())?.Currency ?? Currency;
        Coupons = await StoreCoupons.List();
    }

    public sealed class CouponForm
    {
        [Required(ErrorMessage = "Choose a code (3-32 letters or digits)."), StringLength(32)]
        public string? Code { get; set; }

        public CouponKind Kind { get; set; } = CouponKind.Percent;

        [Required(ErrorMessage = "How much does it take off?"), StringLength(30)]
        public string? Value { get; set; }

        [StringLength(30)]
        public string? MinSubtotal { get; set; }

        public DateTime? StartsAt { get; set; }

        public DateTime? EndsAt { get; set; }

        [Range(1, 1_000_000, ErrorMessage = "At least 1.")]
        public int? MaxUses { get; set; }

        [Range(1, 1_000_000, ErrorMessage = "At least 1.")]
        public int? MaxUsesPerCustomer { get; set; }

        [StringLength(2_000)]
        public string? Categories { get; set; }

        public bool Automatic { get; set; }

        [StringLength(200)]
        public string? Description { get; set; }

        /// <summary>The draft, or null when the value or minimum is not an amount (dates are whole days, UTC).</summary>
        public CouponDraft? ToDraft(string currency)
        {
            long? value = Kind == CouponKind.Percent
                ? decimal.TryParse(Value, NumberStyles.Number, CultureInfo.CurrentCulture, out var percent) ? Percent.ToBps(percent) : null
                : Money.Parse(Value, currency);
            var minimum = string.IsNullOrWhiteSpace(MinSubtotal) ? 0 : Money.Parse(MinSubtotal, currency);
            if (value is null or 0 || minimum is null)
            {
                return null;
            }

            static DateTimeOffset? Day(DateTime? day) => day is { } d ? new DateTimeOffset(d.Date, TimeSpan.Zero) : null;
            return new CouponDraft(Code!, Kind, value.Value, minimum.Value, Day(StartsAt), Day(EndsAt), MaxUses, MaxUsesPerCustomer, [],
                (Categories ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), Automatic, Description);
        }
    }
}
