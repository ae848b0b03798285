namespace Marketplace.Contracts.Finance;

/// <summary>The ledger's accounts. A store's accounts and the commission are kept per store and currency.</summary>
public static class LedgerAccounts
{
    /// <summary>Money the payment provider captured for the marketplace (debited on capture, credited on refund).</summary>
    public const string Gateway = "gateway";

    /// <summary>What the store is owed for its goods, net of commission.</summary>
    public const string StorePayable = "store_payable";

    /// <summary>Shipping the buyer paid, owed to the store that ships.</summary>
    public const string Shipping = "shipping";

    /// <summary>Tax collected on the store's behalf.</summary>
    public const string Tax = "tax";

    /// <summary>The marketplace's commission.</summary>
    public const string Commission = "commission";

    /// <summary>Money paid out to a store's bank account.</summary>
    public const string Bank = "bank";

    /// <summary>The accounts a capture is allocated to, in the order a refund's rounding remainder is taken from them.</summary>
    public static IReadOnlyList<string> Allocations { get; } = [StorePayable, Shipping, Tax, Commission];
}

/// <summary>Why a ledger entry exists.</summary>
public static class LedgerKinds
{
    public const string Capture = "capture";
    public const string Refund = "refund";
    public const string Payout = "payout";
}
