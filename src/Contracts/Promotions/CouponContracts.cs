namespace Marketplace.Contracts.Promotions;

/// <summary>How a coupon takes money off: a share of the lines it covers, or a fixed amount.</summary>
[GenerateSerializer, Alias("mk.CouponKind")]
public enum CouponKind
{
    /// <summary><see cref="CouponTerms.Value"/> is basis points of the covered lines (1,000 = 10 %).</summary>
    Percent = 0,

    /// <summary><see cref="CouponTerms.Value"/> is minor units of the store's currency, at most what the covered lines cost.</summary>
    Amount = 1,
}

/// <summary>
/// What a store asks a coupon (or, with <see cref="Automatic"/>, a promotion without a code) to be. Empty
/// <see cref="ProductIds"/> and <see cref="Categories"/> cover every line of the store.
/// </summary>
[GenerateSerializer, Immutable, Alias("mk.CouponDraft")]
public sealed record CouponDraft(
    [property: Id(0)] string Code,
    [property: Id(1)] CouponKind Kind,
    [property: Id(2)] long Value,
    [property: Id(3)] long MinSubtotal,
    [property: Id(4)] DateTimeOffset? StartsAt,
    [property: Id(5)] DateTimeOffset? EndsAt,
    [property: Id(6)] int? MaxUses,
    [property: Id(7)] int? MaxUsesPerCustomer,
    [property: Id(8)] IReadOnlyList<string> ProductIds,
    [property: Id(9)] IReadOnlyList<string> Categories,
    [property: Id(10)] bool Automatic,
    [property: Id(11)] string? Description);

/// <summary>
/// A store's coupon as created: never edited afterwards (a store deletes it and makes another), so an order can carry
/// the terms it was placed with. <see cref="Currency"/> is the store's; amounts are in its minor units.
/// </summary>
[GenerateSerializer, Immutable, Alias("mk.CouponTerms")]
public sealed record CouponTerms(
    [property: Id(0)] string CouponId,
    [property: Id(1)] string SellerId,
    [property: Id(2)] string Code,
    [property: Id(3)] CouponKind Kind,
    [property: Id(4)] long Value,
    [property: Id(5)] string Currency,
    [property: Id(6)] long MinSubtotal,
    [property: Id(7)] DateTimeOffset? StartsAt,
    [property: Id(8)] DateTimeOffset? EndsAt,
    [property: Id(9)] int? MaxUses,
    [property: Id(10)] int? MaxUsesPerCustomer,
    [property: Id(11)] IReadOnlyList<string> ProductIds,
    [property: Id(12)] IReadOnlyList<string> Categories,
    [property: Id(13)] bool Automatic,
    [property: Id(14)] string? Description,
    [property: Id(15)] DateTimeOffset CreatedAt)
{
    /// <summary>Whether the coupon is within its dates at <paramref name="now"/>.</summary>
    public bool RunsAt(DateTimeOffset now) => DatesProblemAt(now) is null;

    /// <summary><c>not-started</c> or <c>ended</c> when <paramref name="now"/> is outside the coupon's dates, else null.</summary>
    public string? DatesProblemAt(DateTimeOffset now) =>
        StartsAt > now ? CouponProblems.NotStarted : EndsAt <= now ? CouponProblems.Ended : null;
}

/// <summary>How often a coupon was used: by paid orders, and held by orders still awaiting payment.</summary>
[GenerateSerializer, Immutable, Alias("mk.CouponUsage")]
public sealed record CouponUsage(
    [property: Id(0)] int Used,
    [property: Id(1)] int Held);

/// <summary>A coupon as its store lists it.</summary>
[GenerateSerializer, Immutable, Alias("mk.CouponListing")]
public sealed record CouponListing(
    [property: Id(0)] CouponTerms Terms,
    [property: Id(1)] CouponUsage Usage,
    [property: Id(2)] bool UsedUp);

/// <summary>Whether an order got a use of a coupon; <see cref="Reason"/> says why not.</summary>
[GenerateSerializer, Immutable, Alias("mk.CouponHold")]
public sealed record CouponHold(
    [property: Id(0)] bool Held,
    [property: Id(1)] string? Reason = null);

