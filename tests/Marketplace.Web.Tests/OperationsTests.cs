using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marketplace.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Marketplace.Web.Tests;

/// <summary>What operators read: Prometheus metrics, the cluster API and the admin-only Orleans dashboard.</summary>
[Collection(OrdersWebCollection.Name)]
public sealed class OperationsTests(OrdersWebFixture fixture)
{
    [Fact]
    public async Task Metrics_are_served_in_prometheus_text_with_aspnetcore_orleans_hub_and_business_figures()
    {
        using var seller = fixture.CreateClient();
        var productId = await seller.CreateProductAsync(await seller.CreateStoreAsync());
        var (shopper, account) = await ShopSteps.ShopperAsync(fixture);
        await using var device = await HubClient.ConnectAsync(fixture.BaseUrl, account.AccessToken);
        await ShopSteps.AddAsync(shopper, productId, "CAFE-250", 1);
        await device.WaitForAsync("CartChanged", _ => true);

        using var scraper = fixture.CreateClient();
        var response = await scraper.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^signalr_server_active_connections\{[^}]*\} [1-9]", text);
        Assert.Matches(@"(?m)^marketplace_realtime_pushes_total\{[^}]*kind=""CartChanged""[^}]*\} [1-9]", text);
        Assert.Matches(@"(?m)^orleans_[a-z_]+", text);
        Assert.Matches(@"(?m)^dotnet_gc_heap_total_allocated_bytes_total", text);
        // Histograms recorded per message are dropped unless asked for (Metrics:OrleansMessageHistograms).
        Assert.DoesNotMatch(@"(?m)^orleans_messaging_sent_messages_size", text);
    }

    [Fact]
    public async Task With_a_metrics_port_the_figures_are_served_only_there()
    {
        await using var host = new WebHostFactory(fixture, new Dictionary<string, string> { ["Metrics:Port"] = "9464" });
        using var http = host.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/metrics")).StatusCode);
        using var scrape = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        scrape.Headers.Host = "localhost:9464";
        var response = await http.SendAsync(scrape);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("http_server_request_duration_seconds", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cluster_api_lists_the_active_silos_with_their_activations()
    {
        using var admin = await AdminAsync();
        var cluster = await (await admin.GetAsync("/api/admin/cluster")).ReadJsonAsync();
        var silos = cluster.GetProperty("silos").EnumerateArray().ToList();

        Assert.NotEmpty(silos);
        Assert.All(silos, silo =>
        {
            Assert.Equal("active", silo.GetProperty("status").GetString());
            Assert.Matches(@"^S?\d+\.\d+\.\d+\.\d+:\d+:\d+$", silo.GetProperty("address").GetString()!);
            Assert.True(silo.GetProperty("startedAt").GetDateTimeOffset() < DateTimeOffset.UtcNow);
        });
        Assert.True(silos.Sum(s => s.GetProperty("activations").GetInt32()) > 0);
    }

    [Fact]
    public async Task An_admin_opens_the_dashboard_in_a_browser_through_a_cookie_that_works_nowhere_else()
    {
        using var admin = await AdminAsync();
        var opened = await admin.PostAsync("/api/admin/dashboard/session", null);
        Assert.Equal(HttpStatusCode.NoContent, opened.StatusCode);
        var setCookie = Assert.Single(opened.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("mk_dashboard=", setCookie, StringComparison.Ordinal);
        Assert.Contains("path=/admin/dashboard", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        var cookie = setCookie.Split(';')[0];

        // A browser sends only the cookie: the page and its data answer.
        using var browser = fixture.CreateClient();
        var page = await WithCookie(browser, "/admin/dashboard/", cookie);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        var stats = await WithCookie(browser, "/admin/dashboard/ClusterStats", cookie);
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
        Assert.Equal(JsonValueKind.Object, (await stats.ReadJsonAsync()).ValueKind);

        // The cookie is not a way into the API, and without it the dashboard is closed.
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithCookie(browser, "/api/admin/cluster", cookie)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/admin/dashboard/ClusterStats")).StatusCode);

        // A shopper's token in that cookie is refused, and so is a shopper trading for one.
        var (shopper, account) = await ShopSteps.ShopperAsync(fixture);
        Assert.Equal(HttpStatusCode.Forbidden, (await WithCookie(browser, "/admin/dashboard/ClusterStats", "mk_dashboard=" + account.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await shopper.PostAsync("/api/admin/dashboard/session", null)).StatusCode);

        var closed = await admin.DeleteAsync("/api/admin/dashboard/session");
        Assert.Equal(HttpStatusCode.NoContent, closed.StatusCode);
        Assert.Contains("expires=Thu, 01 Jan 1970", Assert.Single(closed.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task With_a_collector_named_a_request_is_traced_through_its_grain_calls_and_exported_by_otlp()
    {
        await using var collector = await OtlpCollector.StartAsync();
        await using var host = new WebHostFactory(fixture, new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.BaseUrl,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });
        using var seller = fixture.CreateClient();
        var productId = await seller.CreateProductAsync(await seller.CreateStoreAsync());
        using var http = host.CreateClient();
        var traceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/products/{productId}");
        request.Headers.Add("traceparent", $"00-{traceId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-01");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);

        // OTLP carries ids as raw bytes and names as UTF-8: the request's span and the grain call's span, in that trace.
        var exported = await collector.WaitForAsync(body => body.AsSpan().IndexOf(Convert.FromHexString(traceId)) >= 0
            && Encoding.UTF8.GetString(body).Contains("IProductGrain", StringComparison.Ordinal));
        var text = Encoding.UTF8.GetString(exported);
        Assert.Contains("/api/products/{productId}", text, StringComparison.Ordinal);
        Assert.Contains("marketplace-web", text, StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> WithCookie(HttpClient http, string path, string cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return http.SendAsync(request);
    }

    private async Task<HttpClient> AdminAsync()
    {
        var http = fixture.CreateClient();
        http.UseToken(await http.LoginAsync(TestSecrets.AdminEmail, TestSecrets.AdminPassword));
        return http;
    }
}

/// <summary>An OTLP/HTTP endpoint in the test process that keeps every trace export it receives, byte for byte.</summary>
internal sealed class OtlpCollector : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<byte[]> exports = new();

    private OtlpCollector(WebApplication app) => this.app = app;

    public string BaseUrl { get; private set; } = "";

    public static async Task<OtlpCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var collector = new OtlpCollector(app);
        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            collector.exports.Enqueue(body.ToArray());
            return Results.Ok();
        });
        await app.StartAsync();
        collector.BaseUrl = app.Urls.Single();
        return collector;
    }

    public async Task<byte[]> WaitForAsync(Func<byte[], bool> match)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (exports.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No matching trace export among {exports.Count} received.");
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

