using Marketplace.Web.Finance;

namespace Marketplace.Web.Tests;

/// <summary>The ledger's invariants as a pure decision over what the database holds (the queries gather, this judges).</summary>
public sealed class LedgerCheckTests
{
    private static OrderMoney Order(long captured = 10_000, long refunded = 0, long ledgerCaptured = 10_000, long ledgerReversed = 0, int misshapen = 0, bool listed = true) =>
        new("ord_1", "sel_1", "CLP", captured, refunded, ledgerCaptured, ledgerReversed, misshapen, listed);

    private static AccountBalance Balance(string account, long balance) => new("sel_1", "CLP", account, balance);

    [Fact]
    public void A_ledger_that_matches_its_orders_holds()
    {
        var result = LedgerCheck.Run([Order(refunded: 4_000, ledgerReversed: 4_000)],
            [Balance("store_payable", 5_000), Balance("commission", 1_000), Balance("gateway", -6_000), Balance("bank", 0)]);

        Assert.True(result.Ok);
        Assert.Equal(5, result.Checked);
        Assert.Empty(result.Violations);
    }

    [Theory]
    [InlineData(10_000, 0, 9_000, 0, 0, true, "allocated")]
    [InlineData(10_000, 0, 0, 0, 0, true, "allocated")]
    [InlineData(10_000, 3_000, 10_000, 2_000, 0, true, "reversed")]
    [InlineData(10_000, 0, 10_000, 0, 1, true, "shape")]
    [InlineData(0, 0, 10_000, 0, 0, false, "order")]
    public void An_order_whose_entries_do_not_match_it_is_reported(long captured, long refunded, long ledgerCaptured, long ledgerReversed, int misshapen, bool listed, string rule)
    {
        var result = LedgerCheck.Run([Order(captured, refunded, ledgerCaptured, ledgerReversed, misshapen, listed)], []);

        Assert.False(result.Ok);
        Assert.Equal(rule, Assert.Single(result.Violations).Rule);
    }

    [Fact]
    public void An_account_that_holds_money_for_someone_may_not_go_below_zero()
    {
        var result = LedgerCheck.Run([], [Balance("store_payable", -1), Balance("gateway", -50), Balance("tax", 0), Balance("commission", -3)]);

        Assert.Equal(["commission", "store_payable"], result.Violations.Select(v => v.Detail.Split(' ')[1]).Order());
        Assert.All(result.Violations, v => Assert.Equal(("balance", "sel_1"), (v.Rule, v.SellerId)));
    }
}
