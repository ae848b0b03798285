using Marketplace.Web.Insights;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Marketplace.Contracts.Cart;
using Marketplace.Web.Accounts;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Web.Cart;

public sealed record CartItemRequest
{
    [Required]
    public string? ProductId { get; init; }

    [Required, StringLength(64, MinimumLength = 1)]
    public string? Sku { get; init; }

    [Required, Range(1, 999)]
    public int? Quantity { get; init; }
}

public sealed record CartQuantityRequest
{
    [Required, Range(1, 999)]
    public int? Quantity { get; init; }
}

public sealed record CartMergeRequest
{
    /// <summary>The access token the shopper used as a guest on this device.</summary>
    [Required]
    public string? GuestToken { get; init; }
}

public sealed record CartLineResponse(
    string ProductId,
    string Sku,
    string Title,
    int Quantity,
    long UnitPrice,
    long PriceWhenAdded,
    bool PriceChanged,
    string Currency,
    int Available,
    bool Purchasable);

/// <summary>
/// One store's part: <c>discount</c> is the offer it gets now (null for none) and <c>total</c> the subtotal less it;
/// <c>coupon</c> is the code entered for the store, and <c>couponProblem</c> why it gives nothing, if it does not.
/// </summary>
public sealed record CartSellerResponse(
    string SellerId, string SellerName, string Currency, IReadOnlyList<CartLineResponse> Lines, long Subtotal, CartDiscount? Discount, long Total,
    string? Coupon, string? CouponProblem, long? CouponMinSubtotal);

public sealed record CartResponse(IReadOnlyList<CartSellerResponse> Sellers, int Items, DateTimeOffset? UpdatedAt)
{
    public static CartResponse From(CartView cart) => new(
        cart.Sellers.Select(s => new CartSellerResponse(s.SellerId, s.SellerName, s.Currency,
            s.Lines.Select(l => new CartLineResponse(l.ProductId, l.Sku, l.Title, l.Quantity, l.UnitPrice, l.PriceWhenAdded,
                l.PriceChanged, l.Currency, l.Available, l.Purchasable)).ToList(),
            s.Subtotal, s.Discount, s.Total, s.CouponCode, s.CouponProblem,
            s.CouponProblem == Contracts.Promotions.CouponProblems.BelowMinimum ? s.CouponMinSubtotal : null)).ToList(),
        cart.Items,
        cart.UpdatedAt);
}

/// <summary>The caller's cart: signed-in shoppers and guests alike, each only their own.</summary>
public static class CartApi
{
    public static IEndpointRouteBuilder MapCartApi(this IEndpointRouteBuilder routes)
    {
        var cart = routes.MapGroup("/cart").WithTags("Cart").RequireAuthorization(AuthorizationSetup.VisitorPolicy);
        cart.MapGet("/", Get).WithName("GetCart").WithSummary("The caller's cart, grouped by store, with current prices");
        cart.MapPost("/items", Add).RepeatableWrite().WithName("AddCartItem")
            .WithSummary("Add units of a product's SKU (summed with a line already in the cart, at most 999)");
        cart.MapPatch("/items/{productId}/{sku}", SetQuantity).WithName("SetCartItemQuantity").WithSummary("Set a line's quantity (1-999)");
        cart.MapDelete("/items/{productId}/{sku}", Remove).WithName("RemoveCartItem").WithSummary("Remove a line");
        cart.MapPost("/merge", Merge).WithName("MergeGuestCart")
            .WithSummary("After signing in: move the cart kept as a guest on this device into the account's cart")
            .RequireAuthorization(AuthorizationSetup.UserPolicy);
        return routes;
    }

    private static ICartGrain CartOf(ClaimsPrincipal user, IGrainFactory grains) => grains.GetGrain<ICartGrain>(user.UserId());

    private static async Task<Ok<CartResponse>> Get(ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(CartResponse.From(await CartOf(user, grains).Get()));

    private static async Task<Results<Ok<CartResponse>, ProblemHttpResult>> Add(
        CartItemRequest request, ClaimsPrincipal user, IGrainFactory grains, HttpContext http)
    {
        if (!GrainKeys.IsProductId(request.ProductId))
        {
            return ApiProblems.NotFound("The product");
        }

        var cart = await CartOf(user, grains).AddItem(request.ProductId!, request.Sku!, request.Quantity!.Value, TransientRetry.OperationId(http));
        http.RecordEvent(new PageEvent(PageEventKinds.AddToCart, request.ProductId,
            cart.Sellers.FirstOrDefault(s => s.Lines.Any(l => l.ProductId == request.ProductId))?.SellerId, Quantity: request.Quantity));
        return TypedResults.Ok(CartResponse.From(cart));
    }

    private static async Task<Results<Ok<CartResponse>, ProblemHttpResult>> SetQuantity(
        string productId, string sku, CartQuantityRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!GrainKeys.IsProductId(productId))
        {
            return ApiProblems.NotFound("The cart line");
        }

        return TypedResults.Ok(CartResponse.From(await CartOf(user, grains).SetQuantity(productId, sku, request.Quantity!.Value)));
    }

    private static async Task<Results<Ok<CartResponse>, ProblemHttpResult>> Merge(
        CartMergeRequest request, ClaimsPrincipal user, IGrainFactory grains, TokenService tokens)
    {
        if (await tokens.ReadGuestIdAsync(request.GuestToken) is not { } guestId)
        {
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, "guest-token-invalid", "The guest token is not valid or has expired.");
        }

        // Showing the guest's token proves the right to its cart; the grains see that proof in the caller.
        CallerContext.Set(CallerIdentity.From(user)! with { ProvenGuestId = guestId });
        return TypedResults.Ok(CartResponse.From(await CartOf(user, grains).MergeGuest(guestId)));
    }

    private static async Task<Ok<CartResponse>> Remove(string productId, string sku, ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(CartResponse.From(await CartOf(user, grains).RemoveItem(productId, sku)));
}
