using Marketplace.Contracts.Cart;
using Marketplace.Web.Accounts;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Cart.Pages;

/// <summary>The cart, one block per store, each checked out on its own; it follows changes made on other devices live.</summary>
public sealed class CartModel(Insights.Recommender recommender) : MarketplacePage
{
    public CartView Cart { get; private set; } = CartView.Empty;

    /// <summary>What goes with the cart ("complete your order").</summary>
    public IReadOnlyList<Search.SearchHit> Suggestions { get; private set; } = [];

    public async Task OnGetAsync()
    {
        ViewData["Title"] = T["Your cart"].Value;
        ViewData["NoIndex"] = true;
        ViewData["Live"] = true;
        if (User.Identity?.IsAuthenticated == true)
        {
            Cart = await Grains.GetGrain<ICartGrain>(User.UserId()).Get();
            var products = Cart.Sellers.SelectMany(s => s.Lines).Select(l => l.ProductId).Distinct(StringComparer.Ordinal).ToList();
            if (products.Count > 0)
            {
                Suggestions = await recommender.ForCartAsync(products, User.UserId(), System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName, 6,
                    HttpContext.RequestAborted);
            }
        }
    }

    public async Task<IActionResult> OnPostQuantityAsync(string productId, string sku, int quantity)
    {
        if (User.Identity?.IsAuthenticated != true || !GrainKeys.IsProductId(productId))
        {
            return RedirectToPage();
        }

        try
        {
            var cart = Grains.GetGrain<ICartGrain>(User.UserId());
            _ = quantity <= 0 ? await cart.RemoveItem(productId, sku) : await cart.SetQuantity(productId, sku, Math.Min(quantity, 999));
        }
        catch (DomainException e)
        {
            FlashError = T[e.Message];
        }

        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostCouponAsync(string sellerId, string? code)
    {
        if (User.Identity?.IsAuthenticated != true || !GrainKeys.IsSellerId(sellerId) || string.IsNullOrWhiteSpace(code) || code.Length > 64)
        {
            FlashError = T["Enter the store's coupon code."];
            return RedirectToPage();
        }

        try
        {
            await Grains.GetGrain<ICartGrain>(User.UserId()).ApplyCoupon(sellerId, code);
            Flash = T["Coupon applied."];
        }
        catch (DomainException e)
        {
            FlashError = e.Kind == DomainErrorKind.NotFound ? T["The store has no such coupon."] : T[e.Errors?.Values.FirstOrDefault()?.FirstOrDefault() ?? e.Message];
        }

        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRemoveCouponAsync(string sellerId)
    {
        if (User.Identity?.IsAuthenticated == true && GrainKeys.IsSellerId(sellerId))
        {
            await Grains.GetGrain<ICartGrain>(User.UserId()).RemoveCoupon(sellerId);
        }

        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRemoveAsync(string productId, string sku)
    {
        if (User.Identity?.IsAuthenticated == true && GrainKeys.IsProductId(productId))
        {
            await Grains.GetGrain<ICartGrain>(User.UserId()).RemoveItem(productId, sku);
            Flash = T["Removed from your cart."];
        }

        return RedirectToPage();
    }
}
