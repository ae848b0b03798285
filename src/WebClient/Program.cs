using System.Text.Json;
using System.Text.Json.Serialization;
using Marketplace.WebClient.Api;
using Marketplace.WebClient.Infrastructure;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddMarketplaceOrleansClient();
builder.Services.AddMarketplaceProblemDetails();
builder.Services.ConfigureHttpJsonOptions(o =>
{
    o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
    o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
    // Numbers are numbers: "5" for a price is a client bug, not something to guess about.
    o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
});
builder.Services.AddValidation();
// Malformed or mistyped bodies raise BadHttpRequestException, which the exception handler turns into problem details.
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
var maxBodyBytes = builder.Configuration.GetValue<long>("Marketplace:MaxRequestBodyBytes", 1024 * 1024);
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = maxBodyBytes);
builder.Services.AddOpenApi();
builder.Services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"]);

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRequestBodyLimit(maxBodyBytes);

app.MapOpenApi();
app.MapScalarApiReference("/docs", o => o.WithTitle("Marketplace API"));

var api = app.MapGroup("/api");
api.MapSellersApi();
api.MapProductsApi();

app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready") });
app.MapGet("/", () => TypedResults.Content(LandingPage.Html, "text/html; charset=utf-8")).ExcludeFromDescription();

app.Run();
