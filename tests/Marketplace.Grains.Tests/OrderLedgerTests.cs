using Marketplace.Contracts.Finance;
using Marketplace.Contracts.Orders;
using Marketplace.Grains.Finance;
using Marketplace.Grains.Orders;

namespace Marketplace.Grains.Tests;

/// <summary>An order's money as ledger entries: allocation on capture, reversal on refunds, commission rates and rounding.</summary>
public sealed class OrderLedgerTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A paid order of two lines (8,990 × 2 and 4,500 × 1) with 3,000 shipping: 25,480 captured.</summary>
    private static OrderState Paid(params int[] bps)
    {
        var order = new OrderState
        {
            Created = true, SellerId = "sel_1", Currency = "CLP",
            Lines = [new OrderLine("prd_1", "A", "Café", 2, 8990, Category: "coffee"), new OrderLine("prd_2", "B", "Taza", 1, 4500, Category: "mugs")],
            Subtotal = 22_480, ShippingCost = 3_000, Total = 25_480, CommissionBps = [.. bps], CapturedPaymentId = "pay_1",
            Payments = [new PaymentAttemptState { PaymentId = "pay_1", Status = OrderPayments.Succeeded, Amount = 25_480 }],
        };
        return order;
    }

    private static long Sum(OrderState order, string kind) => order.Ledger.Where(e => e.Kind == kind).Sum(e => e.Amount);

    private static void Refund(OrderState order, string refundId, long amount)
    {
        var payment = order.Payments[0];
        payment.RefundIds.Add(refundId);
        payment.RefundedAmount += amount;
        OrderLedger.Post(order, At);
    }

    [Fact]
    public void A_capture_is_allocated_once_to_the_store_shipping_and_commission_from_the_gateway()
    {
        var order = Paid(800, 1000);

        Assert.Equal(3, OrderLedger.Post(order, At));

        // Commission: 17,980 × 8 % = 1,438.4 → 1,438; 4,500 × 10 % = 450.
        var credited = order.Ledger.ToDictionary(e => e.Credit, e => e.Amount);
        Assert.Equal(1_888, credited[LedgerAccounts.Commission]);
        Assert.Equal(3_000, credited[LedgerAccounts.Shipping]);
        Assert.Equal(25_480 - 1_888 - 3_000, credited[LedgerAccounts.StorePayable]);
        Assert.All(order.Ledger, e => Assert.Equal((LedgerKinds.Capture, LedgerAccounts.Gateway, "pay_1"), (e.Kind, e.Debit, e.Source)));
        Assert.Equal(25_480, Sum(order, LedgerKinds.Capture));
        Assert.Equal([1, 2, 3], order.Ledger.Select(e => e.Sequence));
    }

    [Fact]
    public void Posting_again_adds_nothing_and_an_order_not_yet_paid_has_no_entries()
    {
        var order = Paid(800, 800);
        OrderLedger.Post(order, At);

        Assert.Equal(0, OrderLedger.Post(order, At.AddMinutes(1)));
        Assert.Equal(0, OrderLedger.Post(new OrderState { Created = true, Total = 100 }, At));
    }

    [Theory]
    [InlineData(8990, 800, 719)]   // 719.2 rounds down
    [InlineData(8125, 800, 650)]   // exactly 650
    [InlineData(6875, 200, 138)]   // 137.5 rounds half up
    [InlineData(1, 5000, 1)]       // 0.5 rounds half up
    [InlineData(1999, 0, 0)]
    public void Commission_is_a_lines_rate_rounded_half_up_to_the_minor_unit(long lineTotal, int bps, long expected) =>
        Assert.Equal(expected, Commission.OfLine(lineTotal, bps));

    [Fact]
    public void An_order_placed_before_commissions_existed_owes_none()
    {
        var order = Paid();

        OrderLedger.Post(order, At);

        Assert.DoesNotContain(order.Ledger, e => e.Credit == LedgerAccounts.Commission);
        Assert.Equal(25_480, Sum(order, LedgerKinds.Capture));
    }

    [Fact]
    public void Partial_refunds_reverse_allocations_in_proportion_and_the_last_one_reverses_what_is_left()
    {
        var order = Paid(800, 1000);
        OrderLedger.Post(order, At);

        Refund(order, "ref_1", 10_000);
        var first = OrderLedger.Held(order);
        // 10,000 of 25,480: the commission gives back 1,888 × 10,000 / 25,480 = 740.97 → 740 (the rest from the payable).
        Assert.Equal(1_888 - 740, first[LedgerAccounts.Commission]);
        Assert.Equal(10_000, Sum(order, LedgerKinds.Refund));
        Assert.All(order.Ledger.Where(e => e.Kind == LedgerKinds.Refund), e => Assert.Equal((LedgerAccounts.Gateway, "ref_1"), (e.Credit, e.Source)));

        Refund(order, "ref_2", 15_480);
        Assert.All(OrderLedger.Held(order).Values, held => Assert.Equal(0, held));
        Assert.Equal(25_480, Sum(order, LedgerKinds.Refund));
    }

    [Fact]
    public void Many_small_refunds_never_take_an_account_below_zero_and_always_add_up()
    {
        var order = Paid(5000, 5000);
        order.ShippingCost = 1;
        OrderLedger.Post(order, At);

        for (var i = 0; i < 25; i++)
        {
            Refund(order, $"ref_{i}", 1_019);
            Assert.All(OrderLedger.Held(order).Values, held => Assert.True(held >= 0));
            Assert.Equal(25_480 - order.Payments[0].RefundedAmount, OrderLedger.Held(order).Values.Sum());
        }
    }

    [Fact]
    public void The_store_sees_the_commission_its_lines_will_carry_and_after_capture_what_the_ledger_holds()
    {
        var order = Paid(800, 1000);
        order.CapturedPaymentId = null;
        Assert.Equal(1_888, OrderLedger.ShownCommission(order));

        order.CapturedPaymentId = "pay_1";
        OrderLedger.Post(order, At);
        Refund(order, "ref_1", 25_480);

        Assert.Equal(0, OrderLedger.ShownCommission(order));
    }

    [Fact]
    public void A_stores_rate_wins_over_its_categorys_which_wins_over_the_default()
    {
        var rates = new CommissionRates(800, new Dictionary<string, int> { ["coffee"] = 1200 }, new Dictionary<string, int> { ["sel_vip"] = 300 });

        Assert.Equal(300, rates.For("sel_vip", "coffee"));
        Assert.Equal(1200, rates.For("sel_1", "coffee"));
        Assert.Equal(800, rates.For("sel_1", "mugs"));
        Assert.Equal(800, rates.For("sel_1", null));
        Assert.Equal([1200, 800], Commission.RatesOf(rates, "sel_1", Paid().Lines));
    }

    [Theory]
    [InlineData(-1, "defaultRate")]
    [InlineData(5001, "defaultRate")]
    public void Rates_outside_what_an_admin_may_set_are_refused(int bps, string field) =>
        Assert.Contains(field, CommissionRules.Validate(new CommissionRates(bps, new Dictionary<string, int>(), new Dictionary<string, int>())).Keys);

    [Fact]
    public void Overrides_need_a_category_name_once_and_a_store_id()
    {
        var errors = CommissionRules.Validate(new CommissionRates(800,
            new Dictionary<string, int> { ["coffee"] = 100, [" coffee "] = 200 }, new Dictionary<string, int> { ["not-a-store"] = 100 }));

        Assert.Equal(["categories", "stores"], errors.Keys.Order());
        Assert.Empty(CommissionRules.Validate(new CommissionRates(0, new Dictionary<string, int> { ["tea"] = 5000 }, new Dictionary<string, int>())));
    }
}
