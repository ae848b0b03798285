using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Promotions;
using Marketplace.Grains.Cart;
using Marketplace.Grains.Orders;
using Marketplace.Grains.Promotions;

namespace Marketplace.Grains.Tests;

/// <summary>What a coupon takes off a store's lines, which offer wins, and how an order carries it (pure).</summary>
public sealed class DiscountsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    internal static CouponTerms Coupon(string code = "SAVE10", CouponKind kind = CouponKind.Percent, long value = 1_000, string currency = "CLP",
        long minSubtotal = 0, DateTimeOffset? startsAt = null, DateTimeOffset? endsAt = null, string[]? productIds = null,
        string[]? categories = null, bool automatic = false, int? maxUses = null, int? perCustomer = null) =>
        new("cpn_" + code.ToLowerInvariant().PadRight(26, 'x'), "sel_store", code, kind, value, currency, minSubtotal, startsAt, endsAt, maxUses, perCustomer,
            productIds ?? [], categories ?? [], automatic, automatic ? "Promotion " + code : null, Now.AddDays(-1));

    private static readonly OrderLine Coffee = new("prd_coffee", "CAFE-250", "Café", 2, 8_990, 0, "coffee");
    private static readonly OrderLine Mug = new("prd_mug", "MUG", "Taza", 1, 4_995, 0, "kitchen");
    private static readonly OrderLine[] Lines = [Coffee, Mug];

    [Theory]
    // 10 % of each line, half up: 1,798 and 499.5 → 500.
    [InlineData(CouponKind.Percent, 1_000, 2_298, 1_798, 500)]
    // 12.5 %: 2,247.5 → 2,248 and 624.375 → 624.
    [InlineData(CouponKind.Percent, 1_250, 2_872, 2_248, 624)]
    // 100 % takes everything.
    [InlineData(CouponKind.Percent, 10_000, 22_975, 17_980, 4_995)]
    // 5,000 off shared by the lines' totals (17,980 : 4,995): 3,912.95… and 1,087.04…; the unit left goes to the larger remainder.
    [InlineData(CouponKind.Amount, 5_000, 5_000, 3_913, 1_087)]
    // An amount above the lines' cost takes the cost, never more.
    [InlineData(CouponKind.Amount, 100_000, 22_975, 17_980, 4_995)]
    public void A_coupon_takes_its_share_of_every_covered_line(CouponKind kind, long value, long total, long coffee, long mug)
    {
        var verdict = Discounts.Apply(Coupon(kind: kind, value: value), Lines, "CLP", Now);
        Assert.Equal(total, verdict.Amount);
        Assert.Equal(new long[] { coffee, mug }, verdict.PerLine);
        Assert.Null(verdict.Problem);
    }

    [Fact]
    public void Cents_are_rounded_per_line_and_shares_always_add_up()
    {
        // USD: 3 lines of 3.33 with 1.00 off in all: 0.33, 0.33, 0.34 (the last cent to the first largest remainder).
        OrderLine[] lines = [new("prd_a", "A", "A", 1, 333, 0, "x"), new("prd_b", "B", "B", 1, 333, 0, "x"), new("prd_c", "C", "C", 1, 334, 0, "x")];
        var verdict = Discounts.Apply(Coupon(kind: CouponKind.Amount, value: 100, currency: "USD"), lines, "USD", Now);
        Assert.Equal(new long[] { 33, 33, 34 }, verdict.PerLine);
        for (var amount = 1L; amount < 5_000; amount += 7)
        {
            var shares = Discounts.Share(amount, [17_980, 4_995, 1, 0]);
            Assert.Equal(amount, shares.Sum());
            Assert.Equal(0, shares[3]);
        }
    }

    [Fact]
    public void A_scoped_coupon_takes_off_only_its_products_or_categories()
    {
        var byCategory = Discounts.Apply(Coupon(categories: ["coffee"]), Lines, "CLP", Now);
        Assert.Equal(new long[] { 1_798, 0 }, byCategory.PerLine);
        var byProduct = Discounts.Apply(Coupon(kind: CouponKind.Amount, value: 10_000, productIds: ["prd_mug"]), Lines, "CLP", Now);
        Assert.Equal(new long[] { 0, 4_995 }, byProduct.PerLine);
        Assert.Equal(CouponProblems.NotCovered, Discounts.Apply(Coupon(categories: ["tea"]), Lines, "CLP", Now).Problem);
    }

    [Fact]
    public void A_coupon_outside_its_dates_currency_or_minimum_takes_nothing_and_says_why()
    {
        Assert.Equal(CouponProblems.NotStarted, Discounts.Apply(Coupon(startsAt: Now.AddHours(1)), Lines, "CLP", Now).Problem);
        Assert.Equal(CouponProblems.Ended, Discounts.Apply(Coupon(endsAt: Now), Lines, "CLP", Now).Problem);
        Assert.Equal(CouponProblems.OtherCurrency, Discounts.Apply(Coupon(currency: "USD"), Lines, "CLP", Now).Problem);
        // The minimum compares with all of the store's lines (22,975), not only the covered ones.
        Assert.Equal(CouponProblems.BelowMinimum, Discounts.Apply(Coupon(minSubtotal: 22_976), Lines, "CLP", Now).Problem);
        Assert.True(Discounts.Apply(Coupon(minSubtotal: 22_975, categories: ["kitchen"]), Lines, "CLP", Now).Applies);
        Assert.All(Discounts.Apply(Coupon(endsAt: Now), Lines, "CLP", Now).PerLine, share => Assert.Equal(0, share));
    }

    [Fact]
    public void The_offer_taking_most_off_wins_and_the_entered_coupon_wins_a_tie()
    {
        var entered = Coupon("SAVE10", value: 1_000);
        var weekly = Coupon("COFFEE-WEEK", value: 1_500, categories: ["coffee"], automatic: true);
        var small = Coupon("TINY", kind: CouponKind.Amount, value: 100, automatic: true);
        // 15 % of the coffee (2,697) beats 10 % of everything (2,298); a code not entered does nothing.
        Assert.Equal("COFFEE-WEEK", Discounts.Best([entered, weekly, small], "SAVE10", Lines, "CLP", Now)!.Terms.Code);
        Assert.Equal("COFFEE-WEEK", Discounts.Best([entered, weekly, small], null, Lines, "CLP", Now)!.Terms.Code);
        var tie = Coupon("SAME", kind: CouponKind.Amount, value: 2_697);
        Assert.Equal("SAME", Discounts.Best([weekly, tie], "SAME", Lines, "CLP", Now)!.Terms.Code);
        Assert.Null(Discounts.Best([entered], "OTHER", Lines, "CLP", Now));
    }

    [Fact]
    public void A_checkout_refuses_an_entered_coupon_it_cannot_honour_but_lets_a_better_promotion_win()
    {
        var entered = Coupon("SAVE10", value: 1_000, minSubtotal: 30_000);
        var (offer, problem) = CartDiscounts.ForCheckout([entered], "SAVE10", Lines, "CLP", Now);
        Assert.Equal((null, CouponProblems.BelowMinimum), (offer, problem));
        Assert.Equal((null, CouponProblems.Unavailable), CartDiscounts.ForCheckout([], "GONE", Lines, "CLP", Now));

        var weekly = Coupon("COFFEE-WEEK", value: 5_000, automatic: true);
        var usable = Coupon("SAVE10", value: 1_000);
        Assert.Equal(("COFFEE-WEEK", (string?)null), (CartDiscounts.ForCheckout([usable, weekly], "SAVE10", Lines, "CLP", Now).Offer?.Code, (string?)null));
        Assert.Equal((CouponProblems.Outdone, 11_488L),
            (CartDiscounts.View([usable, weekly], "SAVE10", usable, Lines, "CLP", Now).Problem, CartDiscounts.View([usable, weekly], "SAVE10", usable, Lines, "CLP", Now).Discount!.Amount));
        // Entered, still the store's, running, but not offered any more: used up.
        Assert.Equal(CouponProblems.UsedUp, CartDiscounts.View([], "SAVE10", usable, Lines, "CLP", Now).Problem);
        Assert.Equal(CouponProblems.Deleted, CartDiscounts.View([], "SAVE10", null, Lines, "CLP", Now).Problem);
    }

    [Fact]
    public void An_order_fixes_its_discount_and_takes_tax_and_commission_on_what_the_buyer_pays()
    {
        var request = new PlaceOrderRequest("usr_buyer", "sel_store", "Store", "CLP", Lines, new PostalAddress("Ana", "Calle 1", "Santiago", null, "CL", null, null), null, false, "fp",
            PricesIncludeTax: true, TaxRatePpm: 190_000, Offer: Coupon(kind: CouponKind.Amount, value: 5_000));
        var order = new OrderState();
        var discount = OrderPlacement.DiscountOf(request, Lines, Now);
        OrderPlacement.Open(order, request, [.. Lines], [1_000, 1_000], 190_000, Now, discount);

        Assert.Equal((22_975L, 5_000L, 17_975L), (order.Subtotal, order.Discount, order.Total));
        Assert.Equal(new long[] { 3_913, 1_087 }, order.LineDiscounts);
        // IVA included in what is paid per line: 14,067 → 2,246; 3,908 → 624.
        Assert.Equal(new long[] { 2_246, 624 }, order.LineTaxes);
        // Commission on the net of discount and tax: 10 % of 11,821 and 3,284.
        Assert.Equal(1_182 + 328, Finance.OrderLedger.CommissionOf(order));
        Assert.Equal("SAVE10", Assert.Single(order.Discounts).Code);
    }
}
