namespace Marketplace.Grains.Shipping;

/// <summary>
/// A shipping carrier: creates shipments with a label and a tracking number; tracking then arrives as signed webhooks.
/// Failures surface as <see cref="Common.ExternalServiceException"/>.
/// </summary>
public interface ICarrier
{
    /// <summary>
    /// Books a shipment to <paramref name="address"/> (with <paramref name="isReturn"/>, a return label: the buyer sends the
    /// parcel back to that address); the same idempotency key with the same arguments returns the same shipment.
    /// </summary>
    Task<ShipmentLabel> CreateShipmentAsync(
        string orderId, ShippingAddress address, string webhookUrl, string idempotencyKey, bool isReturn = false,
        CancellationToken cancellationToken = default);

    /// <summary>The shipment as the carrier sees it now; null when it does not know the id.</summary>
    Task<ShipmentDetails?> GetShipmentAsync(string shipmentId, CancellationToken cancellationToken = default);
}

public enum ShipmentStatus
{
    LabelCreated,
    InTransit,
    Delivered,
}

public sealed record ShippingAddress(
    string Name, string Line1, string City, string? Region, string Country, string? PostalCode, string? Phone);

public sealed record ShipmentLabel(string ShipmentId, string TrackingNumber, string LabelUrl, ShipmentStatus Status);

public sealed record ShipmentDetails(
    string ShipmentId, string OrderId, string TrackingNumber, string LabelUrl, ShipmentStatus Status);
