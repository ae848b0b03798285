using Marketplace.Contracts.Promotions;
using Marketplace.Grains.Promotions;

namespace Marketplace.Grains.Tests;

/// <summary>Counting a coupon's uses: holds, kept uses, given-back uses, lapsed holds, and the limits (pure).</summary>
public sealed class CouponUsesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Holds_count_against_the_limit_until_given_back_and_kept_uses_stay()
    {
        var terms = DiscountsTests.Coupon(maxUses: 2);
        var uses = new CouponUsesState();
        Assert.True(CouponUses.Hold(uses, terms, "ord_a", "usr_1", Now.AddHours(1), Now).Answer.Held);
        Assert.True(CouponUses.Hold(uses, terms, "ord_b", "usr_2", Now.AddHours(1), Now).Answer.Held);
        Assert.Equal(new CouponHold(false, CouponProblems.UsedUp), CouponUses.Hold(uses, terms, "ord_c", "usr_3", Now.AddHours(1), Now).Answer);
        Assert.True(CouponUses.UsedUp(uses, terms));

        // One order pays, the other ends unpaid: its use goes back and the third shopper gets it.
        Assert.True(CouponUses.Confirm(uses, "ord_a", Now));
        Assert.True(CouponUses.Release(uses, "ord_b", Now));
        Assert.Equal(new CouponUsage(1, 0), CouponUses.Usage(uses, Now));
        Assert.True(CouponUses.Hold(uses, terms, "ord_c", "usr_3", Now.AddHours(1), Now).Answer.Held);

        // A kept use is not given back by a late release (a store cancelling the paid order)…
        Assert.False(CouponUses.Release(uses, "ord_a", Now));
        Assert.Equal(new CouponUsage(1, 1), CouponUses.Usage(uses, Now));
        // …unless the order never stored the payment the use was kept for and ended unpaid.
        Assert.True(CouponUses.Release(uses, "ord_a", Now, unpaid: true));
        Assert.Equal((new CouponUsage(0, 1), 0), (CouponUses.Usage(uses, Now), uses.UsedBy["usr_1"]));
    }

    [Fact]
    public void Every_step_is_safe_to_repeat()
    {
        var terms = DiscountsTests.Coupon(maxUses: 1);
        var uses = new CouponUsesState();
        Assert.True(CouponUses.Hold(uses, terms, "ord_a", "usr_1", Now.AddHours(1), Now).Changed);
        var again = CouponUses.Hold(uses, terms, "ord_a", "usr_1", Now.AddHours(1), Now);
        Assert.Equal((true, false), (again.Answer.Held, again.Changed));
        Assert.True(CouponUses.Confirm(uses, "ord_a", Now));
        Assert.False(CouponUses.Confirm(uses, "ord_a", Now.AddMinutes(1)));
        Assert.Equal(1, uses.Used);
        Assert.Equal(1, uses.UsedBy["usr_1"]);
        // An order that was placed again with its key after paying still holds its (kept) use.
        Assert.True(CouponUses.Hold(uses, terms, "ord_a", "usr_1", Now.AddHours(1), Now).Answer.Held);
        // Unknown orders change nothing.
        Assert.False(CouponUses.Release(uses, "ord_zzz", Now));
        Assert.False(CouponUses.Confirm(uses, "ord_zzz", Now));
    }

    [Fact]
    public void A_hold_lapses_at_its_time_and_a_kept_use_is_forgotten_later_but_still_counted()
    {
        var terms = DiscountsTests.Coupon(maxUses: 1);
        var uses = new CouponUsesState();
        CouponUses.Hold(uses, terms, "ord_a", "usr_1", Now.AddMinutes(30), Now);
        Assert.False(CouponUses.Hold(uses, terms, "ord_b", "usr_2", Now.AddHours(1), Now.AddMinutes(29)).Answer.Held);
        Assert.True(CouponUses.Hold(uses, terms, "ord_b", "usr_2", Now.AddHours(2), Now.AddMinutes(30)).Answer.Held);
        // The lapsed order's payment comes too late: nothing is kept for it.
        Assert.False(CouponUses.Confirm(uses, "ord_a", Now.AddMinutes(31)));
        Assert.True(CouponUses.Confirm(uses, "ord_b", Now.AddMinutes(31)));

        CouponUses.Release(uses, "ord_x", Now.AddDays(8));
        Assert.Empty(uses.Holds);
        Assert.Equal(1, uses.Used);
        Assert.False(CouponUses.Hold(uses, terms, "ord_c", "usr_3", Now.AddDays(9), Now.AddDays(8)).Answer.Held);
    }

    [Fact]
    public void However_often_a_coupon_is_used_its_state_holds_only_open_holds_and_the_latest_kept_ones()
    {
        var terms = DiscountsTests.Coupon();
        var uses = new CouponUsesState();
        for (var i = 0; i < 1_000; i++)
        {
            CouponUses.Hold(uses, terms, $"ord_{i}", $"usr_{i}", Now.AddHours(1), Now.AddSeconds(i));
            CouponUses.Confirm(uses, $"ord_{i}", Now.AddSeconds(i), perCustomer: false);
        }

        Assert.Equal(1_000, uses.Used);
        Assert.Equal(CouponUses.KeptRemembered, uses.Holds.Count);
        Assert.Empty(uses.UsedBy);
        // A confirmation repeated long after it was forgotten counts nothing (the kept uses are tidied away meanwhile).
        CouponUses.Confirm(uses, "ord_0", Now.AddHours(2));
        Assert.Equal((1_000, 0), (uses.Used, uses.Holds.Count));
    }

    [Fact]
    public void The_per_customer_limit_counts_kept_and_held_uses_of_that_buyer_only()
    {
        var terms = DiscountsTests.Coupon(perCustomer: 2);
        var uses = new CouponUsesState();
        CouponUses.Hold(uses, terms, "ord_a", "usr_1", Now.AddHours(1), Now);
        CouponUses.Confirm(uses, "ord_a", Now);
        CouponUses.Hold(uses, terms, "ord_b", "usr_1", Now.AddHours(1), Now);
        Assert.Equal(new CouponHold(false, CouponProblems.UsedByYou), CouponUses.Hold(uses, terms, "ord_c", "usr_1", Now.AddHours(1), Now).Answer);
        Assert.True(CouponUses.Hold(uses, terms, "ord_d", "usr_2", Now.AddHours(1), Now).Answer.Held);
        Assert.False(CouponUses.UsedUp(uses, terms));
    }
}
