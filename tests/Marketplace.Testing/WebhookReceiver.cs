using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Marketplace.Testing;

/// <summary>One request a receiver got: the headers the marketplace documents and the raw body.</summary>
public sealed record ReceivedWebhook(string EventId, string Event, string Signature, byte[] Body, DateTimeOffset At)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    /// <summary>The envelope's <c>data.{name}</c> as text.</summary>
    public string Data(string name) => Json.GetProperty("data").GetProperty(name).ToString();
}

/// <summary>
/// An integrator's receiver on a loopback port of its own: a real Kestrel server that records every POST and answers
/// 200, or 503 while <see cref="Down"/> is set (a receiver being deployed or out of service).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedWebhook> received = new();
    private int refused;

    private WebhookReceiver(WebApplication app, int port)
    {
        this.app = app;
        Url = $"http://127.0.0.1:{port}/hooks";
    }

    public string Url { get; }

    /// <summary>While true every request is answered 503 and not recorded.</summary>
    public bool Down { get; set; }

    /// <summary>How long each accepted request takes to be answered (a slow receiver keeps deliveries in flight).</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Requests answered 503.</summary>
    public int Refused => Volatile.Read(ref refused);

    /// <summary>Accepted requests, in the order they arrived.</summary>
    public IReadOnlyList<ReceivedWebhook> Received => received.ToList();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var port = ProcessHost.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, port);
        app.MapPost("/hooks", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            if (receiver.Down)
            {
                Interlocked.Increment(ref receiver.refused);
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }

            if (receiver.Delay > TimeSpan.Zero)
            {
                await Task.Delay(receiver.Delay);
            }

            receiver.received.Enqueue(new ReceivedWebhook(context.Request.Headers["Marketplace-Event-Id"].ToString(),
                context.Request.Headers["Marketplace-Event"].ToString(), context.Request.Headers["Marketplace-Signature"].ToString(),
                body.ToArray(), DateTimeOffset.UtcNow));
            return Results.Ok();
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Waits until a received delivery matches, or fails after <paramref name="timeout"/>.</summary>
    public async Task<ReceivedWebhook> WaitForAsync(Func<ReceivedWebhook, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (received.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No matching webhook arrived; {received.Count} arrived: "
                                   + string.Join(", ", received.Select(r => r.Event)));
    }

    /// <summary>
    /// The documented recipe a receiver follows: take t and every v1 from the header, compute HMAC-SHA256 of "t.body"
    /// with the secret, accept when one v1 matches and t is recent.
    /// </summary>
    public static bool Verify(ReceivedWebhook webhook, string secret, TimeSpan? tolerance = null)
    {
        var parts = webhook.Signature.Split(',').Select(p => p.Split('=', 2)).ToList();
        var t = parts.First(p => p[0] == "t")[1];
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t + ".").Concat(webhook.Body).ToArray()));
        var fresh = Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(t, CultureInfo.InvariantCulture)) <= (tolerance ?? TimeSpan.FromMinutes(5)).TotalSeconds;
        return fresh && parts.Any(p => p[0] == "v1" && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(p[1]), Encoding.ASCII.GetBytes(expected)));
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
