using Marketplace.Grains.Common;

namespace Marketplace.Grains.Shipping;

/// <summary>Settings of the carrier ("Shipping" section; Shipping__BaseUrl in the environment).</summary>
public sealed class CarrierOptions
{
    public const string Section = "Shipping";

    public string? BaseUrl { get; set; }

    public string? ApiKey { get; set; }

    /// <summary>The secret the carrier signs tracking webhooks with; the web host checks them with it.</summary>
    public string? WebhookSecret { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>The carrier over the sandbox carrier's HTTP API (/v1/shipments).</summary>
public sealed class SandboxCarrier : ICarrier
{
    private readonly ProviderHttp http;

    /// <param name="client">A client with the carrier's base address and the API key as its bearer authorization.</param>
    public SandboxCarrier(HttpClient client) => http = new ProviderHttp(client, "The carrier");

    public async Task<ShipmentLabel> CreateShipmentAsync(
        string orderId, ShippingAddress address, string webhookUrl, string idempotencyKey, bool isReturn = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        var shipment = await http.PostAsync<ShipmentBody>("v1/shipments",
            new { orderId, address, webhookUrl, kind = isReturn ? "return" : "outbound" }, idempotencyKey, cancellationToken);
        return new ShipmentLabel(shipment.ShipmentId, shipment.TrackingNumber, shipment.LabelUrl, shipment.Status);
    }

    public async Task<ShipmentDetails?> GetShipmentAsync(string shipmentId, CancellationToken cancellationToken = default) =>
        await http.GetAsync<ShipmentBody>($"v1/shipments/{Uri.EscapeDataString(shipmentId)}", cancellationToken) is { } s
            ? new ShipmentDetails(s.ShipmentId, s.OrderId, s.TrackingNumber, s.LabelUrl, s.Status)
            : null;

    private sealed record ShipmentBody(string ShipmentId, string OrderId, string TrackingNumber, string LabelUrl, ShipmentStatus Status);
}
