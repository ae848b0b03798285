using System.Text.Json;
using Marketplace.Contracts.Orders;

namespace Marketplace.Web.Shared;

/// <summary>Order statuses as people read them (English keys of the localizer).</summary>
public static class OrderText
{
    public static string Label(OrderStatus status) => status switch
    {
        OrderStatus.Placed => "Placed",
        OrderStatus.AwaitingSellerConfirmation => "Waiting for the store",
        OrderStatus.AwaitingPayment => "Waiting for payment",
        OrderStatus.Paid => "Paid",
        OrderStatus.Shipped => "Shipped",
        OrderStatus.Delivered => "Delivered",
        OrderStatus.Rejected => "Rejected by the store",
        OrderStatus.Expired => "Expired",
        OrderStatus.Cancelled => "Cancelled",
        OrderStatus.Refunded => "Refunded",
        _ => status.ToString(),
    };

    /// <summary>The read model's spelling ("awaitingPayment") as a label.</summary>
    public static string Label(string status) =>
        Enum.TryParse<OrderStatus>(status, ignoreCase: true, out var parsed) ? Label(parsed) : status;

    /// <summary>The CSS class of a status badge: the API's camelCase name.</summary>
    public static string Css(OrderStatus status) => JsonNamingPolicy.CamelCase.ConvertName(status.ToString());
}
