using Marketplace.Contracts.Promotions;
using Marketplace.Grains.Common;

namespace Marketplace.Grains.Promotions;

/// <summary>Persisted state of one coupon's grain: its uses, and the terms they were counted against.</summary>
public sealed class CouponGrainState
{
    public CouponTerms? Terms { get; set; }

    public CouponUsesState Uses { get; set; } = new();
}

/// <summary>
/// One coupon's uses, keyed by its coupon id: the single counter its usage limits are checked against (decided by
/// <see cref="CouponUses"/>). When the last use is taken or given back it tells its store, so carts stop or start
/// offering it.
/// </summary>
public sealed class CouponGrain(
    [PersistentState("couponUses", StorageNames.Marketplace)] IPersistentState<CouponGrainState> state,
    TimeProvider clock) : Grain, ICouponGrain
{
    public async Task<CouponHold> Hold(CouponTerms terms, string orderId, string buyerId, DateTimeOffset until)
    {
        if (!CallerContext.Require().Owns(buyerId) || !string.Equals(terms.CouponId, this.GetPrimaryKeyString(), StringComparison.Ordinal))
        {
            throw DomainException.Forbidden("not-the-buyer", "A coupon's use is held for the buyer placing the order.");
        }

        state.State.Terms ??= terms;
        var usedUp = UsedUp;
        var (answer, changed) = CouponUses.Hold(state.State.Uses, state.State.Terms, orderId, buyerId, until, clock.GetUtcNow());
        if (changed)
        {
            await SaveAsync(usedUp);
        }
        else if (!answer.Held)
        {
            // Refused for the limit: the store hears it again, in case an earlier message was lost.
            await TellStoreAsync();
        }

        return answer;
    }

    public async Task Confirm(string orderId)
    {
        var usedUp = UsedUp;
        if (CouponUses.Confirm(state.State.Uses, orderId, clock.GetUtcNow(), perCustomer: state.State.Terms?.MaxUsesPerCustomer is not null))
        {
            await SaveAsync(usedUp);
        }
    }

    public async Task Release(string orderId, bool unpaid = false)
    {
        var usedUp = UsedUp;
        if (CouponUses.Release(state.State.Uses, orderId, clock.GetUtcNow(), unpaid))
        {
            await SaveAsync(usedUp);
        }
    }

    public Task<CouponUsage> Usage() => Task.FromResult(CouponUses.Usage(state.State.Uses, clock.GetUtcNow()));

    private bool UsedUp => state.State.Terms is { } terms && CouponUses.UsedUp(state.State.Uses, terms);

    /// <summary>Stores the uses; when that took or gave back the last use, the store hears of it.</summary>
    private async Task SaveAsync(bool usedUpBefore)
    {
        await state.WriteOrReloadAsync(this);
        if (UsedUp != usedUpBefore)
        {
            await TellStoreAsync();
        }
    }

    private Task TellStoreAsync() => state.State.Terms is { } terms
        ? GrainFactory.GetGrain<IStoreCouponsGrain>(terms.SellerId).SetUsedUp(terms.CouponId, UsedUp)
        : Task.CompletedTask;
}
