using Marketplace.Contracts.Finance;
using Marketplace.Contracts.Orders;
using Marketplace.Grains.Orders;

namespace Marketplace.Grains.Finance;

/// <summary>
/// One immutable, double-entry movement of money of an order, in minor units of the order's currency: <see cref="Amount"/>
/// is debited to <see cref="Debit"/> and credited to <see cref="Credit"/>. Stored with the order's state and appended to
/// <c>ledger_entries</c> in the same transaction.
/// </summary>
public sealed class LedgerEntryState
{
    /// <summary>The entry's number within the order (1, 2, …); with the order id it is the entry's key.</summary>
    public int Sequence { get; set; }

    public string Kind { get; set; } = "";

    public string Debit { get; set; } = "";

    public string Credit { get; set; } = "";

    public long Amount { get; set; }

    /// <summary>The provider's payment or refund the entry records.</summary>
    public string Source { get; set; } = "";

    public DateTimeOffset At { get; set; }
}

/// <summary>
/// The money of an order as ledger entries, derived from its payments: the captured payment allocated to the store's
/// payable, shipping, the tax fixed at placement and the marketplace's commission; what refunds gave back taken from those allocations in
/// proportion (the last refund takes exactly what is left), so captured − refunded = what the allocations hold. Pure
/// and idempotent: <see cref="Post"/> appends only what the payments say and the ledger does not yet have, so calling
/// it before every write of the order is safe, and an order captured before the ledger existed gets its entries on
/// its next write. Entries are never changed or removed.
/// </summary>
public static class OrderLedger
{
    /// <summary>Appends the entries the order's payments call for and the ledger lacks; answers how many.</summary>
    public static int Post(OrderState order, DateTimeOffset now)
    {
        if (OrderPayments.Captured(order) is not { } payment)
        {
            return 0;
        }

        var paymentId = payment.PaymentId;

        var before = order.Ledger.Count;
        if (!order.Ledger.Any(e => e.Kind == LedgerKinds.Capture))
        {
            foreach (var (account, amount) in Allocate(order, payment.Amount))
            {
                Append(order, LedgerKinds.Capture, LedgerAccounts.Gateway, account, amount, paymentId, now);
            }
        }

        var reversed = order.Ledger.Where(e => e.Kind == LedgerKinds.Refund).Sum(e => e.Amount);
        var refunded = Math.Min(payment.RefundedAmount, payment.Amount);
        if (refunded > reversed)
        {
            var source = payment.RefundIds.LastOrDefault() ?? paymentId;
            foreach (var (account, amount) in Reverse(order, refunded - reversed, finalRefund: refunded == payment.Amount))
            {
                Append(order, LedgerKinds.Refund, account, LedgerAccounts.Gateway, amount, source, now);
            }
        }

        return order.Ledger.Count - before;
    }

    /// <summary>
    /// How a captured amount is allocated: commission per line at the line's rate fixed at placement (half-up, in minor
    /// units), shipping as quoted, the tax fixed at placement, and the rest owed to the store.
    /// </summary>
    public static IReadOnlyList<(string Account, long Amount)> Allocate(OrderState order, long captured)
    {
        var commission = Math.Min(CommissionOf(order), captured);
        var shipping = Math.Min(order.ShippingCost, captured - commission);
        var tax = Math.Min(order.Tax, captured - commission - shipping);
        var payable = captured - commission - shipping - tax;
        return new (string, long)[]
            {
                (LedgerAccounts.StorePayable, payable), (LedgerAccounts.Shipping, shipping), (LedgerAccounts.Tax, tax), (LedgerAccounts.Commission, commission),
            }
            .Where(a => a.Item2 > 0)
            .ToList();
    }

    /// <summary>
    /// The commission the order's lines carry at the rates fixed when it was placed (none for orders placed before), on
    /// each line's price after its discount and without its tax.
    /// </summary>
    public static long CommissionOf(OrderState order) =>
        order.Lines.Select((_, i) => Commission.OfLine(
            OrderPlacement.NetOfLine(order, i) - (order.PricesIncludeTax && i < order.LineTaxes.Count ? order.LineTaxes[i] : 0),
            i < order.CommissionBps.Count ? order.CommissionBps[i] : 0)).Sum();

    /// <summary>What each allocation account holds now: allocated on capture less what refunds took back.</summary>
    public static IReadOnlyDictionary<string, long> Held(OrderState order)
    {
        var held = LedgerAccounts.Allocations.ToDictionary(a => a, _ => 0L, StringComparer.Ordinal);
        foreach (var entry in order.Ledger)
        {
            if (held.ContainsKey(entry.Credit))
            {
                held[entry.Credit] += entry.Amount;
            }

            if (held.ContainsKey(entry.Debit))
            {
                held[entry.Debit] -= entry.Amount;
            }
        }

        return held;
    }

    /// <summary>
    /// The commission the order shows its store: what the ledger holds once the payment is captured, else what its
    /// lines will carry.
    /// </summary>
    public static long ShownCommission(OrderState order) =>
        order.Ledger.Count > 0 ? Held(order)[LedgerAccounts.Commission] : CommissionOf(order);

    /// <summary>
    /// Takes <paramref name="amount"/> back from the allocations in proportion to what each was allocated on capture,
    /// never more than an account still holds; the rounding remainder comes from the store's payable first. The final
    /// refund takes exactly what every account still holds.
    /// </summary>
    public static IReadOnlyList<(string Account, long Amount)> Reverse(OrderState order, long amount, bool finalRefund)
    {
        var held = Held(order);
        if (finalRefund)
        {
            return LedgerAccounts.Allocations.Where(a => held[a] > 0).Select(a => (a, held[a])).ToList();
        }

        var allocated = order.Ledger.Where(e => e.Kind == LedgerKinds.Capture).ToDictionary(e => e.Credit, e => e.Amount, StringComparer.Ordinal);
        var captured = allocated.Values.Sum();
        var taken = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var account in LedgerAccounts.Allocations)
        {
            var share = captured == 0 ? 0 : (long)((decimal)allocated.GetValueOrDefault(account) * amount / captured);
            taken[account] = Math.Min(share, held[account]);
        }

        var left = amount - taken.Values.Sum();
        foreach (var account in LedgerAccounts.Allocations)
        {
            var more = Math.Min(left, held[account] - taken[account]);
            taken[account] += more;
            left -= more;
        }

        return LedgerAccounts.Allocations.Where(a => taken[a] > 0).Select(a => (a, taken[a])).ToList();
    }

    private static void Append(OrderState order, string kind, string debit, string credit, long amount, string source, DateTimeOffset now) =>
        order.Ledger.Add(new LedgerEntryState
        {
            Sequence = order.Ledger.Count + 1, Kind = kind, Debit = debit, Credit = credit, Amount = amount, Source = source, At = now,
        });
}

/// <summary>Commission arithmetic: basis points of an amount, rounded half-up to the minor unit.</summary>
public static class Commission
{
    /// <summary>The highest rate an admin may set (50 %).</summary>
    public const int MaxBps = 5_000;

    public static long OfLine(long lineTotal, int bps) => (lineTotal * bps + 5_000) / 10_000;

    /// <summary>The rate of each line, from the rates in force when the order is placed.</summary>
    public static List<int> RatesOf(Contracts.Finance.CommissionRates rates, string sellerId, IEnumerable<OrderLine> lines) =>
        lines.Select(l => rates.For(sellerId, l.Category)).ToList();
}
