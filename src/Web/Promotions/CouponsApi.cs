using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Marketplace.Contracts.Cart;
using Marketplace.Contracts.Promotions;
using Marketplace.Web.Accounts;
using Marketplace.Web.Cart;
using Marketplace.Web.Finance;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Web.Promotions;

/// <summary>
/// A coupon as a store asks for it. <see cref="Value"/>: for <c>percent</c> a percentage with at most two decimals
/// (12.5), for <c>amount</c> minor units of the store's currency, like every amount (5000 CLP, 500 = 5.00 USD).
/// </summary>
public sealed record CouponBody
{
    [Required, StringLength(64)]
    public string? Code { get; init; }

    [Required]
    public CouponKind? Kind { get; init; }

    [Required]
    public decimal? Value { get; init; }

    public long? MinSubtotal { get; init; }

    public DateTimeOffset? StartsAt { get; init; }

    public DateTimeOffset? EndsAt { get; init; }

    public int? MaxUses { get; init; }

    public int? MaxUsesPerCustomer { get; init; }

    public List<string>? ProductIds { get; init; }

    public List<string>? Categories { get; init; }

    /// <summary>A promotion without a code: every cart of the store gets it when it applies.</summary>
    public bool? Automatic { get; init; }

    public string? Description { get; init; }

    /// <summary>The draft, or the field error that keeps the value from being one.</summary>
    public (CouponDraft? Draft, Dictionary<string, string[]> Errors) ToDraft()
    {
        long? value = Kind == CouponKind.Percent ? Percent.ToBps(Value!.Value)
            : Value == decimal.Truncate(Value!.Value) && Value is >= 0 and <= long.MaxValue ? (long)Value.Value : null;
        if (value is null)
        {
            return (null, new() { ["value"] = [Kind == CouponKind.Percent ? "A percentage above 0 and at most 100, with at most two decimals." : "A whole number of minor units."] });
        }

        return (new CouponDraft(Code!, Kind!.Value, value.Value, MinSubtotal ?? 0, StartsAt?.ToUniversalTime(), EndsAt?.ToUniversalTime(), MaxUses,
            MaxUsesPerCustomer, ProductIds ?? [], Categories ?? [], Automatic ?? false, Description), []);
    }
}

/// <summary>A coupon as its store sees it: the terms, in the units they were given in, and how often it was used.</summary>
public sealed record CouponResponse(
    string Code, CouponKind Kind, decimal Value, string Currency, long MinSubtotal, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt,
    int? MaxUses, int? MaxUsesPerCustomer, IReadOnlyList<string> ProductIds, IReadOnlyList<string> Categories, bool Automatic,
    string? Description, DateTimeOffset CreatedAt, int Used, int Held, bool UsedUp)
{
    public static CouponResponse From(CouponTerms t, CouponUsage usage, bool usedUp) => new(
        t.Code, t.Kind, t.Kind == CouponKind.Percent ? t.Value / 100m : t.Value, t.Currency, t.MinSubtotal, t.StartsAt, t.EndsAt, t.MaxUses,
        t.MaxUsesPerCustomer, t.ProductIds, t.Categories, t.Automatic, t.Description, t.CreatedAt, usage.Used, usage.Held, usedUp);
}

public sealed record CartCouponRequest
{
    [Required]
    public string? SellerId { get; init; }

    [Required, StringLength(64, MinimumLength = 1)]
    public string? Code { get; init; }
}

/// <summary>Coupons and promotions: a store's own (seller console), and a shopper entering one in the cart.</summary>
public static class CouponsApi
{
    public static IEndpointRouteBuilder MapCouponsApi(this IEndpointRouteBuilder routes)
    {
        var seller = routes.MapGroup("/seller/coupons").WithTags("Promotions").RequireAuthorization(AuthorizationSetup.SellerPolicy);
        seller.MapPost("/", Create).WithName("CreateCoupon")
            .WithSummary("Create a coupon (percent or amount off, minimum subtotal, products/categories, dates, usage limits) or, with automatic, a promotion without a code");
        seller.MapGet("/", List).WithName("ListCoupons").WithSummary("The store's coupons and promotions with how often each was used");
        seller.MapDelete("/{code}", Delete).WithName("DeleteCoupon").WithSummary("Delete a coupon: no further checkout uses it; orders keep their discounts");
        return routes;
    }

    /// <summary>The cart's coupon endpoints, for guests too (mapped beside the cart's).</summary>
    public static IEndpointRouteBuilder MapCartCouponsApi(this IEndpointRouteBuilder routes)
    {
        var cart = routes.MapGroup("/cart/coupons").WithTags("Cart").RequireAuthorization(AuthorizationSetup.VisitorPolicy);
        cart.MapPost("/", Apply).WithName("ApplyCartCoupon").WithSummary("Enter a store's coupon code for that store's part of the cart");
        cart.MapDelete("/{sellerId}", Remove).WithName("RemoveCartCoupon").WithSummary("Take the coupon entered for a store out of the cart");
        return routes;
    }

    private static IStoreCouponsGrain StoreOf(ClaimsPrincipal user, IGrainFactory grains) => grains.GetGrain<IStoreCouponsGrain>(user.SellerId()!);

    private static async Task<Results<Created<CouponResponse>, ValidationProblem>> Create(CouponBody body, ClaimsPrincipal user, IGrainFactory grains)
    {
        var (draft, errors) = body.ToDraft();
        if (draft is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var terms = await StoreOf(user, grains).Create(draft);
        return TypedResults.Created($"/api/seller/coupons/{Uri.EscapeDataString(terms.Code)}", CouponResponse.From(terms, new CouponUsage(0, 0), false));
    }

    private static async Task<Ok<IReadOnlyList<CouponResponse>>> List(ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok<IReadOnlyList<CouponResponse>>((await StoreOf(user, grains).List()).Select(c => CouponResponse.From(c.Terms, c.Usage, c.UsedUp)).ToList());

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string code, ClaimsPrincipal user, IGrainFactory grains) =>
        await StoreOf(user, grains).Delete(code) ? TypedResults.NoContent() : ApiProblems.NotFound("The coupon");

    private static async Task<Results<Ok<CartResponse>, ProblemHttpResult>> Apply(CartCouponRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!GrainKeys.IsSellerId(request.SellerId))
        {
            return ApiProblems.NotFound("The store");
        }

        return TypedResults.Ok(CartResponse.From(await grains.GetGrain<ICartGrain>(user.UserId()).ApplyCoupon(request.SellerId!, request.Code!)));
    }

    private static async Task<Ok<CartResponse>> Remove(string sellerId, ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(CartResponse.From(await grains.GetGrain<ICartGrain>(user.UserId()).RemoveCoupon(sellerId)));
}
