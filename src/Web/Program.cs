using System.Text.Json;
using System.Text.Json.Serialization;
using Marketplace.ServiceDefaults;
using Marketplace.Web.Accounts;
using Marketplace.Web.Admin;
using Marketplace.Web.Cart;
using Marketplace.Web.Catalog;
using Marketplace.Web.Community;
using Marketplace.Web.Finance;
using Marketplace.Web.Infrastructure;
using Marketplace.Web.Insights;
using Marketplace.Web.Integrations;
using Marketplace.Web.Media;
using Marketplace.Web.Notifications;
using Marketplace.Web.OpenId;
using Marketplace.Web.Orders;
using Marketplace.Web.Promotions;
using Marketplace.Web.Realtime;
using Marketplace.Web.Returns;
using Marketplace.Web.Search;
using Marketplace.Web.SellerConsole;
using Marketplace.Web.Shared;
using Microsoft.Extensions.Options;
using Npgsql;
using Scalar.AspNetCore;

HealthProbe.ExitIfAsked(args);
var builder = WebApplication.CreateBuilder(args);

builder.AddDemoSeeding();
var benchmarkModule = builder.AddBenchmarkModule();
builder.AddMarketplaceTelemetry("marketplace-web");
var connectionString = builder.AddMarketplaceOrleansClient();
builder.AddMarketplaceAuth(connectionString);
builder.AddMarketplaceOpenIdConnect();
builder.AddMarketplaceWebUi();
builder.AddMarketplaceEmail();
builder.Services.AddMarketplaceProblemDetails();
builder.Services.AddMarketplaceSecurityHeaders();
if (SecurityHeadersOptions.ServedOverHttps(builder.Configuration, builder.Environment))
{
    // Served over HTTPS: every cookie the site sets (session, form token, language) is Secure.
    builder.Services.Configure<CookiePolicyOptions>(o => o.Secure = CookieSecurePolicy.Always);
}

builder.Services.AddMarketplaceRateLimits(builder.Configuration);
builder.Services.AddPublicApiCors();
builder.Services.AddOptions<SearchOptions>().BindConfiguration(SearchOptions.Section);
builder.Services.AddSingleton<SearchIndexFeed>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<SearchIndexFeed>());
builder.Services.AddSingleton<ProductSearch>();
builder.Services.AddSingleton<OrderQueries>();
builder.Services.AddSingleton<CheckoutService>();
builder.Services.AddOptions<RecordingOptions>().BindConfiguration(RecordingOptions.Section);
builder.Services.AddSingleton<EventRecorder>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<EventRecorder>());
builder.Services.AddOptions<RecommendationOptions>().BindConfiguration(RecommendationOptions.Section);
builder.Services.AddSingleton<RecommendationFeed>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<RecommendationFeed>());
builder.Services.AddSingleton<Recommender>();
builder.Services.AddSingleton<ExportQueries>();
builder.Services.AddSingleton<WebhookQueries>();
builder.Services.AddOptions<CatalogImportOptions>().BindConfiguration(CatalogImportOptions.Section);
builder.Services.AddSingleton<CatalogImports>();
builder.Services.AddSingleton<CatalogImportRunner>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<CatalogImportRunner>());
builder.Services.AddScoped<AccountDeletion>();
builder.Services.AddSingleton<IAccountErasure, PageEventErasure.OnAccountDeleted>();
builder.Services.AddSingleton<StaffInvitations>();
builder.Services.AddSingleton<ProductEditing>();
builder.Services.AddSingleton<VerifiedSellers>();
builder.Services.AddScoped<AdminQueries>();
builder.Services.AddScoped<LedgerQueries>();
builder.Services.AddScoped<FinanceQueries>();
builder.Services.AddScoped<Payouts>();
builder.Services.AddOptions<FinanceOptions>().BindConfiguration("Finance");
builder.Services.AddScoped<TwoFactor>();
builder.Services.AddMarketplaceRealtime();
// Request lines carry the hub's access_token query value; this category must never log them.
builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
builder.Services.AddOptions<PublicUrlOptions>().BindConfiguration(PublicUrlOptions.Section);
builder.Services.AddOptions<BlobOptions>().BindConfiguration("Blobs");
builder.Services.AddSingleton<IBlobStore>(sp =>
{
    var path = sp.GetRequiredService<IOptions<BlobOptions>>().Value.Path;
    return new FileSystemBlobStore(path is { Length: > 0 } ? path : Path.Combine(builder.Environment.ContentRootPath, "blobs"));
});
builder.Services.ConfigureHttpJsonOptions(o =>
{
    o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
    o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
    // Numbers are numbers: "5" for a price is a client bug, not something to guess about.
    o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
    o.SerializerOptions.Converters.Add(StorableInput.Converter);
});
builder.Services.AddValidation();
// Malformed or mistyped bodies raise BadHttpRequestException, which the exception handler turns into problem details.
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
var maxBodyBytes = builder.Configuration.GetValue<long>("Marketplace:MaxRequestBodyBytes", 1024 * 1024);
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = maxBodyBytes);
builder.Services.AddOpenApi(o => o.DescribeStoreApiKeys());
builder.Services.AddSingleton<AccountSeeder>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<AccountSeeder>());
builder.Services.AddHealthChecks()
    .AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"])
    .AddCheck<AccountSeeder>("accounts", tags: ["ready"])
    .AddCheck<SearchIndexFeed>("search", tags: ["ready"]);

