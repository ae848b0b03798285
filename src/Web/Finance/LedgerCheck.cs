using Marketplace.Contracts.Finance;

namespace Marketplace.Web.Finance;

/// <summary>One order's money as the database holds it: what the order kept and gave back, and what its ledger entries say.</summary>
public sealed record OrderMoney(
    string OrderId, string? SellerId, string? Currency, long Captured, long CapturedRefunded, long LedgerCaptured, long LedgerReversed,
    int Misshapen, bool Listed);

/// <summary>An account's balance for one store and currency: credits less debits.</summary>
public sealed record AccountBalance(string SellerId, string Currency, string Account, long Balance);

/// <summary>A broken rule of the ledger: <see cref="Rule"/> names it (allocated, reversed, shape, order, balance).</summary>
public sealed record LedgerViolation(string Rule, string? OrderId, string? SellerId, string? Currency, string Detail);

public sealed record LedgerCheckResult(bool Ok, int Checked, IReadOnlyList<LedgerViolation> Violations);

/// <summary>
/// The ledger's invariants, held against what the database stores (pure: the queries gather, this decides). Per order:
/// every unit the order captured is allocated exactly once (capture entries, each from the gateway, add up to the
/// captured amount) and refunds reverse allocations (refund entries, each back to the gateway, add up to what was
/// refunded of it), so captured − refunded is what its allocations hold; no entry names an order that does not exist.
/// Per store and currency: no account that holds money for someone (store payable, shipping, tax, commission) is
/// below zero, so payable − paid out ≥ 0.
/// </summary>
public static class LedgerCheck
{
    public const int MaxReported = 100;

    /// <summary>Accounts whose balance (credits − debits) may never be negative.</summary>
    public static IReadOnlySet<string> HeldAccounts { get; } =
        new HashSet<string>(StringComparer.Ordinal) { LedgerAccounts.StorePayable, LedgerAccounts.Shipping, LedgerAccounts.Tax, LedgerAccounts.Commission };

    public static LedgerCheckResult Run(IReadOnlyList<OrderMoney> orders, IReadOnlyList<AccountBalance> balances)
    {
        List<LedgerViolation> found = [];
        foreach (var order in orders)
        {
            if (!order.Listed)
            {
                found.Add(new("order", order.OrderId, null, null, "Ledger entries name an order that does not exist."));
                continue;
            }

            if (order.LedgerCaptured != order.Captured)
            {
                found.Add(new("allocated", order.OrderId, order.SellerId, order.Currency,
                    $"Captured {order.Captured}, but capture entries allocate {order.LedgerCaptured}."));
            }

            if (order.LedgerReversed != order.CapturedRefunded)
            {
                found.Add(new("reversed", order.OrderId, order.SellerId, order.Currency,
                    $"Refunded {order.CapturedRefunded} of the captured payment, but refund entries reverse {order.LedgerReversed}."));
            }

            if (order.Misshapen > 0)
            {
                found.Add(new("shape", order.OrderId, order.SellerId, order.Currency,
                    $"{order.Misshapen} capture or refund entries do not move money from or back to the gateway."));
            }
        }

        foreach (var balance in balances.Where(b => HeldAccounts.Contains(b.Account) && b.Balance < 0))
        {
            found.Add(new("balance", null, balance.SellerId, balance.Currency, $"The {balance.Account} account stands at {balance.Balance}, below zero."));
        }

        return new LedgerCheckResult(found.Count == 0, orders.Count + balances.Count, found.Take(MaxReported).ToList());
    }
}
