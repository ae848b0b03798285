using System.Globalization;
using System.Threading.RateLimiting;
using Marketplace.Web.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Marketplace.Web.Infrastructure;

/// <summary>Limits per client address and per user (configuration section "RateLimits").</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Off with MARKETPLACE_RATE_LIMITS=off (load tests on one machine); account lockout stays on.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Requests to /api/auth per client address per minute.</summary>
    public int AuthPerMinute { get; set; } = 300;

    /// <summary>Reads (GET/HEAD) per client address per second.</summary>
    public int ReadsPerSecond { get; set; } = 100;

    /// <summary>Writes per user (or per address when anonymous) per second.</summary>
    public int WritesPerSecond { get; set; } = 60;

    /// <summary>Questions one user may ask per hour, across all products (a person types them; a script does not).</summary>
    public int QuestionsPerHour { get; set; } = 30;

    /// <summary>Requests that send an email (password reset, verification again) per client address per hour.</summary>
    public int EmailRequestsPerHour { get; set; } = 20;

    /// <summary>Requests per API key per second, on top of the limits per address (an integration's budget).</summary>
    public int ApiKeyRequestsPerSecond { get; set; } = 20;
}

/// <summary>
/// One global limiter that picks a bucket per request: auth endpoints by client address per minute, reads by client
/// address, writes by user. Refusals are 429 problem details with Retry-After.
/// </summary>
public static class RateLimits
{
    /// <summary>Endpoint metadata that puts an endpoint in the auth bucket.</summary>
    public static readonly AuthRateLimitCategory AuthCategory = new();

    public sealed class AuthRateLimitCategory;

    /// <summary>Endpoint metadata that puts an endpoint in the per-user questions bucket.</summary>
    public static readonly QuestionRateLimitCategory QuestionCategory = new();

    public sealed class QuestionRateLimitCategory;

    /// <summary>Endpoint metadata that puts an endpoint in the per-address bucket of requests that send an email.</summary>
    public static readonly EmailRateLimitCategory EmailCategory = new();

    public sealed class EmailRateLimitCategory;

    public static IServiceCollection AddMarketplaceRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        if (string.Equals(configuration["MARKETPLACE_RATE_LIMITS"], "off", StringComparison.OrdinalIgnoreCase))
        {
            options.Enabled = false;
        }

        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, options)),
                PartitionedRateLimiter.Create<HttpContext, string>(context => KeyPartition(context, options)));
            limiter.OnRejected = OnRejected;
        });
        return services;
    }

    private static RateLimitPartition<string> Partition(HttpContext context, RateLimitOptions options)
    {
        if (!options.Enabled)
        {
            return RateLimitPartition.GetNoLimiter("none");
        }

        // Signing in and registering count alike whether through the API or the pages' forms.
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (context.GetEndpoint()?.Metadata.GetMetadata<EmailRateLimitCategory>() is not null)
        {
            return RateLimitPartition.GetFixedWindowLimiter("email:" + address, _ => Window(options.EmailRequestsPerHour, TimeSpan.FromHours(1)));
        }

        if (context.GetEndpoint()?.Metadata.GetMetadata<AuthRateLimitCategory>() is not null)
        {
            return RateLimitPartition.GetFixedWindowLimiter("auth:" + address, _ => Window(options.AuthPerMinute, TimeSpan.FromMinutes(1)));
        }

        if (!context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            return RateLimitPartition.GetNoLimiter("none");
        }

        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        {
            return RateLimitPartition.GetFixedWindowLimiter("read:" + address, _ => Window(options.ReadsPerSecond, TimeSpan.FromSeconds(1)));
        }

        var who = context.User.Identity?.IsAuthenticated == true && context.User.FindFirst(MarketplaceClaims.Subject)?.Value is { } subject
            ? "user:" + subject
            : "address:" + address;
        if (context.GetEndpoint()?.Metadata.GetMetadata<QuestionRateLimitCategory>() is not null)
        {
            return RateLimitPartition.GetFixedWindowLimiter("questions:" + who, _ => Window(options.QuestionsPerHour, TimeSpan.FromHours(1)));
        }

        return RateLimitPartition.GetFixedWindowLimiter("write:" + who, _ => Window(options.WritesPerSecond, TimeSpan.FromSeconds(1)));
    }

    /// <summary>
    /// A request carrying an API key also counts against that key (by the id the key names: a key's id is shown only to
    /// its owners, so nobody else can spend its budget).
    /// </summary>
    private static RateLimitPartition<string> KeyPartition(HttpContext context, RateLimitOptions options)
    {
        if (!options.Enabled || !context.Request.Headers.TryGetValue(ApiKeyAuthenticationHandler.HeaderName, out var values)
            || values.Count != 1 || values[0]!.Split('_') is not [_, { Length: 32 } id, _])
        {
            return RateLimitPartition.GetNoLimiter("none");
        }

        return RateLimitPartition.GetFixedWindowLimiter("key:" + id, _ => Window(options.ApiKeyRequestsPerSecond, TimeSpan.FromSeconds(1)));
    }

    private static FixedWindowRateLimiterOptions Window(int permits, TimeSpan window) => new()
    {
        PermitLimit = Math.Max(1, permits),
        Window = window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static async ValueTask OnRejected(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        if (Shared.WebUi.IsPage(http))
        {
            // A person's page: the empty 429 is rendered as the friendly error page by the status-code pages.
            return;
        }

        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = "Slow down: this client sent more requests than allowed. Retry after the time in Retry-After.",
                Type = "https://httpstatuses.io/429",
                Extensions = { ["code"] = "rate-limited" },
            },
        });
    }
}
