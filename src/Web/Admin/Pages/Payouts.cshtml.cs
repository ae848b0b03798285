using System.Globalization;
using Marketplace.Web.Accounts;
using Marketplace.Web.Finance;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Admin.Pages;

/// <summary>
/// Payout batches: run one (every store's money from orders past their return window), download the bank's file, mark
/// it paid. The form carries a key made when the page was shown, so a double submit makes one batch.
/// </summary>
public sealed class PayoutsModel(Payouts payouts, TimeProvider clock) : MarketplacePage
{
    public IReadOnlyList<PayoutBatchView> Batches { get; private set; } = [];

    /// <summary>The key of the batch this page's form would create.</summary>
    public string FormKey { get; private set; } = "";

    public async Task OnGetAsync(CancellationToken ct)
    {
        ViewData["Title"] = T["Payouts"].Value;
        ViewData["Section"] = "payouts";
        FormKey = Guid.NewGuid().ToString("N");
        Batches = await payouts.ListAsync(null, 50, ct);
    }

    public async Task<IActionResult> OnPostAsync(string key, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length > 64)
        {
            return BadRequest();
        }

        var (batch, created) = await payouts.CreateAsync("page:" + key, clock.GetUtcNow(), User.UserId(), ct);
        Flash = batch is null || !created
            ? T["That payout batch was already made."]
            : string.Format(CultureInfo.CurrentCulture, T["Payout batch made: {0} store payment(s)."].Value, batch.Lines.Count);
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostPaidAsync(string payoutId, CancellationToken ct)
    {
        Flash = await payouts.MarkPaidAsync(payoutId, ct) is null ? T["No such payout batch."] : T["Marked as paid."];
        return RedirectToPage();
    }

    public async Task<IActionResult> OnGetCsvAsync(string payoutId, CancellationToken ct) =>
        await payouts.GetAsync(payoutId, ct) is { } batch ? new CsvDownload(PayoutCsvRow.File(batch)) : NotFound();
}
