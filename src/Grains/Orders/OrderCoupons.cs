using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Promotions;

namespace Marketplace.Grains.Orders;

/// <summary>
/// An order's uses of coupons at their grains, keyed by the order id like its stock holds: held at placement, kept on
/// payment, given back with the stock on every other end. Each call is idempotent and repeated until it succeeds.
/// </summary>
public sealed class OrderCoupons(IGrainFactory grains, string orderId)
{
    public Task<CouponHold> HoldAsync(CouponTerms terms, string buyerId, DateTimeOffset until) =>
        grains.GetGrain<ICouponGrain>(terms.CouponId).Hold(terms, orderId, buyerId, until);

    public Task ConfirmAsync(IEnumerable<OrderDiscount> discounts) =>
        Task.WhenAll(discounts.Select(d => grains.GetGrain<ICouponGrain>(d.CouponId).Confirm(orderId)));

    public Task ReleaseAsync(IEnumerable<OrderDiscount> discounts, bool unpaid) =>
        Task.WhenAll(discounts.Select(d => grains.GetGrain<ICouponGrain>(d.CouponId).Release(orderId, unpaid)));
}
