using System.Net;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Tests;

/// <summary>
/// Every response carries the security headers, errors and files included. The access matrix checks them on every
/// mapped route for every caller with <see cref="Missing"/>; these tests look at the values.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class SecurityHeaderTests(WebFixture fixture)
{
    /// <summary>What is missing or wrong in a response's security headers; null when they are all there.</summary>
    public static string? Missing(HttpResponseMessage response, string path)
    {
        string? Header(string name) => response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;

        var csp = Header("Content-Security-Policy");
        var problems = new List<string>();
        if (path.StartsWith(SecurityHeaders.EmailPreviewPath, StringComparison.OrdinalIgnoreCase))
        {
            // An email's HTML as a mail client shows it, framed by the admin page: no script at all, sandboxed, framed only here.
            if (csp is null || !csp.Contains("default-src 'none'", StringComparison.Ordinal) || !csp.Contains("sandbox", StringComparison.Ordinal)
                || !csp.Contains("frame-ancestors 'self'", StringComparison.Ordinal) || csp.Contains("script-src", StringComparison.Ordinal))
            {
                problems.Add($"Content-Security-Policy '{csp}'");
            }

            if (Header("X-Frame-Options") != "SAMEORIGIN")
            {
                problems.Add("X-Frame-Options");
            }

            return problems.Count == 0 ? null : "security headers missing or wrong: " + string.Join("; ", problems);
        }

        if (csp is null || !csp.Contains("frame-ancestors 'none'", StringComparison.Ordinal) || !csp.Contains("object-src 'none'", StringComparison.Ordinal))
        {
            problems.Add($"Content-Security-Policy '{csp}'");
        }
        else if (!IsThirdPartyUi(path) && (csp.Contains("unsafe-inline", StringComparison.Ordinal) || !csp.Contains("script-src 'self';", StringComparison.Ordinal)))
        {
            problems.Add($"Content-Security-Policy allows more than this site's scripts: '{csp}'");
        }

        if (Header("X-Content-Type-Options") != "nosniff")
        {
            problems.Add("X-Content-Type-Options");
        }

        if (Header("X-Frame-Options") != "DENY")
        {
            problems.Add("X-Frame-Options");
        }

        if (Header("Referrer-Policy") != "strict-origin-when-cross-origin")
        {
            problems.Add("Referrer-Policy");
        }

        return problems.Count == 0 ? null : "security headers missing or wrong: " + string.Join("; ", problems);
    }

    private static bool IsThirdPartyUi(string path) =>
        path.StartsWith("/docs", StringComparison.Ordinal) || path.StartsWith("/admin/dashboard", StringComparison.Ordinal);

    [Theory]
    [InlineData("/", HttpStatusCode.OK)]
    [InlineData("/no-such-page", HttpStatusCode.NotFound)]
    [InlineData("/api/no-such-thing", HttpStatusCode.NotFound)]
    [InlineData("/api/products/prd_unknown", HttpStatusCode.NotFound)]
    [InlineData("/assets/css/site.css", HttpStatusCode.OK)]
    [InlineData("/media/0000000000000000000000000000000000000000000000000000000000000000.png", HttpStatusCode.NotFound)]
    [InlineData("/api/search?q=%00", HttpStatusCode.BadRequest)]
    [InlineData("/health/ready", HttpStatusCode.OK)]
    public async Task Pages_api_answers_errors_and_files_all_carry_them(string path, HttpStatusCode status)
    {
        using var http = fixture.CreateClient();
        using var response = await http.GetAsync(path);
        Assert.Equal(status, response.StatusCode);
        Assert.Null(Missing(response, path));
        // Not Production: browsers are not told to insist on HTTPS for a site served over plain HTTP.
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task The_page_policy_lets_scripts_and_styles_come_from_the_site_only_and_forms_go_to_the_payment_page()
    {
        using var http = fixture.CreateClient();
        using var response = await http.GetAsync("/");
        var csp = string.Join(", ", response.Headers.GetValues("Content-Security-Policy"));
        var directives = csp.Split(';', StringSplitOptions.TrimEntries).ToDictionary(d => d.Split(' ')[0], d => d);
        Assert.Equal("default-src 'self'", directives["default-src"]);
        Assert.Equal("script-src 'self'", directives["script-src"]);
        Assert.Equal("style-src 'self'", directives["style-src"]);
        Assert.Equal("connect-src 'self'", directives["connect-src"]);
        Assert.Equal("frame-ancestors 'none'", directives["frame-ancestors"]);
        Assert.Equal("base-uri 'self'", directives["base-uri"]);
        Assert.StartsWith("form-action 'self'", directives["form-action"], StringComparison.Ordinal);
    }

    [Fact]
    public void In_production_responses_insist_on_https_and_forms_lead_to_the_configured_payment_origin()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Payments:BaseUrl"] = "https://pay.example.com/v1/" })
            .Build();
        var policy = new SecurityHeaders.Policy(Options.Create(new SecurityHeadersOptions()), configuration,
            new TestHostEnvironment(Environments.Production));
        var http = new DefaultHttpContext();
        http.Request.Path = "/seller/settings";
        policy.Apply(http);

        Assert.Equal("max-age=31536000; includeSubDomains", http.Response.Headers.StrictTransportSecurity.ToString());
        Assert.Contains("form-action 'self' https://pay.example.com;", http.Response.Headers.ContentSecurityPolicy.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("http:", http.Response.Headers.ContentSecurityPolicy.ToString().Replace("https:", "", StringComparison.Ordinal),
            StringComparison.Ordinal);
    }
}
