using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Promotions;

namespace Marketplace.Grains.Promotions;

/// <summary>
/// What a coupon takes off a store's lines, or why it takes nothing (<see cref="Problem"/>, one of
/// <see cref="CouponProblems"/>). <see cref="PerLine"/> is the amount taken off each line, in the lines' order.
/// </summary>
public sealed record DiscountVerdict(CouponTerms Terms, long Amount, IReadOnlyList<long> PerLine, string? Problem)
{
    public bool Applies => Amount > 0;
}

/// <summary>
/// Discount arithmetic, pure. A percentage is taken per covered line, half-up in minor units (like tax); a fixed amount
/// is at most what the covered lines cost and is shared over them in proportion to their totals (largest remainder).
/// The minimum subtotal compares with all of the store's lines. Offers do not stack: the one taking most off applies.
/// </summary>
public static class Discounts
{
    public static DiscountVerdict Apply(CouponTerms terms, IReadOnlyList<OrderLine> lines, string currency, DateTimeOffset now)
    {
        DiscountVerdict None(string problem) => new(terms, 0, lines.Select(_ => 0L).ToList(), problem);
        if (!string.Equals(terms.Currency, currency, StringComparison.Ordinal))
        {
            return None(CouponProblems.OtherCurrency);
        }

        if (terms.DatesProblemAt(now) is { } outside)
        {
            return None(outside);
        }

        var covered = lines.Select(l => Covers(terms, l)).ToList();
        if (!covered.Contains(true))
        {
            return None(CouponProblems.NotCovered);
        }

        if (lines.Sum(l => l.Total) < terms.MinSubtotal)
        {
            return None(CouponProblems.BelowMinimum);
        }

        var perLine = terms.Kind == CouponKind.Percent
            ? lines.Select((l, i) => covered[i] ? PercentOf(l.Total, terms.Value) : 0).ToList()
            : Share(Math.Min(terms.Value, lines.Where((_, i) => covered[i]).Sum(l => l.Total)),
                lines.Select((l, i) => covered[i] ? l.Total : 0).ToList());
        var amount = perLine.Sum();
        return amount > 0 ? new DiscountVerdict(terms, amount, perLine, null) : None(CouponProblems.NotCovered);
    }

    /// <summary>
    /// The offer a store's lines get: the coupon the shopper entered and the store's automatic promotions, whichever takes
    /// most off (the entered coupon on a tie). Null when none applies.
    /// </summary>
    public static DiscountVerdict? Best(IEnumerable<CouponTerms> offers, string? enteredCode, IReadOnlyList<OrderLine> lines, string currency, DateTimeOffset now) =>
        offers
            .Where(o => o.Automatic || string.Equals(o.Code, enteredCode, StringComparison.Ordinal))
            .Select(o => Apply(o, lines, currency, now))
            .Where(v => v.Applies)
            .OrderByDescending(v => v.Amount)
            .ThenBy(v => v.Terms.Automatic)
            .ThenBy(v => v.Terms.Code, StringComparer.Ordinal)
            .FirstOrDefault();

    public static bool Covers(CouponTerms terms, OrderLine line) =>
        (terms.ProductIds.Count == 0 && terms.Categories.Count == 0)
        || terms.ProductIds.Contains(line.ProductId, StringComparer.Ordinal)
        || (line.Category is { } category && terms.Categories.Contains(category, StringComparer.Ordinal));

    /// <summary>Basis points of an amount, half-up in minor units.</summary>
    public static long PercentOf(long amount, long bps) => (long)(((Int128)amount * bps + 5_000) / 10_000);

    /// <summary>
    /// <paramref name="amount"/> shared over <paramref name="weights"/> in proportion, whole units, summing exactly: each
    /// gets its floor, and the units left go to the largest remainders (the earlier line on a tie).
    /// </summary>
    public static List<long> Share(long amount, IReadOnlyList<long> weights)
    {
        var total = weights.Sum();
        if (total <= 0 || amount <= 0)
        {
            return weights.Select(_ => 0L).ToList();
        }

        var shares = weights.Select(w => (long)((Int128)amount * w / total)).ToList();
        var left = amount - shares.Sum();
        foreach (var i in weights.Select((w, i) => (Remainder: (Int128)amount * w % total, Index: i))
                     .OrderByDescending(x => x.Remainder).ThenBy(x => x.Index).Select(x => x.Index).Take((int)left))
        {
            shares[i]++;
        }

        return shares;
    }
}
