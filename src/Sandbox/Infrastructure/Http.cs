using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Marketplace.Sandbox.Infrastructure;

/// <summary>Request plumbing shared by the payment and carrier APIs.</summary>
public static class Http
{
    public const string IdempotencyHeader = "Idempotency-Key";

    /// <summary>Requires <c>Authorization: Bearer {key}</c> on every endpoint of a group.</summary>
    public static RouteGroupBuilder RequireApiKey(this RouteGroupBuilder group, Func<SandboxOptions, string?> key)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            var expected = key(context.HttpContext.RequestServices
                .GetRequiredService<Microsoft.Extensions.Options.IOptions<SandboxOptions>>().Value);
            var header = context.HttpContext.Request.Headers.Authorization.ToString();
            const string scheme = "Bearer ";
            var presented = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : "";
            if (expected is null || !CryptographicOperations.FixedTimeEquals(
                    Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected)))
            {
                context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
                return Problem(StatusCodes.Status401Unauthorized, "unauthorized",
                    "Send the API key as 'Authorization: Bearer <key>'.");
            }

            return await next(context);
        });
        return group;
    }

    public static IResult Problem(int status, string code, string detail) =>
        TypedResults.Problem(statusCode: status, detail: detail,
            title: Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status),
            extensions: new Dictionary<string, object?> { ["code"] = code });

    public static IResult Problem(Refusal refusal) => Problem(refusal.Status, refusal.Code, refusal.Detail);

    /// <summary>Reads a JSON body without letting anything the client sends surface as a 500.</summary>
    public static async Task<(T? Value, IResult? Error)> ReadJsonAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type",
                "Send the body as application/json."));
        }

        try
        {
            var value = await request.ReadFromJsonAsync<T>(SandboxJson.Options, ct);
            return value is null
                ? (null, Problem(StatusCodes.Status400BadRequest, "malformed-body", "The body must be a JSON object."))
                : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Problem(StatusCodes.Status400BadRequest, "malformed-body",
                $"The body is not valid JSON for this request{(e.Path is { } path ? $" (at {path})" : "")}."));
        }
        catch (BadHttpRequestException e)
        {
            return (null, Problem(e.StatusCode, "bad-request", e.Message));
        }
    }

    /// <summary>The required Idempotency-Key: 1-255 printable ASCII characters.</summary>
    public static bool TryGetIdempotencyKey(HttpRequest request, out string key, out IResult? error)
    {
        key = "";
        error = null;
        var values = request.Headers[IdempotencyHeader];
        var value = values.Count == 1 ? values[0] : null;
        if (string.IsNullOrEmpty(value) || value.Length > 255 || value.Any(c => c is < '!' or > '~'))
        {
            error = Problem(StatusCodes.Status400BadRequest, "idempotency-key-required",
                $"Send one {IdempotencyHeader} header of 1-255 printable ASCII characters.");
            return false;
        }

        key = value;
        return true;
    }

    public static string Fingerprint<T>(T request) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, SandboxJson.Options)));

    /// <summary>Answers an idempotent create: the stored answer (first or replayed), a refusal, or 422 on key reuse.</summary>
    public static IResult Answer(HttpResponse response, IdempotencyResult result)
    {
        if (result.Mismatch)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused",
                $"This {IdempotencyHeader} was already used with a different request.");
        }

        if (result.Refusal is { } refusal)
        {
            return Problem(refusal);
        }

        if (result.Replayed)
        {
            response.Headers["Idempotent-Replayed"] = "true";
        }

        return TypedResults.Content(result.Answer!.Body, "application/json; charset=utf-8", Encoding.UTF8, result.Answer.Status);
    }

    /// <summary>Where links to this sandbox point: the configured public URL, else the address the caller used.</summary>
    public static string PublicBase(HttpRequest request, SandboxOptions options) =>
        string.IsNullOrWhiteSpace(options.PublicUrl)
            ? $"{request.Scheme}://{request.Host}"
            : options.PublicUrl.TrimEnd('/');

    public static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && value!.Length <= 2000;

    /// <summary>A plain string field: present, not blank, at most <paramref name="max"/> characters.</summary>
    public static void RequireText(Dictionary<string, string[]> errors, string name, string? value, int max = 200)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > max)
        {
            errors[name] = [$"Required, at most {max} characters."];
        }
    }
}

/// <summary>303 See Other: after a form POST the browser follows with a GET.</summary>
public sealed class SeeOther(string location) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
        httpContext.Response.Headers.Location = location;
        return Task.CompletedTask;
    }
}
