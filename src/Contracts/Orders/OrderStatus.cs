namespace Marketplace.Contracts.Orders;

/// <summary>Where one seller's order stands (DESIGN.md §3). Terminal: Delivered, Rejected, Expired, Cancelled, Refunded.</summary>
[GenerateSerializer, Alias("mk.OrderStatus")]
public enum OrderStatus
{
    /// <summary>Created with all its lines reserved; moves on at once.</summary>
    Placed = 0,
    /// <summary>A quotation: the seller accepts (possibly with a shipping cost) or rejects before the buyer pays.</summary>
    AwaitingSellerConfirmation = 1,
    AwaitingPayment = 2,
    /// <summary>Captured by the gateway; the reservations became sold units.</summary>
    Paid = 3,
    Shipped = 4,
    Delivered = 5,
    Rejected = 6,
    /// <summary>The seller did not answer, or the buyer did not pay, in time.</summary>
    Expired = 7,
    Cancelled = 8,
    /// <summary>Paid (or shipped and returned), then refunded through the gateway.</summary>
    Refunded = 9,
}
