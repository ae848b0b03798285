using Marketplace.Grains.Common;
using Marketplace.ServiceDefaults;
using Marketplace.Silo.Hosting;

HealthProbe.ExitIfAsked(args);
var builder = WebApplication.CreateBuilder(args);
var settings = SiloSettings.FromConfiguration(builder.Configuration);
BenchmarkModule.IsEnabled(builder.Configuration, builder.Environment);
builder.AddMarketplaceTelemetry("marketplace-silo");

builder.UseOrleans(silo => silo.ConfigureMarketplace(settings, builder.Configuration.GetSection("Orleans:Membership")));

// Give Orleans time to deactivate grains and leave the membership table cleanly on SIGTERM.
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(
    builder.Configuration.GetValue("Orleans:ShutdownTimeoutSeconds", 60)));
// The payment provider and carrier the order grains call; their settings are read on first use.
builder.Services.AddSandboxPayments(builder.Configuration);
builder.Services.AddSandboxShipping(builder.Configuration);
builder.Services.AddHealthChecks()
    .AddCheck<ClusterMembershipHealthCheck>("cluster", tags: ["ready"])
    .AddCheck<DatabaseHealthCheck>("postgres", tags: ["ready"]);

var app = builder.Build();
app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready") });
app.MapMarketplaceMetrics();
app.Run();
