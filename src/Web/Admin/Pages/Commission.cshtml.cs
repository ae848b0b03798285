using System.Globalization;
using Marketplace.Contracts.Finance;
using Marketplace.Web.Finance;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Admin.Pages;

/// <summary>The commission rates: the default and the overrides per category and per store (placed orders keep theirs).</summary>
public sealed class CommissionModel : MarketplacePage
{
    [BindProperty]
    public decimal? DefaultRate { get; set; }

    [BindProperty]
    public string? Overrides { get; set; }

    public DateTimeOffset? UpdatedAt { get; private set; }

    public async Task OnGetAsync()
    {
        ViewData["Title"] = T["Commission"].Value;
        ViewData["Section"] = "commission";
        var rates = await Rates.Get();
        (DefaultRate, Overrides, UpdatedAt) = (Percent.Of(rates.DefaultBps), CommissionText.Format(rates), rates.UpdatedAt);
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var (body, badLine) = CommissionText.Parse(DefaultRate, Overrides);
        if (body is null)
        {
            ModelState.AddModelError(nameof(Overrides), string.Format(CultureInfo.CurrentCulture, T["Line {0} is not \"name = percent\"."].Value, badLine));
        }
        else if (Percent.Parse(body) is ({ } rates, _) && await TrySetAsync(rates))
        {
            Flash = T["Commission rates saved. Orders already placed keep the rates they were placed with."];
            return RedirectToPage();
        }
        else
        {
            ModelState.AddModelError(nameof(Overrides), T["Rates are percentages from 0 to 50 with at most two decimals; overrides name a category or a store id (sel_…) once."]);
        }

        ViewData["Title"] = T["Commission"].Value;
        ViewData["Section"] = "commission";
        return Page();
    }

    private ICommissionRatesGrain Rates => Grains.GetGrain<ICommissionRatesGrain>(0);

    /// <summary>Stores the rates unless the grain's rules refuse them.</summary>
    private async Task<bool> TrySetAsync(CommissionRates rates)
    {
        try
        {
            await Rates.Set(rates);
            return true;
        }
        catch (DomainException e) when (e.Kind == DomainErrorKind.Validation)
        {
            return false;
        }
    }
}
