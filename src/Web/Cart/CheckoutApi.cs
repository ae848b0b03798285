using Marketplace.Web.Insights;
using System.Security.Claims;
using Marketplace.Contracts.Cart;
using Marketplace.Web.Accounts;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Web.Cart;

/// <summary>Checkout over HTTP: the shared use case (<see cref="CheckoutService"/>) with the API's key rule and answers.</summary>
public static class CheckoutApi
{
    public static IEndpointRouteBuilder MapCheckoutApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/cart/checkout", CheckOut).IdempotentWithKey().WithTags("Orders").WithName("Checkout")
            .WithSummary("Turn the cart (or one store's part) into one order per store; needs an Idempotency-Key header");
        return routes;
    }

    private static async Task<Results<Created<CheckoutResponse>, ProblemHttpResult>> CheckOut(
        CheckoutHttpRequest request, HttpRequest http, ClaimsPrincipal user, CheckoutService checkout)
    {
        if (!Idempotency.TryGetKey(http, out var key, out var error))
        {
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, "idempotency-key-invalid", error!);
        }

        if (key is null)
        {
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, "idempotency-key-required",
                $"A checkout needs an {Idempotency.HeaderName} header, so a retry never buys twice.");
        }

        var (outcome, result) = await checkout.CheckOutAsync(user.UserId(), request, key);
        CheckoutService.RecordCheckout(http.HttpContext, result);
        return outcome switch
        {
            CheckoutOutcome.UnknownStore => ApiProblems.NotFound("The store"),
            CheckoutOutcome.PricesChanged => Refused("price-changed",
                "Prices rose since the lines were added; the cart shows the new prices. Check out again to accept them.", result!),
            CheckoutOutcome.CouponUnavailable => Refused("coupon-unavailable",
                "A coupon could not be used, so nothing was ordered; it was taken out of the cart. Check out again to buy without it.", result!),
            CheckoutOutcome.Refused => Refused("checkout-refused",
                "No order could be placed; nothing was reserved. See 'refused' for each store.", result!),
            _ => TypedResults.Created("/api/orders", CheckoutResponse.From(result!)),
        };
    }

    private static ProblemHttpResult Refused(string code, string detail, CheckoutResult result) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", type: "https://httpstatuses.io/409",
            detail: detail, extensions: new Dictionary<string, object?> { ["code"] = code, ["refused"] = result.Refused });
}
