using System.Net;
using System.Net.Http.Json;

namespace Marketplace.Sandbox.Tests;

/// <summary>Sandboxes of their own: chaos settings, and a stop and restart on the same journal.</summary>
public sealed class DeliveryTests : IAsyncLifetime
{
    private readonly List<ProcessHost> hosts = [];
    private readonly List<string> folders = [];
    private WebhookReceiver? receiver;

    private WebhookReceiver Receiver => receiver!;

    public async ValueTask InitializeAsync() => receiver = await WebhookReceiver.StartAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var host in hosts)
        {
            await host.DisposeAsync();
        }

        await Receiver.DisposeAsync();
        foreach (var folder in folders.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task With_duplicate_rate_one_every_event_arrives_twice_with_the_same_id()
    {
        var sandbox = await StartAsync(NewFolder(), new() { ["Sandbox__DuplicateRate"] = "1.0" });
        using var http = SandboxFixture.Client(sandbox, TestSecrets.SandboxPaymentsApiKey);
        var (inbox, hook) = Receiver.NewInbox();
        await http.CreatePaidPaymentAsync(hook);

        var deliveries = await Receiver.WaitForAsync(inbox, 2);
        Assert.Equal(deliveries[0].EventId, deliveries[1].EventId);
        Assert.Equal(deliveries[0].Body, deliveries[1].Body);
        Assert.All(deliveries, d => Assert.Equal("payment.succeeded", d.Type));
        await Task.Delay(500);
        Assert.Equal(2, Receiver.Deliveries(inbox).Count);
    }

    [Fact]
    public async Task With_reorder_rate_one_events_are_held_back_and_still_arrive_once()
    {
        // Every event is held back by 2 s when it is scheduled; the refund, made after the payment's event went out
        // late, still arrives, and the receiver sees each event exactly once.
        var sandbox = await StartAsync(NewFolder(), new()
        {
            ["Sandbox__ReorderRate"] = "1.0",
            ["Sandbox__ReorderDelay"] = "00:00:02",
        });
        using var http = SandboxFixture.Client(sandbox, TestSecrets.SandboxPaymentsApiKey);
        var (inbox, hook) = Receiver.NewInbox();
        var started = DateTimeOffset.UtcNow;
        var payment = await http.CreatePaidPaymentAsync(hook);
        using var refund = await http.PostWithKeyAsync("/v1/refunds", Guid.NewGuid().ToString(),
            new { paymentId = payment.Id("paymentId"), amount = 100 });
        Assert.Equal(HttpStatusCode.Created, refund.StatusCode);

        var deliveries = await Receiver.WaitForAsync(inbox, 2);
        Assert.All(deliveries, d => Assert.True(d.At - started >= TimeSpan.FromSeconds(1.5)));
        Assert.Equal(["payment.succeeded", "refund.succeeded"], deliveries.Select(d => d.Type).Order());
    }

    [Fact]
    public async Task A_restarted_sandbox_knows_earlier_payments_and_delivers_what_was_left_undelivered()
    {
        var folder = NewFolder();
        var first = await StartAsync(folder, SandboxFixture.FastSettings);
        var (inbox, hook) = Receiver.NewInbox();
        Receiver.FailNext(inbox, int.MaxValue);
        string paymentId;
        string shipmentId;
        using (var http = SandboxFixture.Client(first, TestSecrets.SandboxPaymentsApiKey))
        {
            paymentId = (await http.CreatePaidPaymentAsync(hook, 777)).Id("paymentId");
        }

        using (var carrier = SandboxFixture.Client(first, TestSecrets.SandboxShippingApiKey))
        {
            using var created = await carrier.PostWithKeyAsync("/v1/shipments", "ship-key-1", new
            {
                orderId = "ord_restart",
                address = new { name = "A", line1 = "B 1", city = "C", country = "CL" },
                webhookUrl = hook,
            });
            shipmentId = (await created.JsonAsync()).Id("shipmentId");
        }

        var refused = await Receiver.WaitForAsync(inbox, 2, d => d.Type == "payment.succeeded");
        await first.StopAsync();
        Receiver.FailNext(inbox, 0);

        var second = await StartAsync(folder, SandboxFixture.FastSettings);
        using var again = SandboxFixture.Client(second, TestSecrets.SandboxPaymentsApiKey);
        using var fetched = await again.GetAsync($"/v1/payments/{paymentId}");
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        var payment = await fetched.JsonAsync();
        Assert.Equal("succeeded", payment.Id("status"));
        Assert.Equal(777, payment.GetProperty("amount").GetInt64());

        // The idempotency keys survive too: the same key answers the same shipment.
        using var carrierAgain = SandboxFixture.Client(second, TestSecrets.SandboxShippingApiKey);
        using var replay = await carrierAgain.PostWithKeyAsync("/v1/shipments", "ship-key-1", new
        {
            orderId = "ord_restart",
            address = new { name = "A", line1 = "B 1", city = "C", country = "CL" },
            webhookUrl = hook,
        });
        Assert.Equal(shipmentId, (await replay.JsonAsync()).Id("shipmentId"));

        // The event the receiver refused before the restart is delivered by the new process, with the same id.
        var accepted = await Receiver.WaitForAsync(inbox, 1, d => d.Type == "payment.succeeded" && d.AnsweredStatus == 200);
        Assert.Equal(refused[0].EventId, accepted.Single().EventId);
        await Receiver.WaitForAsync(inbox, 1, d => d.Type == "shipment.delivered" && d.AnsweredStatus == 200);

        using var refund = await again.PostWithKeyAsync("/v1/refunds", Guid.NewGuid().ToString(), new { paymentId, amount = 778 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refund.StatusCode);
    }

    private string NewFolder()
    {
        var folder = SandboxFixture.NewDataPath();
        folders.Add(folder);
        return folder;
    }

    private async Task<ProcessHost> StartAsync(string folder, Dictionary<string, string> settings)
    {
        var host = ProcessHost.StartSandbox("sandbox-" + hosts.Count, folder, settings);
        hosts.Add(host);
        await host.WaitReadyAsync(TimeSpan.FromSeconds(60));
        return host;
    }
}
