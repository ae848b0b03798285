using Marketplace.Contracts.Orders;

namespace Marketplace.Web.Returns;

/// <summary>A return's line as the order page's form posts it.</summary>
public sealed class ReturnLineForm
{
    public string? ProductId { get; set; }

    public string? Sku { get; set; }

    public int Quantity { get; set; }
}

/// <summary>An order's returns as its page shows them, to the buyer (who may ask for one) or to its store (who decides).</summary>
public sealed record ReturnsPanel(OrderView Order, bool IsBuyer, bool IsStaff);

/// <summary>Words for a return's status (English; the pages translate them).</summary>
public static class ReturnText
{
    public static string Label(ReturnStatus status) => status switch
    {
        ReturnStatus.Requested => "Requested",
        ReturnStatus.Approved => "Approved: on its way back",
        ReturnStatus.Rejected => "Rejected",
        ReturnStatus.Received => "Received: refund under way",
        _ => "Refunded",
    };
}
