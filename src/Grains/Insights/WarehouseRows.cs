namespace Marketplace.Grains.Insights;

/// <summary>Where the ETL stopped in one source: the last row it loaded, by (writing transaction, row id).</summary>
public readonly record struct SourceMark(long Tx, long Id)
{
    public static SourceMark Start => new(0, 0);
}

/// <summary>A row of <c>order_events</c> as the ETL reads it.</summary>
public sealed record OrderEventRow(
    long Id, long Tx, string OrderId, string Kind, string Ref, DateTimeOffset At, string BuyerId, string SellerId, int Units);

/// <summary>A row of <c>analytics_events</c> as the ETL reads it.</summary>
public sealed record PageEventRow(
    long Id, long Tx, DateTimeOffset At, string Kind, string VisitorId, string? ProductId, string? SellerId, string? Query,
    int? ResultCount, int? Position, int? Quantity, string? Language, string? Currency);

/// <summary>An order as the warehouse keeps it (one row of <c>fact_order</c>), read from the order read model.</summary>
public sealed record OrderFact(
    string OrderId, string SellerId, string BuyerId, string Currency, string Status, long Total, long Discount, long Captured,
    long Refunded, long Commission, int Units, DateTimeOffset PlacedAt, DateTimeOffset? PaidAt, DateTimeOffset? DeliveredAt);

/// <summary>One line of an order (one row of <c>fact_order_line</c>).</summary>
public sealed record OrderLineFact(string OrderId, int LineNo, string ProductId, string Sku, string Title, int Quantity, long UnitPrice);

/// <summary>A store as the warehouse's store dimension keeps it.</summary>
public sealed record StoreRow(string SellerId, string Name, string Status, DateTimeOffset CreatedAt);

/// <summary>A product as the warehouse's product dimension keeps it.</summary>
public sealed record ProductRow(string ProductId, string SellerId, string Title, string Category, string Currency, long Price);

/// <summary>A visitor whose events were erased, at its place in <c>analytics_erasures</c>.</summary>
public sealed record ErasureRow(long Id, long Tx, string VisitorId);
