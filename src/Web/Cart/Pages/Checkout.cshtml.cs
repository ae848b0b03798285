using System.ComponentModel.DataAnnotations;
using Marketplace.Contracts.Cart;
using Marketplace.Web.Accounts;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Cart.Pages;

/// <summary>Checkout of one store's part of the cart (or all of it): the shipping address, then one order per store.</summary>
public sealed class CheckoutModel(CheckoutService checkout) : MarketplacePage
{
    [BindProperty(SupportsGet = true, Name = "seller")]
    public string? SellerId { get; set; }

    [BindProperty]
    public AddressForm Address { get; set; } = new();

    [BindProperty]
    [StringLength(500, ErrorMessage = "At most 500 characters.")]
    public string? Note { get; set; }

    /// <summary>Rendered into the form once: submitting it twice (a double click, a reload) places the orders once.</summary>
    [BindProperty]
    public string CheckoutKey { get; set; } = Guid.NewGuid().ToString("N");

    public IReadOnlyList<CartSellerView> Stores { get; private set; } = [];

    public IReadOnlyList<CheckoutRefusal> Refused { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        Address.Name ??= User.FindFirst(MarketplaceClaims.Name)?.Value;
        return Stores.Count == 0 ? RedirectToPage("/Cart/Pages/Cart") : Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return await FormAgainAsync();
        }

        var request = new CheckoutHttpRequest
        {
            SellerId = SellerId,
            ShippingAddress = Address.ToRequest(),
            Note = FormValues.OrNull(Note),
        };
        CheckoutAnswer answer;
        try
        {
            answer = await checkout.CheckOutAsync(User.UserId(), request, "web-" + CheckoutKey);
            CheckoutService.RecordCheckout(HttpContext, answer.Result);
        }
        catch (DomainException e)
        {
            AddErrors(e, nameof(Address));
            return await FormAgainAsync();
        }

        switch (answer.Outcome)
        {
            case CheckoutOutcome.UnknownStore:
                return NotFound();
            case CheckoutOutcome.PricesChanged or CheckoutOutcome.Refused or CheckoutOutcome.CouponUnavailable:
                Refused = answer.Result!.Refused;
                CheckoutKey = Guid.NewGuid().ToString("N");
                ModelState.AddModelError("", T[answer.Outcome switch
                {
                    CheckoutOutcome.PricesChanged => "Prices changed since you added these products. Check the new prices and confirm again.",
                    CheckoutOutcome.CouponUnavailable => "Your coupon could not be used, so nothing was ordered; it was taken out of your cart. Check the total and confirm again to buy without it.",
                    _ => "No order could be placed: some products are no longer available in the quantity you chose.",
                }]);
                return await FormAgainAsync();
        }

        var orders = answer.Result!.Orders;
        Flash = answer.Outcome == CheckoutOutcome.PartlyPlaced
            ? T["Some orders were placed; the others could not be (see your cart)."]
            : T["Thank you! Your order was placed."];
        return orders.Count == 1 ? Redirect(Links.Order(orders[0].OrderId)) : RedirectToPage("/Orders/Pages/Index");
    }

    /// <summary>The form again with its errors, over the cart as it is now (read only when the page is shown again).</summary>
    private async Task<PageResult> FormAgainAsync()
    {
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        ViewData["Title"] = T["Checkout"].Value;
        ViewData["NoIndex"] = true;
        var cart = await Grains.GetGrain<ICartGrain>(User.UserId()).Get();
        Stores = cart.Sellers.Where(s => SellerId is null || s.SellerId == SellerId).ToList();
    }

    public sealed class AddressForm
    {
        [Required(ErrorMessage = "Who receives the parcel?"), StringLength(200)]
        public string? Name { get; set; }

        [Required(ErrorMessage = "Street and number are needed."), StringLength(200)]
        public string? Line1 { get; set; }

        [Required(ErrorMessage = "The city is needed."), StringLength(200)]
        public string? City { get; set; }

        [StringLength(200)]
        public string? Region { get; set; }

        [Required(ErrorMessage = "Choose a country."), RegularExpression("^[A-Z]{2}$", ErrorMessage = "Choose a country.")]
        public string? Country { get; set; } = "CL";

        [StringLength(200)]
        public string? PostalCode { get; set; }

        [StringLength(200)]
        public string? Phone { get; set; }

        public AddressRequest ToRequest() => new()
        {
            Name = Name?.Trim(),
            Line1 = Line1?.Trim(),
            City = City?.Trim(),
            Region = FormValues.OrNull(Region),
            Country = Country,
            PostalCode = FormValues.OrNull(PostalCode),
            Phone = FormValues.OrNull(Phone),
        };
    }
}
