using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// The Idempotency-Key header of create requests. A key names the thing to create (its id is derived from the key), and
/// the request's fingerprint lets the grain tell a retry (same body) from a reuse of the key for something else.
/// </summary>
public static class Idempotency
{
    public const string HeaderName = "Idempotency-Key";
    public const int MaxKeyLength = 200;

    /// <summary>Reads the header; answers false with an error message when it is present but unusable.</summary>
    public static bool TryGetKey(HttpRequest request, out string? key, out string? error)
    {
        key = null;
        error = null;
        if (!request.Headers.TryGetValue(HeaderName, out var values))
        {
            return true;
        }

        var value = values.Count == 1 ? values[0] : null;
        if (string.IsNullOrEmpty(value) || value.Length > MaxKeyLength || value.Any(c => c is < '!' or > '~'))
        {
            error = $"{HeaderName} must be one value of 1-{MaxKeyLength} printable ASCII characters without spaces.";
            return false;
        }

        key = value;
        return true;
    }

    /// <summary>A stable hash of the request as the endpoint understood it.</summary>
    public static string Fingerprint<T>(T request, IOptions<JsonOptions> json)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(request, json.Value.SerializerOptions);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}
