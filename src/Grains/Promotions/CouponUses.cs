using Marketplace.Contracts.Promotions;

namespace Marketplace.Grains.Promotions;

/// <summary>Persisted uses of one coupon.</summary>
public sealed class CouponUsesState
{
    /// <summary>Uses kept by paid orders.</summary>
    public int Used { get; set; }

    /// <summary>Uses kept per buyer, only for a coupon with a per-customer limit.</summary>
    public Dictionary<string, int> UsedBy { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Uses held by orders awaiting payment, and the latest kept ones (so a repeated confirmation counts once).</summary>
    public List<CouponHoldState> Holds { get; set; } = [];
}

public sealed class CouponHoldState
{
    public string OrderId { get; set; } = "";

    public string BuyerId { get; set; } = "";

    public DateTimeOffset Until { get; set; }

    /// <summary>When the order was paid and the use kept; null while it is only held.</summary>
    public DateTimeOffset? KeptAt { get; set; }
}

/// <summary>
/// Counting a coupon's uses (pure): holds count against the limits until they are kept, given back, or lapse at their
/// time (the order gives them back before that; lapsing is the safety net, like a stock hold's expiry). Every operation
/// is keyed by order id and safe to repeat. Kept uses are counted, and each is remembered only for
/// <see cref="KeptMemory"/> and among the latest <see cref="KeptRemembered"/> — long enough for a repeated confirmation
/// to find it (one that comes later finds nothing and changes nothing) — so a coupon's state stays the size of its open
/// holds however often it is used; per-buyer counts are kept only for a coupon with a per-customer limit.
/// </summary>
public static class CouponUses
{
    public static readonly TimeSpan KeptMemory = TimeSpan.FromMinutes(10);

    public const int KeptRemembered = 16;

    /// <summary>Answers whether the order holds a use; true when the state changed.</summary>
    public static (CouponHold Answer, bool Changed) Hold(CouponUsesState uses, CouponTerms terms, string orderId, string buyerId, DateTimeOffset until, DateTimeOffset now)
    {
        var changed = Tidy(uses, now);
        if (uses.Holds.Any(h => string.Equals(h.OrderId, orderId, StringComparison.Ordinal)))
        {
            return (new CouponHold(true), changed);
        }

        if (terms.MaxUses is { } max && Taken(uses) >= max)
        {
            return (new CouponHold(false, CouponProblems.UsedUp), changed);
        }

        var byBuyer = uses.UsedBy.GetValueOrDefault(buyerId)
            + uses.Holds.Count(h => h.KeptAt is null && string.Equals(h.BuyerId, buyerId, StringComparison.Ordinal));
        if (terms.MaxUsesPerCustomer is { } perCustomer && byBuyer >= perCustomer)
        {
            return (new CouponHold(false, CouponProblems.UsedByYou), changed);
        }

        uses.Holds.Add(new CouponHoldState { OrderId = orderId, BuyerId = buyerId, Until = until });
        return (new CouponHold(true), true);
    }

    /// <summary>The order was paid: its held use is kept (and counted per buyer when <paramref name="perCustomer"/>). True when the state changed.</summary>
    public static bool Confirm(CouponUsesState uses, string orderId, DateTimeOffset now, bool perCustomer = true)
    {
        var hold = uses.Holds.FirstOrDefault(h => string.Equals(h.OrderId, orderId, StringComparison.Ordinal));
        if (hold is null || hold.KeptAt is not null)
        {
            return Tidy(uses, now);
        }

        hold.KeptAt = now;
        uses.Used++;
        if (perCustomer)
        {
            uses.UsedBy[hold.BuyerId] = uses.UsedBy.GetValueOrDefault(hold.BuyerId) + 1;
        }

        Tidy(uses, now);
        return true;
    }

    /// <summary>
    /// The order let its stock go: its held use goes back; a kept one stays unless <paramref name="unpaid"/> (kept for
    /// a payment the order never stored). True when the state changed.
    /// </summary>
    public static bool Release(CouponUsesState uses, string orderId, DateTimeOffset now, bool unpaid = false)
    {
        var hold = uses.Holds.FirstOrDefault(h => string.Equals(h.OrderId, orderId, StringComparison.Ordinal));
        if (hold is not null && (hold.KeptAt is null || unpaid))
        {
            uses.Holds.Remove(hold);
            if (hold.KeptAt is not null)
            {
                uses.Used--;
                if (uses.UsedBy.TryGetValue(hold.BuyerId, out var count))
                {
                    uses.UsedBy[hold.BuyerId] = count - 1;
                }
            }
        }

        return Tidy(uses, now) || hold is not null && !uses.Holds.Contains(hold);
    }

    /// <summary>Uses kept or held: what the total limit compares with.</summary>
    public static int Taken(CouponUsesState uses) => uses.Used + uses.Holds.Count(h => h.KeptAt is null);

    /// <summary>Uses kept, and holds still in force at <paramref name="now"/> (a lapsed hold is gone even before it is tidied away).</summary>
    public static CouponUsage Usage(CouponUsesState uses, DateTimeOffset now) => new(uses.Used, uses.Holds.Count(h => h.KeptAt is null && h.Until > now));

    public static bool UsedUp(CouponUsesState uses, CouponTerms terms) => terms.MaxUses is { } max && Taken(uses) >= max;

    /// <summary>Drops lapsed holds, and kept uses beyond <see cref="KeptMemory"/> or the latest <see cref="KeptRemembered"/>; true when something went.</summary>
    private static bool Tidy(CouponUsesState uses, DateTimeOffset now)
    {
        var removed = uses.Holds.RemoveAll(h => h.KeptAt is { } kept ? now - kept > KeptMemory : h.Until <= now);
        var kept = uses.Holds.Where(h => h.KeptAt is not null).ToList();
        if (kept.Count > KeptRemembered)
        {
            var oldest = kept.OrderBy(h => h.KeptAt).Take(kept.Count - KeptRemembered).ToHashSet();
            removed += uses.Holds.RemoveAll(oldest.Contains);
        }

        return removed > 0;
    }
}
