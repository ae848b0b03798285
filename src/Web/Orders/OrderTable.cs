namespace Marketplace.Web.Orders;

/// <summary>A list of orders for the buyer's or the store's order pages.</summary>
public sealed record OrderTable(IReadOnlyList<OrderSummary> Orders, string? NextCursor, bool ForStore, string? Status = null);
