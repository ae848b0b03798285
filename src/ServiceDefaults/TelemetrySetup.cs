using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Marketplace.ServiceDefaults;

/// <summary>
/// Metrics, traces and log format shared by the silo and the web host. Metrics are always collected and served in
/// Prometheus text at <c>/metrics</c>; traces are exported by OTLP only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set;
/// logs are JSON with trace ids when <c>Logging:Format</c> is <c>json</c>.
/// </summary>
public static class TelemetrySetup
{
    /// <summary>The meters of Orleans, ASP.NET Core, the .NET runtime and the marketplace's own counters.</summary>
    public static readonly IReadOnlyList<string> Meters =
    [
        "Microsoft.Orleans",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.RateLimiting",
        "Microsoft.AspNetCore.Authentication",
        "System.Runtime",
        "System.Net.Http",
        "Npgsql",
        "Marketplace.*",
    ];

    /// <summary>
    /// Orleans histograms recorded for every message or request (sizes, request latency): on two cores they cost a few
    /// percent of throughput, so they are dropped unless <c>Metrics:OrleansMessageHistograms</c> is true. The dashboard
    /// and the counters of the same meter still show message rates and latencies.
    /// </summary>
    public static readonly IReadOnlyList<string> PerMessageHistograms =
    [
        "orleans-messaging-sent-messages-size",
        "orleans-messaging-received-messages-size",
        "orleans-messaging-sent-header-size",
        "orleans-messaging-received-header-size",
        "orleans-app-requests-latency",
    ];

    /// <summary>The activity sources traced across the web host, grain calls and the database.</summary>
    public static readonly IReadOnlyList<string> Sources =
        ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", "Npgsql", "Marketplace.*"];

    public static TBuilder AddMarketplaceTelemetry<TBuilder>(this TBuilder builder, string serviceName)
        where TBuilder : IHostApplicationBuilder
    {
        var configuration = builder.Configuration;
        if (string.Equals(configuration["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o =>
            {
                // Scopes carry the trace and span ids of the request being logged.
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
            builder.Logging.Configure(o => o.ActivityTrackingOptions =
                ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName,
                serviceInstanceId: configuration["POD_NAME"] ?? $"{Environment.MachineName}:{Environment.ProcessId}"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter([.. Meters]).AddPrometheusExporter();
                if (!configuration.GetValue("Metrics:OrleansMessageHistograms", false))
                {
                    foreach (var histogram in PerMessageHistograms)
                    {
                        metrics.AddView(histogram, MetricStreamConfiguration.Drop);
                    }
                }
            });

        if (TracingEnabled(configuration))
        {
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsOperationsPath(context.Request.Path))
                .AddSource([.. Sources])
                .AddOtlpExporter());
        }

        return builder;
    }

    /// <summary>Traces cost an export per request; they are on only where a collector was named.</summary>
    public static bool TracingEnabled(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
        || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);

    /// <summary>
    /// Serves <c>/metrics</c>. With <c>Metrics:Port</c> set, only requests that arrived on that port get it, so a
    /// public listener (and the Ingress in front of it) never exposes the figures; the port must be one the host
    /// listens on (e.g. <c>ASPNETCORE_HTTP_PORTS=8080;9464</c>).
    /// </summary>
    public static IEndpointConventionBuilder MapMarketplaceMetrics(this IEndpointRouteBuilder app)
    {
        var configuration = app.ServiceProvider.GetRequiredService<IConfiguration>();
        var endpoint = app.MapPrometheusScrapingEndpoint(MetricsPath).WithMetadata(new AllowAnonymousAttribute());
        if (configuration.GetValue<int?>("Metrics:Port") is { } port and > 0)
        {
            endpoint.RequireHost($"*:{port}");
        }

        return endpoint;
    }

    public const string MetricsPath = "/metrics";

    private static bool IsOperationsPath(PathString path) =>
        path.StartsWithSegments(MetricsPath) || path.StartsWithSegments("/health");
}
