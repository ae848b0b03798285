using Marketplace.Contracts.Cart;
using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Promotions;
using Marketplace.Grains.Promotions;

namespace Marketplace.Grains.Cart;

/// <summary>The offer a store's part of a cart gets, for the cart's view and for its checkout (pure).</summary>
public static class CartDiscounts
{
    /// <summary>
    /// What the cart shows for a store's part: the best offer, and when the entered coupon gives nothing, why.
    /// <paramref name="entered"/> is the entered coupon's terms when the store still has it (running or not).
    /// </summary>
    public static (CartDiscount? Discount, string? Problem) View(
        IReadOnlyList<CouponTerms> offers, string? enteredCode, CouponTerms? entered, IReadOnlyList<OrderLine> lines, string currency, DateTimeOffset now)
    {
        var best = Discounts.Best(offers, enteredCode, lines, currency, now);
        var discount = best is null ? null : new CartDiscount(best.Terms.Code, best.Terms.Automatic, best.Terms.Description, best.Amount);
        if (enteredCode is null || string.Equals(best?.Terms.Code, enteredCode, StringComparison.Ordinal))
        {
            return (discount, null);
        }

        if (entered is null)
        {
            return (discount, CouponProblems.Deleted);
        }

        var verdict = Discounts.Apply(entered, lines, currency, now);
        return (discount, verdict.Applies ? (offers.Contains(entered) ? CouponProblems.Outdone : CouponProblems.UsedUp) : verdict.Problem);
    }

    /// <summary>
    /// The offer an order of the part is placed with, or why the entered coupon refuses the part: a coupon the shopper
    /// entered that cannot be used now is never dropped silently (they were shown its saving). A promotion that takes
    /// off more than the entered coupon wins, as the cart showed.
    /// </summary>
    public static (CouponTerms? Offer, string? Problem) ForCheckout(
        IReadOnlyList<CouponTerms> offers, string? enteredCode, IReadOnlyList<OrderLine> lines, string currency, DateTimeOffset now)
    {
        var best = Discounts.Best(offers, enteredCode, lines, currency, now);
        if (enteredCode is null || string.Equals(best?.Terms.Code, enteredCode, StringComparison.Ordinal))
        {
            return (best?.Terms, null);
        }

        if (offers.FirstOrDefault(o => string.Equals(o.Code, enteredCode, StringComparison.Ordinal)) is not { } entered)
        {
            return (null, CouponProblems.Unavailable);
        }

        var verdict = Discounts.Apply(entered, lines, currency, now);
        return verdict.Applies ? (best!.Terms, null) : (null, verdict.Problem);
    }
}