/// <summary>
/// A store's coupons and promotions, keyed by the seller id: it owns their terms. Store staff create, list and delete
/// them; carts and checkouts read the ones that run.
/// </summary>
[Alias("mk.IStoreCouponsGrain")]
public interface IStoreCouponsGrain : IGrainWithStringKey
{
    /// <summary>Creates a coupon (store staff); 409 <c>coupon-exists</c> when the store has one with that code.</summary>
    [Alias("Create")]
    Task<CouponTerms> Create(CouponDraft draft);

    /// <summary>Deletes a coupon (store staff): it applies to no further checkout. False when there was none.</summary>
    [Alias("Delete")]
    Task<bool> Delete(string code);

    /// <summary>Every coupon of the store with its use (store staff).</summary>
    [Alias("List")]
    Task<IReadOnlyList<CouponListing>> List();

    /// <summary>The coupons a cart may use now: within their dates and not used up.</summary>
    [Alias("Offers"), AlwaysInterleave, ReadOnly]
    Task<IReadOnlyList<CouponTerms>> Offers();

    /// <summary>One coupon by its code (any case), running or not; null when the store has none.</summary>
    [Alias("Find"), AlwaysInterleave, ReadOnly]
    Task<CouponTerms?> Find(string code);

    /// <summary>
    /// A coupon's own grain telling the store whether its last use is taken (holds included), so carts stop offering it;
    /// sent again on every change of that, so a lost message is made good by the next.
    /// </summary>
    [Alias("SetUsedUp")]
    Task SetUsedUp(string couponId, bool usedUp);
}

/// <summary>
/// One coupon's uses, keyed by its coupon id: the only place that counts them, so a usage limit holds however many
/// checkouts race. An order holds a use when it is placed, keeps it when it is paid and gives it back on every other
/// end, like a stock hold (keyed by order id, idempotent, and lapsing by itself after the hold's time).
/// </summary>
[Alias("mk.ICouponGrain")]
public interface ICouponGrain : IGrainWithStringKey
{
    /// <summary>Holds one use for an order until <paramref name="until"/>, within the coupon's limits.</summary>
    [Alias("Hold")]
    Task<CouponHold> Hold(CouponTerms terms, string orderId, string buyerId, DateTimeOffset until);

    /// <summary>The order was paid: its use is kept.</summary>
    [Alias("Confirm")]
    Task Confirm(string orderId);

    /// <summary>
    /// The order let its stock go: a held use goes back. A kept use stays, unless <paramref name="unpaid"/>: the order
    /// never stored the payment its use was kept for (its write failed after the confirmation) and ended without it.
    /// </summary>
    [Alias("Release")]
    Task Release(string orderId, bool unpaid = false);

    [Alias("Usage"), AlwaysInterleave, ReadOnly]
    Task<CouponUsage> Usage();
}

/// <summary>Why a coupon gives nothing: the codes the API answers, and each in a sentence the pages translate.</summary>
public static class CouponProblems
{
    public const string NotStarted = "not-started";
    public const string Ended = "ended";
    public const string OtherCurrency = "other-currency";
    public const string NotCovered = "not-covered";
    public const string BelowMinimum = "below-minimum";
    public const string UsedUp = "used-up";
    public const string UsedByYou = "used-by-you";
    public const string Deleted = "deleted";
    public const string Outdone = "outdone";
    public const string Unavailable = "unavailable";

    public static string Describe(string? problem) => problem switch
    {
        NotStarted => "The coupon has not started yet.",
        Ended => "The coupon has ended.",
        OtherCurrency => "The coupon is for prices in another currency.",
        NotCovered => "The coupon covers none of these products.",
        BelowMinimum => "The coupon applies from a higher subtotal.",
        UsedByYou => "You have used this coupon as often as it allows.",
        Deleted => "The store no longer has this coupon.",
        Outdone => "A promotion takes off more; offers do not combine.",
        UsedUp => "The coupon has been used up.",
        _ => "The coupon can no longer be used.",
    };
}
