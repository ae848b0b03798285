using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Marketplace.Grains.Common;

/// <summary>
/// HTTP plumbing for external providers (payments, shipping): bearer API key, JSON, problem details turned into
/// <see cref="ExternalServiceException"/>, and a few retries of transient failures. Retrying is safe because every
/// call is a GET or carries an Idempotency-Key, so the provider applies it once however often it arrives.
/// </summary>
internal sealed class ProviderHttp(HttpClient http, string service)
{
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(600)];

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>A long-lived client whose pooled connections are renewed, so DNS changes of the provider are seen.</summary>
    public static HttpClient CreateClient(string baseUrl, string apiKey, TimeSpan timeout)
    {
        var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
        {
            BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/"),
            Timeout = timeout,
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    public async Task<T> PostAsync<T>(string path, object body, string idempotencyKey, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        var response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: Json) };
            request.Headers.Add("Idempotency-Key", idempotencyKey);
            return request;
        }, ct);
        using (response)
        {
            return await ReadAsync<T>(response, ct);
        }
    }

    /// <summary>GET a resource; null when the provider does not know it.</summary>
    public async Task<T?> GetAsync<T>(string path, CancellationToken ct)
        where T : class
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), ct);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadAsync<T>(response, ct);
    }

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var last = attempt == RetryDelays.Length;
            try
            {
                using var request = build();
                var response = await http.SendAsync(request, ct);
                if (last || !IsTransient(response.StatusCode))
                {
                    return response;
                }

                response.Dispose();
            }
            catch (Exception e) when (!last && !ct.IsCancellationRequested && e is HttpRequestException or TaskCanceledException)
            {
                // Connection refused, reset or timed out: try again with the same idempotency key.
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or TaskCanceledException)
            {
                throw new ExternalServiceException(service, ExternalFailure.Unavailable, null, null,
                    $"{service} did not answer: {e.Message}", e);
            }

            await Task.Delay(RetryDelays[attempt], ct);
        }
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            try
            {
                return await response.Content.ReadFromJsonAsync<T>(Json, ct)
                    ?? throw new ExternalServiceException(service, ExternalFailure.Unavailable, (int)response.StatusCode, null,
                        $"{service} answered an empty body.");
            }
            catch (JsonException e)
            {
                throw new ExternalServiceException(service, ExternalFailure.Unavailable, (int)response.StatusCode, null,
                    $"{service} answered a body that could not be read: {e.Message}", e);
            }
        }

        var (code, detail) = await ReadProblemAsync(response, ct);
        var status = (int)response.StatusCode;
        var failure = response.StatusCode switch
        {
            HttpStatusCode.NotFound => ExternalFailure.NotFound,
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ExternalFailure.Unauthorized,
            HttpStatusCode.UnprocessableEntity when code == "idempotency-key-reused" => ExternalFailure.IdempotencyConflict,
            _ when status >= 500 => ExternalFailure.Unavailable,
            _ => ExternalFailure.Refused,
        };
        throw new ExternalServiceException(service, failure, status, code, $"{service} answered {status}: {detail ?? code ?? "no details"}");
    }

    private static async Task<(string? Code, string? Detail)> ReadProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<ProblemBody>(Json, ct);
            return (problem?.Code, problem?.Detail ?? problem?.Title);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            return (null, null);
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError
            or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    private sealed record ProblemBody(string? Title, string? Detail, string? Code);
}

/// <summary>Why a call to an external provider did not succeed.</summary>
public enum ExternalFailure
{
    /// <summary>The provider refused the request as it stands (validation, a refund above the capture, a conflict).</summary>
    Refused,

    /// <summary>The Idempotency-Key was used before for a different request.</summary>
    IdempotencyConflict,

    NotFound,

    /// <summary>The API key was not accepted: a configuration error, not worth retrying.</summary>
    Unauthorized,

    /// <summary>No usable answer after retries; the same call with the same key may be tried again later.</summary>
    Unavailable,
}

/// <summary>A payment or shipping provider did not do what was asked.</summary>
public sealed class ExternalServiceException(
    string service, ExternalFailure failure, int? statusCode, string? code, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public string Service { get; } = service;

    public ExternalFailure Failure { get; } = failure;

    public int? StatusCode { get; } = statusCode;

    /// <summary>The provider's machine-readable reason (its problem details' <c>code</c>), when it gave one.</summary>
    public string? Code { get; } = code;
}
