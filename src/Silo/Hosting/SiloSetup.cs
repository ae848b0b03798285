using Marketplace.Grains.Integrations;
using Marketplace.Contracts.Orders;
using Marketplace.Grains.Common;
using Marketplace.Grains.Inventory;
using Marketplace.Grains.Notifications;
using Marketplace.Grains.Orders;
using Marketplace.Grains.Realtime;
using Marketplace.Grains.Storage;
using Marketplace.ServiceDefaults;
using Marketplace.ServiceDefaults.Modules;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Runtime.Hosting;

namespace Marketplace.Silo.Hosting;

/// <summary>The one place that configures a marketplace silo; the silo process and the test clusters both use it.</summary>
public static class SiloSetup
{
    /// <summary>The ADO.NET invariant of Npgsql. Every provider must be given it: some default to SQL Server.</summary>
    public const string Invariant = "Npgsql";

    public static ISiloBuilder ConfigureMarketplace(
        this ISiloBuilder silo, SiloSettings settings, IConfiguration? membership = null, bool configureEndpoints = true)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        if (configureEndpoints)
        {
            silo.ConfigureEndpoints(settings.AdvertisedAddress, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: false);
        }

        if (settings.SiloName is { Length: > 0 } name)
        {
            silo.Configure<SiloOptions>(o => o.SiloName = name);
        }

        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = settings.ConnectionString;
        });
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = settings.ConnectionString;
        });

        // Grain state: plain JSON rows written through one batching writer per silo, with the read models projected in
        // C# in the same transactions (docs/architecture.md, "The write path").
        silo.Services.AddOptions<GrainStorageOptions>().BindConfiguration(GrainStorageOptions.Section);
        silo.Services.TryAddSingleton<StateWriter>();
        foreach (var readModel in ReadModelRebuilder.All.Concat(IntegrationEventLogs.All))
        {
            silo.Services.AddSingleton(readModel);
        }

        silo.Services.TryAddSingleton<ReadModelCatalog>();
        silo.Services.AddGrainStorage(StorageNames.Marketplace, (services, _) => ActivatorUtilities.CreateInstance<GrainStateStorage>(services));

        if (membership is not null)
        {
            silo.Configure<ClusterMembershipOptions>(membership);
        }

        // Calls refused by a stopping or departed silo are sent again instead of failing the caller.
        silo.AddOutgoingGrainCallFilter<RetryRejectedCalls>();
        if (settings.Dashboard)
        {
            silo.AddDashboard();
            // The dashboard times every grain call while someone looks at it (about a fifth of the checkout
            // throughput on two cores); it polls every second, so profiling stops 10 s after the last page closed
            // instead of Orleans' minute.
            silo.Services.Configure<GrainProfilerOptions>(o => o.DeactivationTime = TimeSpan.FromSeconds(10));
        }

        if (settings.ActivityPropagation)
        {
            silo.AddActivityPropagation();
        }

        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.TryAddSingleton(_ => MarketplaceDatabase.CreateDataSource(settings.ConnectionString, "marketplace-silo"));
        silo.Services.TryAddSingleton<IInventoryStore, PostgresInventoryStore>();
        silo.Services.AddHostedService<ReplicationMonitor>();
        silo.Services.AddOptions<InventoryOptions>().BindConfiguration("Inventory");
        silo.Services.AddOptions<Marketplace.Grains.Finance.CommissionOptions>().BindConfiguration("Commission");
        silo.Services.AddOptions<OrderOptions>().BindConfiguration("Orders");
        silo.Services.AddOptions<RealtimeOptions>().BindConfiguration("Realtime");
        silo.Services.AddOptions<Marketplace.Grains.Insights.InsightsOptions>().BindConfiguration(Marketplace.Grains.Insights.InsightsOptions.Section);
        silo.Services.TryAddSingleton<INotificationStore, PostgresNotificationStore>();
        silo.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section);
        silo.Services.TryAddSingleton<WebhookStore>();
        silo.Services.TryAddSingleton<WebhookSender>();
        // The benchmark module's grains exist only on silos that switch it on (off by default): its assembly is loaded
        // then, never referenced, so a build without it (the container images) runs the same silo.
        if (silo.Configuration.GetValue<bool>(BenchmarkModule.EnabledKey))
        {
            foreach (var module in ModuleLoader.Load<ISiloModule>(silo.Services, BenchmarkModule.SiloAssembly, BenchmarkModule.EnabledKey))
            {
                module.AddServices(silo.Services);
            }
        }

        // The order sweeper's reminder: registered by whichever silo starts first, kept by the cluster afterwards.
        silo.AddStartupTask((services, _) => services.GetRequiredService<IGrainFactory>().GetGrain<IOrderSweeperGrain>(0).Start());
        // The same for the warehouse's ETL; the warehouse grain's activation opens its silo's file.
        silo.AddStartupTask((services, _) =>
            services.GetRequiredService<IGrainFactory>().GetGrain<Marketplace.Contracts.Insights.IWarehouseGrain>(0).Start());
        return silo;
    }
}
