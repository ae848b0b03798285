using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Integrations;

/// <summary>What a receiver made of one delivery.</summary>
public sealed record SendResult(bool Delivered, int? StatusCode, string? Error, int DurationMs);

/// <summary>
/// Posts deliveries to receivers. Outside development the connection is made only to public addresses, checked on the
/// addresses the name resolves to at connect time (so a name that later points inward is refused too), and redirects are
/// not followed.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    public const string EventIdHeader = "Marketplace-Event-Id";
    public const string EventHeader = "Marketplace-Event";
    public const string SignatureHeader = "Marketplace-Signature";
    public const string DeliveryHeader = "Marketplace-Delivery";

    private readonly HttpClient http;
    private readonly TimeProvider clock;

    public WebhookSender(IOptions<WebhookOptions> options, TimeProvider clock)
    {
        this.clock = clock;
        var settings = options.Value;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = settings.Timeout,
            UseCookies = false,
        };
        if (!settings.AllowPrivateNetworks)
        {
            handler.ConnectCallback = ConnectToPublicAsync;
        }

        http = new HttpClient(handler) { Timeout = settings.Timeout };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Marketplace-Webhooks", "1.0"));
    }

    /// <summary>The body of a delivery: the same bytes on every attempt.</summary>
    public static byte[] Body(DueDelivery delivery)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", delivery.EventId);
            json.WriteString("type", delivery.Kind);
            json.WriteString("createdAt", delivery.At.UtcDateTime);
            json.WriteString("storeId", delivery.StoreId);
            json.WriteString("resource", delivery.Resource);
            json.WriteNumber("version", delivery.Version);
            json.WritePropertyName("data");
            json.WriteRawValue(delivery.Data, skipInputValidation: true);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public async Task<SendResult> SendAsync(string url, IEnumerable<string> secrets, DueDelivery delivery, CancellationToken ct = default)
    {
        var body = Body(delivery);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(EventIdHeader, delivery.EventId);
        request.Headers.Add(EventHeader, delivery.Kind);
        request.Headers.Add(DeliveryHeader, $"{delivery.Id}.{delivery.Attempts + 1}");
        request.Headers.Add(SignatureHeader, WebhookRules.Signature(secrets, clock.GetUtcNow(), body));
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var status = (int)response.StatusCode;
            return new SendResult(response.IsSuccessStatusCode, status, response.IsSuccessStatusCode ? null : $"HTTP {status}", Elapsed(started));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            var error = e is TaskCanceledException ? "No answer in time." : Describe(e);
            return new SendResult(false, null, error, Elapsed(started));
        }
    }

    public void Dispose() => http.Dispose();

    private static int Elapsed(long started) => (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    private static string Describe(Exception e)
    {
        var message = e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;
        return message.Length > 500 ? message[..500] : message;
    }

    private static async ValueTask<Stream> ConnectToPublicAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var addresses = IPAddress.TryParse(context.DnsEndPoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
        var allowed = addresses.Where(WebhookRules.IsPublic).ToArray();
        if (allowed.Length == 0 || allowed.Length != addresses.Length)
        {
            throw new HttpRequestException("The address resolves to a private, loopback or link-local network.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
