using Marketplace.Contracts.Orders;
using Marketplace.Grains.Common;
using Marketplace.Grains.Payments;
using Marketplace.Grains.Shipping;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Sandbox.Tests;

/// <summary>The marketplace's own clients, registered as the silo registers them, against the real sandbox process.</summary>
[Collection(SandboxCollection.Name)]
public sealed class ClientTests(SandboxFixture fixture)
{
    private ServiceProvider Services(string? paymentsKey = null, string? baseUrl = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Payments:BaseUrl"] = baseUrl ?? fixture.Sandbox.BaseAddress.ToString(),
            ["Payments:ApiKey"] = paymentsKey ?? TestSecrets.SandboxPaymentsApiKey,
            ["Shipping:BaseUrl"] = baseUrl ?? fixture.Sandbox.BaseAddress.ToString(),
            ["Shipping:ApiKey"] = TestSecrets.SandboxShippingApiKey,
            ["Payments:Timeout"] = "00:00:02",
        }).Build();
        return new ServiceCollection().AddSandboxPayments(configuration).AddSandboxShipping(configuration).BuildServiceProvider();
    }

    [Fact]
    public async Task A_card_charge_is_decided_in_the_answer_once_per_key_and_the_sandbox_keeps_only_the_last_four_digits()
    {
        await using var services = Services();
        var gateway = services.GetRequiredService<IPaymentGateway>();
        var (_, hook) = fixture.Receiver.NewInbox();
        var orderId = "ord_" + Guid.NewGuid().ToString("N");
        var card = new CardDetails("4111 1111 1111 4242", "VISA", "ANA SILVA", "1228");

        var charge = await gateway.ChargeCardAsync(orderId, 2468, "BRL", card, hook, "card-" + orderId);
        Assert.Equal(PaymentStatus.Succeeded, charge.Status);
        Assert.Equal(2468, charge.Amount);
        Assert.Equal(charge, await gateway.ChargeCardAsync(orderId, 2468, "BRL", card, hook, "card-" + orderId));
        Assert.Equal(PaymentStatus.Succeeded, (await gateway.GetPaymentAsync(charge.PaymentId))!.Status);
        var reused = await Assert.ThrowsAsync<ExternalServiceException>(() =>
            gateway.ChargeCardAsync(orderId, 2469, "BRL", card, hook, "card-" + orderId));
        Assert.Equal(ExternalFailure.IdempotencyConflict, reused.Failure);

        var declined = await gateway.ChargeCardAsync(orderId, 100, "BRL", card with { Number = "4000000000000002" }, hook, "declined-" + orderId);
        Assert.Equal(PaymentStatus.Failed, declined.Status);
        var invalid = await Assert.ThrowsAsync<ExternalServiceException>(() =>
            gateway.ChargeCardAsync(orderId, 100, "BRL", card with { Number = "12" }, hook, Guid.NewGuid().ToString()));
        Assert.Equal(400, invalid.StatusCode);

        // A charge can be refunded like a hosted payment, never beyond what it captured.
        var refund = await gateway.RefundAsync(charge.PaymentId, 2468, "refund-" + orderId);
        Assert.Equal(2468, refund.Amount);
        await Assert.ThrowsAsync<ExternalServiceException>(() => gateway.RefundAsync(charge.PaymentId, 1, Guid.NewGuid().ToString()));

        var journal = string.Concat(Directory.GetFiles(fixture.DataPath, "*", SearchOption.AllDirectories).Select(File.ReadAllText));
        Assert.Contains("VISA 4242", journal, StringComparison.Ordinal);
        Assert.DoesNotContain("41111111", journal, StringComparison.Ordinal);
        Assert.DoesNotContain("4111 1111", journal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_charge_whose_answer_is_lost_is_reported_unavailable_every_time_and_announced_by_its_webhook()
    {
        await using var services = Services();
        var gateway = services.GetRequiredService<IPaymentGateway>();
        var (inbox, hook) = fixture.Receiver.NewInbox();
        var orderId = "ord_" + Guid.NewGuid().ToString("N");
        var card = new CardDetails("4000000000000119", "VISA", "ANA SILVA", "1228");

        for (var ask = 0; ask < 2; ask++)
        {
            var lost = await Assert.ThrowsAsync<ExternalServiceException>(() => gateway.ChargeCardAsync(orderId, 990, "BRL", card, hook, "lost-" + orderId));
            Assert.Equal(ExternalFailure.Unavailable, lost.Failure);
        }

        // Charged once (one key), and the capture arrives only as a webhook.
        var delivery = Assert.Single(await fixture.Receiver.WaitForAsync(inbox, 1));
        Assert.Equal("payment.succeeded", delivery.Type);
        Assert.Equal(990, delivery.Json.GetProperty("amount").GetInt64());
        Assert.Equal(orderId, delivery.Json.GetProperty("orderId").GetString());
        var payment = await gateway.GetPaymentAsync(delivery.Json.GetProperty("paymentId").GetString()!);
        Assert.Equal(PaymentStatus.Succeeded, payment!.Status);
    }

    [Fact]
    public async Task The_payment_gateway_opens_sessions_idempotently_and_refunds_within_the_capture()
    {
        await using var services = Services();
        var gateway = services.GetRequiredService<IPaymentGateway>();
        var (inbox, hook) = fixture.Receiver.NewInbox();
        var orderId = "ord_" + Guid.NewGuid().ToString("N");
        var key = "pay-" + orderId;

        var session = await gateway.CreatePaymentAsync(orderId, 4599, "USD", "http://shop.example/orders/1", hook, key);
        Assert.Equal(PaymentStatus.Open, session.Status);
        Assert.EndsWith($"/checkout/{session.PaymentId}", session.RedirectUrl, StringComparison.Ordinal);
        var again = await gateway.CreatePaymentAsync(orderId, 4599, "USD", "http://shop.example/orders/1", hook, key);
        Assert.Equal(session, again);

        var conflict = await Assert.ThrowsAsync<ExternalServiceException>(() =>
            gateway.CreatePaymentAsync(orderId, 4600, "USD", "http://shop.example/orders/1", hook, key));
        Assert.Equal(ExternalFailure.IdempotencyConflict, conflict.Failure);

        var invalid = await Assert.ThrowsAsync<ExternalServiceException>(() =>
            gateway.CreatePaymentAsync(orderId, -1, "USD", "http://shop.example/orders/1", hook, Guid.NewGuid().ToString()));
        Assert.Equal(ExternalFailure.Refused, invalid.Failure);
        Assert.Equal(400, invalid.StatusCode);

        Assert.Null(await gateway.GetPaymentAsync("pay_unknown"));
        Assert.Equal(PaymentStatus.Open, (await gateway.GetPaymentAsync(session.PaymentId))!.Status);

        using var browser = SandboxFixture.Client(fixture.Sandbox, apiKey: null);
        using var pay = await browser.PostAsync(new Uri(session.RedirectUrl).PathAndQuery,
            new FormUrlEncodedContent([new("outcome", "succeeded")]));
        var paid = await gateway.GetPaymentAsync(session.PaymentId);
        Assert.Equal(new PaymentDetails(session.PaymentId, orderId, PaymentStatus.Succeeded, 4599, "USD", 0, session.RedirectUrl), paid);

        var tooMuch = await Assert.ThrowsAsync<ExternalServiceException>(() =>
            gateway.RefundAsync(session.PaymentId, 4600, Guid.NewGuid().ToString()));
        Assert.Equal(ExternalFailure.Refused, tooMuch.Failure);
        Assert.Equal("refund-exceeds-capture", tooMuch.Code);

        var refundKey = Guid.NewGuid().ToString();
        var refund = await gateway.RefundAsync(session.PaymentId, 4599, refundKey);
        Assert.Equal(new RefundReceipt(refund.RefundId, session.PaymentId, 4599, "USD"), refund);
        Assert.Equal(refund, await gateway.RefundAsync(session.PaymentId, 4599, refundKey));
        Assert.Equal(4599, (await gateway.GetPaymentAsync(session.PaymentId))!.RefundedAmount);
        await fixture.Receiver.WaitForAsync(inbox, 1, d => d.Type == "refund.succeeded");
    }

    [Fact]
    public async Task The_carrier_books_a_shipment_and_reports_its_progress()
    {
        await using var services = Services();
        var carrier = services.GetRequiredService<ICarrier>();
        var (_, hook) = fixture.Receiver.NewInbox();
        var address = new ShippingAddress("Ana", "Calle 1", "Valparaíso", "V", "CL", "2340000", null);
        var key = Guid.NewGuid().ToString();

        var label = await carrier.CreateShipmentAsync("ord_c1", address, hook, key);
        Assert.Equal(ShipmentStatus.LabelCreated, label.Status);
        Assert.Equal(label, await carrier.CreateShipmentAsync("ord_c1", address, hook, key));
        Assert.EndsWith($"/labels/{label.ShipmentId}", label.LabelUrl, StringComparison.Ordinal);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        ShipmentDetails? details;
        do
        {
            await Task.Delay(100);
            details = await carrier.GetShipmentAsync(label.ShipmentId);
        }
        while (details?.Status != ShipmentStatus.Delivered && DateTime.UtcNow < deadline);
        Assert.Equal(new ShipmentDetails(label.ShipmentId, "ord_c1", label.TrackingNumber, label.LabelUrl, ShipmentStatus.Delivered), details);
        Assert.Null(await carrier.GetShipmentAsync("shp_unknown"));
    }

    [Fact]
    public async Task Misconfiguration_and_an_unreachable_provider_are_reported_as_such()
    {
        await using (var wrongKey = Services(paymentsKey: "pk_test_wrong_wrong_wrong_wrong"))
        {
            var e = await Assert.ThrowsAsync<ExternalServiceException>(() =>
                wrongKey.GetRequiredService<IPaymentGateway>().GetPaymentAsync("pay_x"));
            Assert.Equal(ExternalFailure.Unauthorized, e.Failure);
        }

        await using (var down = Services(baseUrl: $"http://127.0.0.1:{ProcessHost.FreePort()}"))
        {
            var e = await Assert.ThrowsAsync<ExternalServiceException>(() =>
                down.GetRequiredService<IPaymentGateway>().CreatePaymentAsync("o", 1, "USD", "http://a/", "http://b/", "k"));
            Assert.Equal(ExternalFailure.Unavailable, e.Failure);
        }

        var unconfigured = new ServiceCollection().AddSandboxPayments(new ConfigurationBuilder().Build()).BuildServiceProvider();
        var missing = Assert.Throws<InvalidOperationException>(() => unconfigured.GetRequiredService<IPaymentGateway>());
        Assert.Contains("Payments:BaseUrl", missing.Message, StringComparison.Ordinal);
    }
}
