using Marketplace.Contracts.Finance;

namespace Marketplace.Web.Finance;

/// <summary>The ledger's movements of one store in a period, summed by what they were (as the query gathers them).</summary>
public sealed record LedgerMovement(string Currency, string Kind, string Debit, string Credit, long Amount);

/// <summary>
/// A store's statement for one currency in a period, in minor units. <see cref="Gross"/> is what the orders paid in the
/// period were worth before <see cref="Discounts"/>, so gross − discounts is what buyers paid (captured);
/// <see cref="Shipping"/> and <see cref="Tax"/> are parts of that; <see cref="Commission"/> is what the marketplace kept,
/// net of what refunds gave back; <see cref="Refunds"/> is what went back to buyers; <see cref="NetPayable"/> is what the
/// store earned in the period (gross − discounts − commission − refunds); <see cref="PaidOut"/>
/// is what payouts sent to its bank.
/// </summary>
public sealed record StatementLine(
    string Currency, int Orders, long Gross, long Discounts, long Shipping, long Tax, long Commission, long Refunds, long NetPayable, long PaidOut);

public sealed record StoreStatement(string SellerId, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<StatementLine> Lines);

/// <summary>What a statement says, from the ledger's movements (pure; the query only sums).</summary>
public static class Statements
{
    /// <summary>The longest period one statement covers.</summary>
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(400);

    private static readonly HashSet<string> Owed = new(StringComparer.Ordinal) { LedgerAccounts.StorePayable, LedgerAccounts.Shipping, LedgerAccounts.Tax };

    public static IReadOnlyList<StatementLine> Lines(
        IEnumerable<LedgerMovement> movements, IReadOnlyDictionary<string, int> ordersByCurrency, IReadOnlyDictionary<string, long>? discountsByCurrency = null) =>
        movements.GroupBy(m => m.Currency, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            long Sum(Func<LedgerMovement, bool> which) => g.Where(which).Sum(m => m.Amount);
            var captures = g.Where(m => m.Kind == LedgerKinds.Capture).ToList();
            var refunds = g.Where(m => m.Kind == LedgerKinds.Refund).ToList();
            var commission = captures.Where(m => m.Credit == LedgerAccounts.Commission).Sum(m => m.Amount)
                - refunds.Where(m => m.Debit == LedgerAccounts.Commission).Sum(m => m.Amount);
            var earned = Sum(m => m.Kind != LedgerKinds.Payout && Owed.Contains(m.Credit)) - Sum(m => m.Kind != LedgerKinds.Payout && Owed.Contains(m.Debit));
            return new StatementLine(
                g.Key,
                ordersByCurrency.GetValueOrDefault(g.Key),
                captures.Sum(m => m.Amount) + (discountsByCurrency?.GetValueOrDefault(g.Key) ?? 0),
                discountsByCurrency?.GetValueOrDefault(g.Key) ?? 0,
                captures.Where(m => m.Credit == LedgerAccounts.Shipping).Sum(m => m.Amount) - refunds.Where(m => m.Debit == LedgerAccounts.Shipping).Sum(m => m.Amount),
                captures.Where(m => m.Credit == LedgerAccounts.Tax).Sum(m => m.Amount) - refunds.Where(m => m.Debit == LedgerAccounts.Tax).Sum(m => m.Amount),
                commission,
                refunds.Sum(m => m.Amount),
                earned,
                Sum(m => m.Kind == LedgerKinds.Payout));
        }).ToList();

    /// <summary>The period asked for, or the field errors: both ends, in order, at most <see cref="MaxPeriod"/> apart.</summary>
    public static Dictionary<string, string[]> ValidatePeriod(DateTimeOffset? from, DateTimeOffset? to)
    {
        var errors = new Dictionary<string, string[]>();
        if (from is null)
        {
            errors["from"] = ["The period's start, an ISO 8601 date or time."];
        }

        if (to is null)
        {
            errors["to"] = ["The period's end (excluded), an ISO 8601 date or time."];
        }

        if (from is { } start && to is { } end && (end <= start || end - start > MaxPeriod))
        {
            errors["to"] = [$"After the start, and at most {MaxPeriod.TotalDays:0} days later."];
        }

        return errors;
    }
}