var app = builder.Build();

app.UseSecurityHeaders();
// API errors are problem details (ApiExceptionHandler); a page's error re-renders as the friendly /error page.
app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandlingPath = "/error" });
app.UseCookiePolicy();
app.UseMarketplaceWebUi();
app.UseRouting();
app.UseRequestBodyLimit(maxBodyBytes);
app.UseStorableInput();
app.UseCors();
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();
app.UseCallerContext();

app.MapOpenApi().AllowAnonymous();
app.MapScalarApiReference("/docs", o => o.WithTitle("Marketplace API")).AllowAnonymous();

// Secure by default: an API endpoint that says nothing else needs a signed-in account (public reads opt out).
var api = app.MapGroup("/api").RequireAuthorization(AuthorizationSetup.UserPolicy).RetryTransientFailures();
api.MapAccountsApi();
api.MapAccountEmailApi();
api.MapSellersApi();
api.MapProductsApi();
api.MapSearchApi();
api.MapAdminApi();
api.MapCheckoutApi();
api.MapOrdersApi();
api.MapReturnsApi();
api.MapNotificationsApi();
api.MapEmailPreferencesApi();
api.MapAnnouncementsApi();
api.MapFinanceApi();
api.MapCouponsApi();
api.MapInsightsApi();
api.MapExportsApi();
api.MapQuestionsApi();
api.MapReviewsApi();
api.MapWebhookEndpointsApi();
api.MapStoreApiKeysApi();
api.MapCatalogImportApi();
api.MapOidcClientsApi();
app.MapOpenIdConnect();
app.MapExternalSignIn();
// Providers sign their callbacks instead of holding tokens.
app.MapGroup("/api").MapWebhooksApi();
// Partner systems authenticate with API keys, not user tokens.
app.MapGroup("/api").MapIntegrationsApi();
// Guests have carts too: the cart group asks for any token, not for an account.
app.MapGroup("/api").RetryTransientFailures().MapCartApi().MapCartCouponsApi().MapRecordingConsentApi().MapRecommendationsApi();

// The Online Marketplace benchmark's contract: unauthenticated by design, so off unless configured (404 then).
app.MapBenchmarkModule(benchmarkModule);

app.MapMarketHub();
app.MapMediaApi();
app.MapEmbedApi();

app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();
app.MapMarketplaceMetrics().DisableRateLimiting();
app.MapAdminDashboard();
app.MapMarketplaceWebUi();

app.Run();
