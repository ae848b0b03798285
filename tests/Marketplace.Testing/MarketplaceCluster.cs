using System.Globalization;
using Marketplace.Grains.Common;
using Marketplace.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Marketplace.Testing;

/// <summary>
/// An Orleans cluster of in-process silos configured exactly like the silo process (SiloSetup: ADO.NET clustering,
/// storage and reminders, the JSON storage serializer) on a database of its own, plus a client that finds the gateways
/// through the membership table as the web host does. Silos can be stopped and started to test durability.
/// </summary>
public class MarketplaceCluster : IAsyncDisposable
{
    public const string ClusterId = "marketplace-test";
    public const string ServiceId = "marketplace-test";

    private readonly List<IHost> silos = [];
    private TestClusterClient? client;
    private TestDatabase? database;
    private ProcessHost? sandbox;
    private readonly string sandboxData = Path.Combine(Path.GetTempPath(), "marketplace-sandbox-" + Guid.NewGuid().ToString("N"));

    /// <summary>Sandbox settings that keep tests quick: fast webhook retries, tracking within seconds.</summary>
    public static IReadOnlyDictionary<string, string> FastSandbox { get; } = new Dictionary<string, string>
    {
        ["Sandbox__RetryBaseDelay"] = "00:00:00.100",
        ["Sandbox__RetryMaxDelay"] = "00:00:01",
        ["Sandbox__InTransitAfter"] = "00:00:00.300",
        ["Sandbox__DeliveredAfter"] = "00:00:01.500",
    };

    /// <summary>
    /// The sandbox as <c>up --om-compat</c> runs it: quick webhooks, and a carrier that leaves tracking to the Online
    /// Marketplace benchmark's delivery step (its shipments report nothing for ten years).
    /// </summary>
    public static IReadOnlyDictionary<string, string> BenchmarkSandbox { get; } = new Dictionary<string, string>(FastSandbox)
    {
        ["Sandbox__InTransitAfter"] = "3650.00:00:00",
        ["Sandbox__DeliveredAfter"] = "3650.00:00:00",
    };

    /// <summary>The payment and shipping sandbox process the silos talk to.</summary>
    public ProcessHost Sandbox => sandbox ?? throw new InvalidOperationException("Start the cluster first.");

    public TestDatabase Database => database ?? throw new InvalidOperationException("Start the cluster first.");

    public IClusterClient Client => client?.Client ?? throw new InvalidOperationException("Start the cluster first.");

    public IReadOnlyList<IHost> Silos => silos;

    /// <summary>Membership settings that declare a dead silo within seconds, as the local run does.</summary>
    public static IConfiguration FastMembership { get; } = new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ProbeTimeout"] = "00:00:02",
            ["NumMissedProbesLimit"] = "2",
            ["NumVotesForDeathDeclaration"] = "1",
        })
        .Build();

    public async Task StartAsync(string purpose, int siloCount = 1)
    {
        database = await TestDatabase.CreateAsync(purpose);
        sandbox = ProcessHost.StartSandbox(purpose + "-sandbox", sandboxData, SandboxSettings);
        await sandbox.WaitReadyAsync(TimeSpan.FromSeconds(60));
        for (var i = 0; i < siloCount; i++)
        {
            await StartSiloAsync();
        }

        await StartClientAsync();
    }

    public async Task<IHost> StartSiloAsync()
    {
        var settings = new SiloSettings
        {
            ConnectionString = Database.ConnectionString,
            ClusterId = ClusterId,
            ServiceId = ServiceId,
            SiloPort = ProcessHost.FreePort(),
            GatewayPort = ProcessHost.FreePort(),
            SiloName = "test-silo-" + (silos.Count + 1).ToString(CultureInfo.InvariantCulture),
        };
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Payments:BaseUrl"] = Sandbox.BaseAddress.ToString(),
            ["Payments:ApiKey"] = TestSecrets.SandboxPaymentsApiKey,
            ["Shipping:BaseUrl"] = Sandbox.BaseAddress.ToString(),
            ["Shipping:ApiKey"] = TestSecrets.SandboxShippingApiKey,
        });
        builder.Configuration.AddInMemoryCollection(SiloSettings);
        builder.Services.AddSandboxPayments(builder.Configuration).AddSandboxShipping(builder.Configuration);
        builder.UseOrleans(silo =>
        {
            silo.ConfigureMarketplace(settings, FastMembership);
            ConfigureSilo(silo);
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        var host = builder.Build();
        await host.StartAsync();
        silos.Add(host);
        return host;
    }

    /// <summary>Stops a silo gracefully (as on SIGTERM): its grains deactivate and it leaves the membership table.</summary>
    public async Task StopSiloAsync(IHost silo)
    {
        await silo.StopAsync();
        silo.Dispose();
        silos.Remove(silo);
    }

    /// <summary>Stops every silo; a later <see cref="StartSiloAsync"/> starts from what the database holds.</summary>
    public async Task StopAllSilosAsync()
    {
        foreach (var silo in silos.ToList())
        {
            await StopSiloAsync(silo);
        }
    }

    public async Task RestartClientAsync()
    {
        if (client is not null)
        {
            await client.DisposeAsync();
            client = null;
        }

        await StartClientAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (client is not null)
        {
            await client.DisposeAsync();
        }

        foreach (var silo in silos.ToList())
        {
            try
            {
                await silo.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            }
            finally
            {
                silo.Dispose();
            }
        }

        silos.Clear();
        if (sandbox is not null)
        {
            await sandbox.DisposeAsync();
        }

        if (database is not null)
        {
            await database.DisposeAsync();
        }

        if (Directory.Exists(sandboxData))
        {
            Directory.Delete(sandboxData, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>How the sandbox process behaves (<see cref="FastSandbox"/> unless a fixture needs otherwise).</summary>
    protected virtual IReadOnlyDictionary<string, string> SandboxSettings => FastSandbox;

    /// <summary>Configuration the silos read on top of the production setup (e.g. <c>Orders:PaymentTimeout</c>).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> SiloSettings => [];

    /// <summary>Lets a fixture adjust the silos (e.g. shorter timeouts) on top of the production setup.</summary>
    protected virtual void ConfigureSilo(ISiloBuilder silo)
    {
    }

    private async Task StartClientAsync() => client = await TestClusterClient.StartAsync(Database.ConnectionString, ClusterId, ServiceId);
}
