using Marketplace.Sandbox;
using Marketplace.Sandbox.Infrastructure;
using Marketplace.Sandbox.Payments;
using Marketplace.Sandbox.Shipping;
using Marketplace.Sandbox.Webhooks;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);
var settings = builder.Configuration.GetSection("Sandbox").Get<SandboxOptions>() ?? new SandboxOptions();
settings.Validate();

builder.Services.Configure<SandboxOptions>(builder.Configuration.GetSection("Sandbox"));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(sp => new Journal(
    Path.GetFullPath(sp.GetRequiredService<IOptions<SandboxOptions>>().Value.DataPath),
    sp.GetRequiredService<ILogger<Journal>>()));
builder.Services.AddSingleton<Ledger>();
builder.Services.AddHostedService<WebhookDispatcher>();
builder.Services.AddProblemDetails();
builder.Services.AddHealthChecks();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 64 * 1024);

var app = builder.Build();
// Replay the journal before the first request, so readiness means "knows everything it knew before".
app.Services.GetRequiredService<Ledger>();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapHealthChecks("/health/live");
app.MapHealthChecks("/health/ready");
app.MapGet("/", () => TypedResults.Text(
    "Marketplace sandbox: a stand-in payment provider (/v1/payments, /v1/charges, /v1/refunds, /checkout/{id}) and carrier " +
    "(/v1/shipments, /labels/{id}) with signed webhooks.\n")).ExcludeFromDescription();
app.MapPaymentsApi();
app.MapCheckoutPage();
app.MapShippingApi();
app.Run();

public partial class Program;
