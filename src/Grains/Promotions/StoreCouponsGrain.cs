using Marketplace.Contracts.Promotions;
using Marketplace.Grains.Common;

namespace Marketplace.Grains.Promotions;

/// <summary>Persisted coupons of one store.</summary>
public sealed class StoreCouponsState
{
    public List<CouponTerms> Coupons { get; set; } = [];

    /// <summary>Coupons whose last use is taken, as their own grains last said.</summary>
    public HashSet<string> UsedUp { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// A store's coupons and automatic promotions, keyed by the seller id. Their terms live here and never change; how
/// often each was used lives in its own <see cref="CouponGrain"/>, which tells this one when it is used up.
/// </summary>
public sealed class StoreCouponsGrain(
    [PersistentState("storeCoupons", StorageNames.Marketplace)] IPersistentState<StoreCouponsState> state,
    TimeProvider clock) : Grain, IStoreCouponsGrain
{
    private string SellerId => this.GetPrimaryKeyString();

    public async Task<CouponTerms> Create(CouponDraft draft)
    {
        RequireStaff();
        var now = clock.GetUtcNow();
        draft = CouponRules.Normalize(draft);
        DomainException.ThrowIfInvalid(CouponRules.Validate(draft, now));
        if (FindCoupon(draft.Code) is not null)
        {
            throw DomainException.Conflict("coupon-exists", $"The store already has a coupon {draft.Code}; delete it first to make another.");
        }

        if (state.State.Coupons.Count >= CouponRules.MaxCoupons)
        {
            throw DomainException.Conflict("too-many-coupons", $"A store keeps at most {CouponRules.MaxCoupons} coupons; delete some that ended.");
        }

        var store = await GrainFactory.GetGrain<ISellerGrain>(SellerId).GetProfile() ?? throw DomainException.NotFound("The store");
        var terms = new CouponTerms(GrainKeys.NewCouponId(), SellerId, draft.Code, draft.Kind, draft.Value, store.Currency, draft.MinSubtotal,
            draft.StartsAt, draft.EndsAt, draft.MaxUses, draft.MaxUsesPerCustomer, draft.ProductIds, draft.Categories, draft.Automatic,
            draft.Description, now);
        state.State.Coupons.Add(terms);
        await state.WriteOrReloadAsync(this);
        return terms;
    }

    public async Task<bool> Delete(string code)
    {
        RequireStaff();
        if (FindCoupon(CouponRules.NormalizeCode(code)) is not { } terms)
        {
            return false;
        }

        state.State.Coupons.Remove(terms);
        state.State.UsedUp.Remove(terms.CouponId);
        await state.WriteOrReloadAsync(this);
        return true;
    }

    public async Task<IReadOnlyList<CouponListing>> List()
    {
        RequireStaff();
        var coupons = state.State.Coupons.OrderByDescending(c => c.CreatedAt).ToList();
        var usages = await Task.WhenAll(coupons.Select(c => GrainFactory.GetGrain<ICouponGrain>(c.CouponId).Usage()));
        return coupons.Zip(usages, (terms, usage) => new CouponListing(terms, usage, terms.MaxUses is { } max && usage.Used + usage.Held >= max)).ToList();
    }

    public Task<IReadOnlyList<CouponTerms>> Offers()
    {
        var now = clock.GetUtcNow();
        return Task.FromResult<IReadOnlyList<CouponTerms>>(
            state.State.Coupons.Where(c => c.RunsAt(now) && !state.State.UsedUp.Contains(c.CouponId)).ToList());
    }

    public Task<CouponTerms?> Find(string code) => Task.FromResult(FindCoupon(CouponRules.NormalizeCode(code)));

    public async Task SetUsedUp(string couponId, bool usedUp)
    {
        if (!state.State.Coupons.Any(c => string.Equals(c.CouponId, couponId, StringComparison.Ordinal))
            || state.State.UsedUp.Contains(couponId) == usedUp)
        {
            return;
        }

        if (usedUp)
        {
            state.State.UsedUp.Add(couponId);
        }
        else
        {
            state.State.UsedUp.Remove(couponId);
        }

        await state.WriteOrReloadAsync(this);
    }

    private CouponTerms? FindCoupon(string code) => state.State.Coupons.FirstOrDefault(c => string.Equals(c.Code, code, StringComparison.Ordinal));

    private void RequireStaff()
    {
        if (!CallerContext.Require().ActsFor(SellerId))
        {
            throw DomainException.Forbidden("not-your-store", "Only the store's staff manage its coupons.");
        }
    }
}
