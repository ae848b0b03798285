using Marketplace.Web.Finance;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.SellerConsole.Pages;

/// <summary>The store's statement for a month (or any period it picks), per currency, and its CSV download.</summary>
public sealed class StatementsModel(FinanceQueries queries, TimeProvider clock) : SellerPage
{
    public override string Section => "statements";

    /// <summary>The first day of the period (the current month's when none is asked for).</summary>
    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    /// <summary>The day after the period's last (exclusive).</summary>
    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    public StoreStatement? Statement { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        ViewData["Title"] = T["Statements"].Value;
        if (await LoadAsync(ct) is { } errors)
        {
            foreach (var (field, messages) in errors)
            {
                ModelState.AddModelError(field == "from" ? nameof(From) : nameof(To), messages[0]);
            }
        }

        return Page();
    }

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct) =>
        await LoadAsync(ct) is null ? new CsvDownload(StatementCsvRow.File(Statement!)) : BadRequest();

    /// <summary>Reads the period's statement; answers the field errors when the period is not one.</summary>
    private async Task<Dictionary<string, string[]>?> LoadAsync(CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        From ??= new DateOnly(today.Year, today.Month, 1);
        To ??= From.Value.AddMonths(1);
        var (from, to) = (Start(From.Value), Start(To.Value));
        if (Statements.ValidatePeriod(from, to) is { Count: > 0 } errors)
        {
            return errors;
        }

        Statement = await queries.StatementAsync(SellerId, from, to, ct);
        return null;
    }

    private static DateTimeOffset Start(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
