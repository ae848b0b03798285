using Microsoft.Extensions.Options;

namespace Marketplace.Web.Infrastructure;

/// <summary>Where the pages' forms may lead besides this site, and how long browsers remember to use HTTPS.</summary>
public sealed class SecurityHeadersOptions
{
    public const string Section = "SecurityHeaders";

    /// <summary>
    /// Origins a form may be sent or redirected to. The pay button posts here and is redirected to the payment
    /// provider's hosted page, which the browser checks against <c>form-action</c>; when empty, the origin of
    /// <c>Payments:BaseUrl</c> is used.
    /// </summary>
    public string[] FormActionOrigins { get; set; } = [];

    /// <summary>
    /// Whether browsers reach the site over HTTPS only (TLS may end at a proxy in front): then responses carry HSTS and
    /// every cookie is Secure. Unset: so in Production.
    /// </summary>
    public bool? Https { get; set; }

    /// <summary>Strict-Transport-Security's max-age when <see cref="Https"/>.</summary>
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);

    public static bool ServedOverHttps(IConfiguration configuration, IHostEnvironment environment) =>
        configuration.GetValue<bool?>($"{Section}:{nameof(Https)}") ?? environment.IsProduction();
}

/// <summary>
/// The headers every response carries, set in one place before anything else runs, so error answers, redirects,
/// static files and media get them too: a Content-Security-Policy that lets scripts and styles come only from this
/// site and no other site frame it, no MIME sniffing, a referrer that stops at the origin across sites, and HSTS where
/// the site is served over HTTPS (<see cref="SecurityHeadersOptions.Https"/>).
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// The third-party user interfaces the web host serves, whose markup it does not control: the API reference starts
    /// itself with an inline module script, and the cluster dashboard is admin-only. Only their paths may run inline
    /// scripts and styles.
    /// </summary>
    private static readonly PathString[] InlineScriptPaths = ["/docs", "/admin/dashboard"];

    /// <summary>
    /// An email's HTML as a mail client shows it (inline styles, remote images), framed by the admins' preview page: no
    /// script at all, sandboxed, framed only by this site.
    /// </summary>
    public static readonly PathString EmailPreviewPath = "/admin/email/preview/html";

    private const string FormTargetItem = "marketplace.form-target";

    /// <summary>
    /// Lets this response's forms lead (through redirects) to one more origin: a sign-in or consent page whose form ends
    /// at a registered OpenID Connect client's redirect URI. The caller has checked the URI is registered.
    /// </summary>
    public static void AllowFormTarget(HttpContext http, Uri target) =>
        http.Items[FormTargetItem] = target.GetLeftPart(UriPartial.Authority);

    public static IServiceCollection AddMarketplaceSecurityHeaders(this IServiceCollection services)
    {
        services.AddOptions<SecurityHeadersOptions>().BindConfiguration(SecurityHeadersOptions.Section);
        services.AddSingleton<Policy>();
        return services;
    }

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var policy = app.ApplicationServices.GetRequiredService<Policy>();
        return app.Use((context, next) =>
        {
            // On start, not now: the exception handler clears headers before it writes an error answer.
            context.Response.OnStarting(static state =>
            {
                var (http, policy) = ((HttpContext, Policy))state;
                policy.Apply(http);
                return Task.CompletedTask;
            }, (context, policy));
            return next(context);
        });
    }

    /// <summary>The header values, built once from configuration.</summary>
    public sealed class Policy
    {
        private readonly string pages;
        private readonly string inlineUi;
        private readonly string emailPreview;
        private readonly string? hsts;

        public Policy(IOptions<SecurityHeadersOptions> options, IConfiguration configuration, IHostEnvironment environment)
        {
            var formOrigins = options.Value.FormActionOrigins.Length > 0
                ? options.Value.FormActionOrigins
                : Uri.TryCreate(configuration["Payments:BaseUrl"], UriKind.Absolute, out var payments) ? [payments.GetLeftPart(UriPartial.Authority)] : [];
            var formAction = string.Join(' ', ["'self'", .. formOrigins]);
            // Store logos are URLs the stores give; in Development they point at another local address of this host.
            var images = environment.IsDevelopment() ? "'self' data: https: http:" : "'self' data: https:";
            var common = $"default-src 'self'; img-src {images}; font-src 'self' data:; connect-src 'self'; object-src 'none'; " +
                         $"base-uri 'self'; form-action {formAction}; frame-ancestors 'none'";
            pages = $"{common}; script-src 'self'; style-src 'self'";
            inlineUi = $"{common}; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'";
            emailPreview = $"default-src 'none'; img-src {images}; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox";
            if (SecurityHeadersOptions.ServedOverHttps(configuration, environment))
            {
                hsts = $"max-age={(long)options.Value.HstsMaxAge.TotalSeconds}; includeSubDomains";
            }
        }

        public string ContentSecurityPolicy(PathString path) =>
            path.Equals(EmailPreviewPath, StringComparison.OrdinalIgnoreCase) ? emailPreview
            : Array.Exists(InlineScriptPaths, p => path.StartsWithSegments(p)) ? inlineUi : pages;

        public void Apply(HttpContext http)
        {
            var headers = http.Response.Headers;
            var policy = ContentSecurityPolicy(http.Request.Path);
            headers.ContentSecurityPolicy = http.Items.TryGetValue(FormTargetItem, out var target) && target is string origin
                ? policy.Replace("form-action 'self'", $"form-action 'self' {origin}", StringComparison.Ordinal)
                : policy;
            headers.XFrameOptions = http.Request.Path.Equals(EmailPreviewPath, StringComparison.OrdinalIgnoreCase) ? "SAMEORIGIN" : "DENY";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            if (hsts is not null)
            {
                headers.StrictTransportSecurity = hsts;
            }
        }
    }
}
