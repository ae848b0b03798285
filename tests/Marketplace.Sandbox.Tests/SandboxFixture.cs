using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Marketplace.Sandbox.Tests;

[CollectionDefinition(Name)]
public sealed class SandboxCollection : ICollectionFixture<SandboxFixture>
{
    public const string Name = "sandbox";
}

/// <summary>One sandbox process (short shipping schedule, quick retries) and one webhook receiver for a collection.</summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    /// <summary>Short enough to keep tests quick, long enough that the two tracking events never tie.</summary>
    public static readonly Dictionary<string, string> FastSettings = new()
    {
        ["Sandbox__RetryBaseDelay"] = "00:00:00.100",
        ["Sandbox__RetryMaxDelay"] = "00:00:01",
        ["Sandbox__InTransitAfter"] = "00:00:00.300",
        ["Sandbox__DeliveredAfter"] = "00:00:01.500",
    };

    private ProcessHost? sandbox;
    private WebhookReceiver? receiver;

    public ProcessHost Sandbox => sandbox ?? throw new InvalidOperationException("Not started.");

    public WebhookReceiver Receiver => receiver ?? throw new InvalidOperationException("Not started.");

    public string DataPath { get; } = NewDataPath();

    public static string NewDataPath() => Path.Combine(Path.GetTempPath(), "marketplace-sandbox-" + Guid.NewGuid().ToString("N"));

    public HttpClient Payments() => Client(Sandbox, TestSecrets.SandboxPaymentsApiKey);

    public HttpClient Shipping() => Client(Sandbox, TestSecrets.SandboxShippingApiKey);

    public static HttpClient Client(ProcessHost host, string? apiKey)
    {
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return http;
    }

    public async ValueTask InitializeAsync()
    {
        receiver = await WebhookReceiver.StartAsync();
        sandbox = ProcessHost.StartSandbox("sandbox", DataPath, FastSettings);
        await sandbox.WaitReadyAsync(TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        if (sandbox is not null)
        {
            await sandbox.DisposeAsync();
        }

        if (receiver is not null)
        {
            await receiver.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

/// <summary>Calls the sandbox's HTTP API the way a merchant would.</summary>
public static class SandboxCalls
{
    public static async Task<HttpResponseMessage> CreatePaymentAsync(
        this HttpClient http, string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/payments") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await http.SendAsync(request);
    }

    public static async Task<JsonElement> CreatePaidPaymentAsync(this HttpClient http, string webhookUrl, long amount = 8990)
    {
        using var created = await http.CreatePaymentAsync(Guid.NewGuid().ToString(), PaymentBody(webhookUrl, amount));
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        var payment = await created.Content.ReadFromJsonAsync<JsonElement>();
        using var paid = await http.PostAsJsonAsync(
            $"/v1/payments/{payment.GetProperty("paymentId").GetString()}/outcome", new { outcome = "succeeded" });
        Assert.Equal(System.Net.HttpStatusCode.OK, paid.StatusCode);
        return await paid.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static object PaymentBody(string webhookUrl, long amount = 8990, string? orderId = null) => new
    {
        orderId = orderId ?? "ord_" + Guid.NewGuid().ToString("N"),
        amount,
        currency = "CLP",
        returnUrl = "http://shop.example/orders/return",
        webhookUrl,
    };

    public static async Task<HttpResponseMessage> PostWithKeyAsync(this HttpClient http, string path, string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await http.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    public static string Id(this JsonElement element, string name) => element.GetProperty(name).GetString()!;
}
