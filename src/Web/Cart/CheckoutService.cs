using Marketplace.Contracts.Cart;
using Marketplace.Web.Infrastructure;
using Marketplace.Web.Insights;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Cart;

/// <summary>How a checkout ended, in the terms both the API and the checkout page answer with.</summary>
public enum CheckoutOutcome
{
    /// <summary>Every store's part became an order.</summary>
    Placed,

    /// <summary>Some stores' parts became orders; the others are listed as refused and stay in the cart.</summary>
    PartlyPlaced,

    /// <summary>Nothing was placed because prices rose since the lines were added; the cart now shows the new prices.</summary>
    PricesChanged,

    /// <summary>Nothing was placed (stock, a closed store…); nothing was reserved.</summary>
    Refused,

    /// <summary>Nothing was placed because a coupon could not be used; it left the cart, so checking out again goes without it.</summary>
    CouponUnavailable,

    /// <summary>The store named for a one-store checkout is not a store id.</summary>
    UnknownStore,
}

public sealed record CheckoutAnswer(CheckoutOutcome Outcome, CheckoutResult? Result);

/// <summary>
/// The checkout use case the API and the checkout page share: the caller's cart (or one store's part of it) becomes one
/// order per store. The key names the checkout, so a retry with the same key and request answers the first result, and
/// the request's fingerprint tells such a retry from a reuse of the key for something else (the cart grain decides both).
/// </summary>
public sealed class CheckoutService(IGrainFactory grains, IOptions<JsonOptions> json)
{
    public async Task<CheckoutAnswer> CheckOutAsync(string userId, CheckoutHttpRequest request, string key)
    {
        if (request.SellerId is not null && !GrainKeys.IsSellerId(request.SellerId))
        {
            return new CheckoutAnswer(CheckoutOutcome.UnknownStore, null);
        }

        var result = await grains.GetGrain<ICartGrain>(userId).Checkout(new CheckoutRequest(
            request.SellerId, request.ShippingAddress!.ToAddress(), request.Note, key, Idempotency.Fingerprint(request, json)));
        return new CheckoutAnswer(OutcomeOf(result), result);
    }

    /// <summary>A checkout event per store whose part became an order (the orders' own steps come from the orders).</summary>
    public static void RecordCheckout(HttpContext http, CheckoutResult? result)
    {
        foreach (var order in result?.Orders ?? [])
        {
            http.RecordEvent(new PageEvent(PageEventKinds.Checkout, SellerId: order.SellerId, Currency: order.Currency));
        }
    }

    public static CheckoutOutcome OutcomeOf(CheckoutResult result) => result switch
    {
        { Orders.Count: 0 } when result.Refused.All(r => r.Code == "price-changed") => CheckoutOutcome.PricesChanged,
        { Orders.Count: 0 } when result.Refused.Any(r => r.Code == "coupon-unavailable") => CheckoutOutcome.CouponUnavailable,
        { Orders.Count: 0 } => CheckoutOutcome.Refused,
        { Refused.Count: > 0 } => CheckoutOutcome.PartlyPlaced,
        _ => CheckoutOutcome.Placed,
    };
}
