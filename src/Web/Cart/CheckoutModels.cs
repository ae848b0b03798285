using System.ComponentModel.DataAnnotations;
using Marketplace.Contracts.Cart;
using Marketplace.Contracts.Orders;

namespace Marketplace.Web.Cart;

public sealed record AddressRequest
{
    [Required, StringLength(200)]
    public string? Name { get; init; }

    [Required, StringLength(200)]
    public string? Line1 { get; init; }

    [Required, StringLength(200)]
    public string? City { get; init; }

    [StringLength(200)]
    public string? Region { get; init; }

    /// <summary>ISO 3166 alpha-2, e.g. "DE".</summary>
    [Required, StringLength(2, MinimumLength = 2)]
    public string? Country { get; init; }

    [StringLength(200)]
    public string? PostalCode { get; init; }

    [StringLength(200)]
    public string? Phone { get; init; }

    public PostalAddress ToAddress() => new(Name!, Line1!, City!, Region, Country!, PostalCode, Phone);
}

public sealed record CheckoutHttpRequest
{
    /// <summary>Only this store's part of the cart; all of it when absent.</summary>
    public string? SellerId { get; init; }

    [Required]
    public AddressRequest? ShippingAddress { get; init; }

    [StringLength(500)]
    public string? Note { get; init; }
}

public sealed record CheckoutOrderResponse(string OrderId, string SellerId, string SellerName, OrderStatus Status, long Total, string Currency,
    IReadOnlyList<OrderLine> Lines);

public sealed record CheckoutResponse(IReadOnlyList<CheckoutOrderResponse> Orders, IReadOnlyList<CheckoutRefusal> Refused)
{
    public static CheckoutResponse From(CheckoutResult result) => new(
        result.Orders.Select(o => new CheckoutOrderResponse(o.OrderId, o.SellerId, o.SellerName, o.Status, o.Total, o.Currency, o.Lines)).ToList(),
        result.Refused);
}
