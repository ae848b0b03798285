using System.Net;
using System.Net.Http.Json;
using Marketplace.Web.Infrastructure;

namespace Marketplace.Sandbox.Tests;

[Collection(SandboxCollection.Name)]
public sealed class ShippingTests(SandboxFixture fixture)
{
    private static object Address() => new
    {
        name = "Sofía <Pérez>",
        line1 = "Av. Providencia 1234",
        city = "Santiago",
        region = "RM",
        country = "CL",
        postalCode = "7500000",
        phone = "+56 9 1234 5678",
    };

    [Fact]
    public async Task A_shipment_gets_a_label_then_in_transit_and_delivered_webhooks_in_order()
    {
        using var http = fixture.Shipping();
        var (inbox, hook) = fixture.Receiver.NewInbox();
        var orderId = "ord_" + Guid.NewGuid().ToString("N");
        var key = Guid.NewGuid().ToString();

        using var created = await http.PostWithKeyAsync("/v1/shipments", key, new { orderId, address = Address(), webhookUrl = hook });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var shipment = await created.JsonAsync();
        Assert.Equal("label_created", shipment.Id("status"));
        Assert.StartsWith("shp_", shipment.Id("shipmentId"), StringComparison.Ordinal);
        Assert.Matches("^SBX[0-9]{12}$", shipment.Id("trackingNumber"));

        using var replay = await http.PostWithKeyAsync("/v1/shipments", key, new { orderId, address = Address(), webhookUrl = hook });
        Assert.Equal(shipment.Id("shipmentId"), (await replay.JsonAsync()).Id("shipmentId"));

        using var label = await SandboxFixture.Client(fixture.Sandbox, apiKey: null).GetAsync(new Uri(shipment.Id("labelUrl")).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, label.StatusCode);
        Assert.Equal("image/svg+xml", label.Content.Headers.ContentType?.MediaType);
        var svg = await label.Content.ReadAsStringAsync();
        Assert.Contains(shipment.Id("trackingNumber"), svg, StringComparison.Ordinal);
        Assert.Contains("Sofía &lt;Pérez&gt;", svg, StringComparison.Ordinal);

        var events = await fixture.Receiver.WaitForAsync(inbox, 2);
        Assert.Equal(["shipment.in_transit", "shipment.delivered"], events.Select(e => e.Type));
        Assert.All(events, e =>
        {
            Assert.Equal(shipment.Id("shipmentId"), e.Json.Id("shipmentId"));
            Assert.Equal(shipment.Id("trackingNumber"), e.Json.Id("trackingNumber"));
            Assert.Equal(orderId, e.Json.Id("orderId"));
            Assert.Equal(WebhookSignatureResult.Ok, WebhookSignature.Verify(
                e.Signature, e.RawBody, TestSecrets.SandboxShippingWebhookSecret, DateTimeOffset.UtcNow));
            // Signed with the carrier's own secret, not the payment provider's.
            Assert.Equal(WebhookSignatureResult.BadSignature, WebhookSignature.Verify(
                e.Signature, e.RawBody, TestSecrets.SandboxPaymentsWebhookSecret, DateTimeOffset.UtcNow));
        });
        Assert.NotEqual(events[0].EventId, events[1].EventId);

        using var fetched = await http.GetAsync($"/v1/shipments/{shipment.Id("shipmentId")}");
        Assert.Equal("delivered", (await fetched.JsonAsync()).Id("status"));
    }

    [Fact]
    public async Task Shipments_need_the_carrier_key_and_a_complete_address()
    {
        var (_, hook) = fixture.Receiver.NewInbox();
        using var payments = fixture.Payments();
        using var withPaymentKey = await payments.PostWithKeyAsync("/v1/shipments", Guid.NewGuid().ToString(),
            new { orderId = "ord_1", address = Address(), webhookUrl = hook });
        Assert.Equal(HttpStatusCode.Unauthorized, withPaymentKey.StatusCode);

        using var http = fixture.Shipping();
        using var noAddress = await http.PostWithKeyAsync("/v1/shipments", Guid.NewGuid().ToString(),
            new { orderId = "ord_1", webhookUrl = hook });
        Assert.Equal(HttpStatusCode.BadRequest, noAddress.StatusCode);
        using var noCity = await http.PostWithKeyAsync("/v1/shipments", Guid.NewGuid().ToString(),
            new { orderId = "ord_1", address = new { name = "A", line1 = "B", country = "CL" }, webhookUrl = hook });
        Assert.Equal(HttpStatusCode.BadRequest, noCity.StatusCode);
        Assert.True((await noCity.JsonAsync()).GetProperty("errors").TryGetProperty("address.city", out _));
        using var noKey = await http.PostAsJsonAsync("/v1/shipments", new { orderId = "ord_1", address = Address(), webhookUrl = hook });
        Assert.Equal(HttpStatusCode.BadRequest, noKey.StatusCode);
        using var unknown = await http.GetAsync("/v1/shipments/shp_unknown");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var unknownLabel = await http.GetAsync("/labels/shp_unknown");
        Assert.Equal(HttpStatusCode.NotFound, unknownLabel.StatusCode);
    }
}
