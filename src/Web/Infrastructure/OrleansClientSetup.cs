using Marketplace.ServiceDefaults;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Marketplace.Web.Infrastructure;

/// <summary>Connects the web host to the silo cluster as an Orleans client, finding gateways in the database.</summary>
public static partial class OrleansClientSetup
{
    /// <summary>Adds the Orleans client; answers the database connection string for the web host's own tables.</summary>
    public static string AddMarketplaceOrleansClient(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var connectionString = configuration.GetConnectionString("Marketplace") ?? configuration["MARKETPLACE_DB"];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                "No database configured: set ConnectionStrings__Marketplace or MARKETPLACE_DB to a PostgreSQL connection string.");
        }

        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = configuration["Orleans:ClusterId"] ?? "marketplace";
                o.ServiceId = configuration["Orleans:ServiceId"] ?? "marketplace";
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            // A call whose silo dies while handling it gets no answer; only this timeout ends it. Requests here are
            // interactive, so it is close to the failure-detection window rather than Orleans' 30 s default.
            client.Configure<ClientMessagingOptions>(o =>
                o.ResponseTimeout = configuration.GetValue("Orleans:ResponseTimeout", TimeSpan.FromSeconds(10)));
            // Notice new and departed silos quickly; the default refresh is a minute.
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));

            // Calls refused by a stopping or departed silo are sent again instead of failing the request.
            client.AddOutgoingGrainCallFilter<RetryRejectedCalls>();
            // The dashboard's pages are served here (admins only); its grains run on the silos.
            client.AddDashboard(o => o.HideTrace = true);
            if (TelemetrySetup.TracingEnabled(configuration))
            {
                client.AddActivityPropagation();
            }

            // The web host may start before any silo: keep trying instead of failing start-up.
            client.UseConnectionRetryFilter(async (exception, cancellationToken) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                return true;
            });
        });
        return connectionString;
    }
}
