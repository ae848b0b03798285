using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Marketplace.Sandbox.Tests;

/// <summary>
/// A real Kestrel endpoint in the test process that takes webhooks at /hooks/{inbox}. Each test uses its own inbox,
/// records what arrived byte for byte, and can make the receiver answer 500 a given number of times.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, Inbox> inboxes = new();

    private WebhookReceiver(WebApplication app) => this.app = app;

    public string BaseUrl { get; private set; } = "";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks/{inbox}", receiver.ReceiveAsync);
        await app.StartAsync();
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features
            .GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return receiver;
    }

    /// <summary>A fresh inbox and the webhook URL that delivers into it.</summary>
    public (string Name, string Url) NewInbox()
    {
        var name = Guid.NewGuid().ToString("N");
        inboxes[name] = new Inbox();
        return (name, $"{BaseUrl}/hooks/{name}");
    }

    /// <summary>The next <paramref name="count"/> deliveries into the inbox get 500.</summary>
    public void FailNext(string inbox, int count) => inboxes[inbox].FailuresLeft = count;

    public IReadOnlyList<Delivery> Deliveries(string inbox)
    {
        var box = inboxes[inbox];
        lock (box)
        {
            return [.. box.Deliveries];
        }
    }

    /// <summary>Waits until the inbox holds at least <paramref name="count"/> deliveries that match.</summary>
    public async Task<IReadOnlyList<Delivery>> WaitForAsync(
        string inbox, int count, Func<Delivery, bool>? match = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var found = Deliveries(inbox).Where(match ?? (_ => true)).ToList();
            if (found.Count >= count)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"Expected {count} matching deliveries in {inbox}, got {found.Count} (of {Deliveries(inbox).Count}).");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task<IResult> ReceiveAsync(string inbox, HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var raw = buffer.ToArray();
        if (!inboxes.TryGetValue(inbox, out var box))
        {
            return Results.NotFound();
        }

        int status;
        lock (box)
        {
            status = box.FailuresLeft > 0 ? StatusCodes.Status500InternalServerError : StatusCodes.Status200OK;
            box.FailuresLeft = Math.Max(0, box.FailuresLeft - 1);
            box.Deliveries.Add(new Delivery(raw, request.Headers["Marketplace-Signature"].ToString(), status, DateTimeOffset.UtcNow));
        }

        return Results.StatusCode(status);
    }

    private sealed class Inbox
    {
        public List<Delivery> Deliveries { get; } = [];

        public int FailuresLeft { get; set; }
    }
}

/// <summary>One webhook as it arrived, and what the receiver answered.</summary>
public sealed record Delivery(byte[] RawBody, string Signature, int AnsweredStatus, DateTimeOffset At)
{
    public string Body => Encoding.UTF8.GetString(RawBody);

    public JsonElement Json => JsonDocument.Parse(RawBody).RootElement;

    public string EventId => Json.GetProperty("id").GetString()!;

    public string Type => Json.GetProperty("type").GetString()!;
}
