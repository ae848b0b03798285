using System.Globalization;
using Marketplace.ServiceDefaults;
using Marketplace.Web.Accounts;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.FileProviders;

namespace Marketplace.Web.Shared;

/// <summary>
/// The web pages at "/": server-rendered Razor Pages over the same grains the API calls, in English and Spanish, with
/// their scripts and styles compiled into the assembly.
/// </summary>
public static class WebUi
{
    public const string AssetsPath = "/assets";

    public static readonly CultureInfo[] Cultures = [new("en"), new("es")];

    public static WebApplicationBuilder AddMarketplaceWebUi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddRazorPages(o =>
            {
                // Pages live with their area (Catalog/Pages, Orders/Pages, …) and name their URL in @page, so the
                // folder says what a page is about and the route says where it is served.
                o.RootDirectory = "/";
                o.Conventions.AuthorizeFolder("/SellerConsole/Pages", AuthorizationSetup.SellerPolicy);
                o.Conventions.AddPageRoute("/SellerConsole/Pages/Products/Edit", "seller/products/new");
                // The addresses these two pages had as Pages/Index.cshtml and Pages/Orders/Index.cshtml stay served.
                o.Conventions.AddPageRoute("/Catalog/Pages/Index", "Index");
                o.Conventions.AddPageRoute("/Orders/Pages/Index", "orders/index");
                o.Conventions.AuthorizePage("/Promotions/Pages/Coupons", AuthorizationSetup.SellerPolicy);
                o.Conventions.AuthorizePage("/Insights/Pages/SellerReports", AuthorizationSetup.SellerPolicy);
                o.Conventions.AuthorizePage("/Insights/Pages/AdminReports", AuthorizationSetup.AdminPolicy);
                o.Conventions.AuthorizePage("/Integrations/Pages/SellerWebhooks", AuthorizationSetup.SellerPolicy);
                o.Conventions.AuthorizePage("/Integrations/Pages/SellerApiKeys", AuthorizationSetup.SellerPolicy);
                o.Conventions.AuthorizePage("/Integrations/Pages/AdminWebhooks", AuthorizationSetup.AdminPolicy);
                o.Conventions.AuthorizeFolder("/Admin/Pages", AuthorizationSetup.AdminPolicy);
                o.Conventions.AuthorizeFolder("/Orders/Pages", AuthorizationSetup.UserPolicy);
                o.Conventions.AuthorizePage("/Cart/Pages/Checkout", AuthorizationSetup.UserPolicy);
                o.Conventions.AuthorizePage("/Notifications/Pages/Notifications", AuthorizationSetup.UserPolicy);
                o.Conventions.AuthorizePage("/Accounts/Pages/Security", AuthorizationSetup.UserPolicy);
                o.Conventions.AuthorizePage("/Accounts/Pages/Email", AuthorizationSetup.UserPolicy);
                o.Conventions.AuthorizePage("/Notifications/Pages/Preferences", AuthorizationSetup.UserPolicy);
                o.Conventions.AuthorizePage("/Accounts/Pages/Invitation", AuthorizationSetup.UserPolicy);
                // Signing in and registering are limited like the API's auth endpoints (per client address).
                o.Conventions.AddPageApplicationModelConvention("/Accounts/Pages/Login", m => m.EndpointMetadata.Add(RateLimits.AuthCategory));
                o.Conventions.AddPageApplicationModelConvention("/Accounts/Pages/Register", m => m.EndpointMetadata.Add(RateLimits.AuthCategory));
            })
            .AddViewLocalization()
            .AddDataAnnotationsLocalization(o => o.DataAnnotationLocalizerProvider = (_, factory) => factory.Create(typeof(Text)));
        // No client-side validation library runs here (forms are checked on the server), and its hooks would put a
        // style attribute into every page with a validation summary, which the Content-Security-Policy refuses.
        services.Configure<Microsoft.AspNetCore.Mvc.MvcViewOptions>(o => o.HtmlHelperOptions.ClientValidationEnabled = false);
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        // Spanish text stays readable in the HTML ("Almacén", not "Almac&#xE9;n"); markup characters are still encoded.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture("en");
            o.SupportedCultures = Cultures;
            o.SupportedUICultures = Cultures;
            o.RequestCultureProviders =
            [
                new QueryStringRequestCultureProvider { QueryStringKey = "lang", UIQueryStringKey = "lang" },
                new CookieRequestCultureProvider(),
                new AcceptLanguageHeaderRequestCultureProvider(),
            ];
        });

        // Cookies and form tokens must read the same on every web host and after restarts: one key ring, in PostgreSQL.
        services.AddDataProtection().SetApplicationName("marketplace").PersistKeysToDbContext<AccountsDbContext>();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "mk_af";
            o.HeaderName = "X-CSRF-TOKEN";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddHttpContextAccessor();
        services.AddScoped<PageChrome>();
        return builder;
    }

    /// <summary>Whether a request is for a web page (HTML errors) rather than the API and the other machine endpoints.</summary>
    public static bool IsPage(HttpContext http) => IsPage(http.Request.Path);

    public static bool IsPage(PathString path)
    {
        return !(path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/health")
                 || path.StartsWithSegments("/metrics") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/docs")
                 || path.StartsWithSegments("/media") || path.StartsWithSegments("/embed") || path.StartsWithSegments("/admin/dashboard")
                 || path.StartsWithSegments(BenchmarkModule.RoutePrefix)
                 // The OpenID Connect provider's machine endpoints answer in the protocol's own terms.
                 || path.StartsWithSegments(OpenId.OidcSetup.TokenPath) || path.StartsWithSegments(OpenId.OidcSetup.UserInfoPath)
                 || path.StartsWithSegments("/.well-known")
                 || path.StartsWithSegments(AssetsPath));
    }

    /// <summary>Friendly HTML for page errors (the API keeps its problem details), localization, and the embedded assets.</summary>
    public static WebApplication UseMarketplaceWebUi(this WebApplication app)
    {
        app.UseWhen(IsPage, page => page.UseStatusCodePagesWithReExecute("/error/{0}"));
        app.UseWhen(http => !IsPage(http), other => other.UseStatusCodePages());
        app.UseRequestLocalization();
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = AssetsPath,
            FileProvider = Assets,
            // Pages link them with a version query (asp-append-version), so a new build is a new URL.
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "public, max-age=31536000, immutable",
        });
        return app;
    }

    public static WebApplication MapMarketplaceWebUi(this WebApplication app)
    {
        app.MapRazorPages();
        app.MapPost("/live/token", IssueLiveToken).ExcludeFromDescription().AllowAnonymous().DisableAntiforgery();
        app.MapGet("/culture", ChooseCulture).ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    /// <summary>Styles and scripts of the pages, and the SignalR browser client restored from npm at build time.</summary>
    public static IFileProvider Assets { get; } = new CompositeFileProvider(
        new ManifestEmbeddedFileProvider(typeof(WebUi).Assembly, "Shared/Assets"),
        new ManifestEmbeddedFileProvider(typeof(WebUi).Assembly, "node_modules/@microsoft/signalr/dist/browser"),
        new ManifestEmbeddedFileProvider(typeof(WebUi).Assembly, "node_modules/chart.js/dist"));

    /// <summary>Remembers the reader's language for a year and goes back to the page they were on.</summary>
    private static IResult ChooseCulture(HttpContext http, string? lang, string? returnUrl)
    {
        if (Cultures.FirstOrDefault(c => c.Name == lang) is { } culture)
        {
            http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { MaxAge = TimeSpan.FromDays(365), SameSite = SameSiteMode.Lax, HttpOnly = true, IsEssential = true });
        }

        return Results.LocalRedirect(Links.Local(returnUrl));
    }

    /// <summary>An asset's URL with a content hash, so browsers may cache it for good and still get a new build's file.</summary>
    public static string Asset(string path) => AssetUrls.GetOrAdd(path, static p =>
    {
        var file = Assets.GetFileInfo(p);
        if (!file.Exists)
        {
            throw new InvalidOperationException($"The asset {p} is not embedded.");
        }

        using var stream = file.CreateReadStream();
        return $"{AssetsPath}/{p}?v={Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream))[..12]}";
    });

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> AssetUrls = new(StringComparer.Ordinal);

    /// <summary>
    /// The page's live script trades the cookie for a short-lived bearer token for the hub (which, like the API, takes
    /// only tokens). It proves the page is ours with the form token, so another site cannot fetch it.
    /// </summary>
    private static async Task<IResult> IssueLiveToken(HttpContext http, IAntiforgery antiforgery, TokenService tokens)
    {
        try
        {
            await antiforgery.ValidateRequestAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, "antiforgery", "The page's form token is missing or not valid; reload the page.");
        }

        // Someone who has neither account nor guest cookie only watches: a throw-away guest identity serves, and no
        // cookie is set, so the forms already on the page (whose tokens name an anonymous visitor) stay valid.
        var visitor = http.User.Identity?.IsAuthenticated == true
            ? http.User
            : WebSession.Principal(TokenService.GuestClaims(TokenService.NewGuestId()));
        var token = tokens.CreateAccessToken(visitor);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new { accessToken = token.Token, expiresAt = token.ExpiresAt });
    }
}
