using Marketplace.Web.Finance;

namespace Marketplace.Web.Tests;

/// <summary>Statements and payout plans from the ledger's movements and holdings (pure; the queries only sum).</summary>
public sealed class StatementTests
{
    [Fact]
    public void A_statement_separates_gross_commission_refunds_and_what_the_store_earned_per_currency()
    {
        LedgerMovement[] movements =
        [
            new("CLP", "capture", "gateway", "store_payable", 24_000),
            new("CLP", "capture", "gateway", "shipping", 3_000),
            new("CLP", "capture", "gateway", "commission", 2_000),
            new("CLP", "refund", "store_payable", "gateway", 12_000),
            new("CLP", "refund", "commission", "gateway", 1_000),
            new("CLP", "payout", "store_payable", "bank", 5_000),
            new("USD", "capture", "gateway", "store_payable", 920),
            new("USD", "capture", "gateway", "commission", 80),
        ];

        var lines = Statements.Lines(movements, new Dictionary<string, int> { ["CLP"] = 3, ["USD"] = 1 });

        Assert.Equal(new StatementLine("CLP", 3, 29_000, 0, 3_000, 0, 1_000, 13_000, 15_000, 5_000), lines[0]);
        Assert.Equal(new StatementLine("USD", 1, 1_000, 0, 0, 0, 80, 0, 920, 0), lines[1]);
        // What buyers paid, less what went back and what the marketplace kept, is what the store earned.
        Assert.All(lines, l => Assert.Equal(l.Gross - l.Refunds - l.Commission, l.NetPayable));
    }

    [Theory]
    [InlineData(null, "2026-12-01", "from")]
    [InlineData("2026-12-01", null, "to")]
    [InlineData("2026-12-02", "2026-12-01", "to")]
    [InlineData("2025-01-01", "2026-12-01", "to")]
    public void A_statement_needs_a_period_in_order_and_not_too_long(string? from, string? to, string field) =>
        Assert.Contains(field, Statements.ValidatePeriod(from is null ? null : DateTimeOffset.Parse(from), to is null ? null : DateTimeOffset.Parse(to)).Keys);

    [Fact]
    public void A_payout_pays_each_account_what_it_holds_less_what_was_paid_and_skips_empty_stores()
    {
        AccountHolding[] holdings =
        [
            new("sel_a", "CLP", "store_payable", 10_000, 4_000),
            new("sel_a", "CLP", "shipping", 2_000, 0),
            new("sel_b", "CLP", "store_payable", 3_000, 3_000),
            new("sel_c", "USD", "store_payable", 500, 0),
        ];

        var plan = PayoutPlan.For(holdings);

        Assert.Equal(["sel_a", "sel_c"], plan.Select(l => l.SellerId));
        Assert.Equal(8_000, plan[0].Amount);
        Assert.Equal(new Dictionary<string, long> { ["store_payable"] = 6_000, ["shipping"] = 2_000 }, plan[0].ByAccount);
        Assert.Equal(("USD", 500L), (plan[1].Currency, plan[1].Amount));
    }

    [Theory]
    [InlineData("8", 800)]
    [InlineData("7.5", 750)]
    [InlineData("12.25", 1225)]
    [InlineData("0", 0)]
    [InlineData("8.125", null)]
    [InlineData("-1", null)]
    [InlineData("100.01", null)]
    public void A_rate_is_a_percentage_with_at_most_two_decimals(string percent, int? bps) =>
        Assert.Equal(bps, Percent.ToBps(decimal.Parse(percent, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Overrides_typed_one_per_line_read_as_categories_and_stores_and_write_back_the_same()
    {
        var (body, bad) = CommissionText.Parse(8, " coffee = 10 \n\nsel_0123456789abcdef0123456789 = 5%\r\ntea=11.25");

        Assert.Null(bad);
        Assert.Equal(new Dictionary<string, decimal> { ["coffee"] = 10, ["tea"] = 11.25m }, body!.Categories);
        Assert.Equal(new Dictionary<string, decimal> { ["sel_0123456789abcdef0123456789"] = 5 }, body.Stores);
        var (rates, errors) = Percent.Parse(body);
        Assert.Empty(errors);
        Assert.Equal("coffee = 10\ntea = 11.25\nsel_0123456789abcdef0123456789 = 5", CommissionText.Format(rates!));
        Assert.Equal(2, CommissionText.Parse(8, "coffee = 10\ncoffee ten").BadLine);
    }
}
