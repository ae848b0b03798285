using System.Net.Http.Json;

namespace Marketplace.Testing;

/// <summary>
/// The processes of a system test or benchmark: the payment and shipping sandbox (with a journal folder of its own),
/// silo processes that use it as their providers, and web hosts. Disposing kills what still runs, keeps every process's
/// log (under <c>.test-data/logs/</c> unless told otherwise) for reading after a failure, and removes the sandbox's
/// folder.
/// </summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Order statuses nothing moves on from by itself.</summary>
    public static readonly string[] Settled = ["paid", "shipped", "delivered", "rejected", "expired", "cancelled", "refunded"];

    public static readonly object Address = new { name = "Ana Pérez", line1 = "Av. Providencia 1234", city = "Santiago", country = "CL" };

    private readonly string sandboxData = Path.Combine(Path.GetTempPath(), "marketplace-sandbox-" + Guid.NewGuid().ToString("N"));
    private readonly List<ProcessHost> processes = [];
    private readonly string name;
    private readonly string clusterId;
    private readonly string connectionString;
    private readonly string logFolder;
    private readonly IReadOnlyDictionary<string, string> siloSettings;

    private ProcessCluster(string name, string connectionString, IReadOnlyDictionary<string, string> sandboxSettings,
        IReadOnlyDictionary<string, string>? siloSettings, string? logFolder)
    {
        this.name = name;
        clusterId = name + "-test";
        this.connectionString = connectionString;
        this.logFolder = logFolder ?? Path.Combine(TestEnvironment.RepositoryRoot, ".test-data", "logs");
        Sandbox = ProcessHost.StartSandbox("sandbox", sandboxData, sandboxSettings);
        processes.Add(Sandbox);
        var settings = new Dictionary<string, string>
        {
            ["Payments__BaseUrl"] = Sandbox.BaseAddress.ToString(),
            ["Payments__ApiKey"] = TestSecrets.SandboxPaymentsApiKey,
            ["Shipping__BaseUrl"] = Sandbox.BaseAddress.ToString(),
            ["Shipping__ApiKey"] = TestSecrets.SandboxShippingApiKey,
        };
        foreach (var (key, value) in siloSettings ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        this.siloSettings = settings;
    }

    public ProcessHost Sandbox { get; }

    /// <summary>
    /// Starts the sandbox and waits until it is ready; <paramref name="siloSettings"/> are added to every silo's, and the
    /// processes' logs are kept in <paramref name="logFolder"/> when given.
    /// </summary>
    public static async Task<ProcessCluster> StartAsync(string name, string connectionString,
        IReadOnlyDictionary<string, string>? sandboxSettings = null, IReadOnlyDictionary<string, string>? siloSettings = null,
        string? logFolder = null)
    {
        var cluster = new ProcessCluster(name, connectionString, sandboxSettings ?? MarketplaceCluster.FastSandbox, siloSettings, logFolder);
        try
        {
            await cluster.Sandbox.WaitReadyAsync(StartTimeout);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a silo process (not waiting for it).</summary>
    public ProcessHost StartSilo(string siloName) => Track(ProcessHost.StartSilo(siloName, connectionString, clusterId, siloSettings));

    /// <summary>Starts a web host process (not waiting for it) that checks the sandbox's webhooks.</summary>
    public ProcessHost StartWebHost(string hostName, IReadOnlyDictionary<string, string>? settings = null)
    {
        var all = new Dictionary<string, string>
        {
            ["Payments__WebhookSecret"] = TestSecrets.SandboxPaymentsWebhookSecret,
            ["Shipping__WebhookSecret"] = TestSecrets.SandboxShippingWebhookSecret,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        return Track(ProcessHost.StartWebHost(hostName, connectionString, clusterId, all));
    }

    /// <summary>
    /// A store that needs no confirmation with <paramref name="products"/> published products of one SKU "A" each, and
    /// <paramref name="shoppers"/> shopper accounts; answers the product ids and the shoppers' access tokens.
    /// </summary>
    public static async Task<(List<string> Products, List<string> Tokens)> OpenShopAsync(HttpClient http, int products, int stock, int shoppers)
    {
        var shop = await OpenStoreAsync(http, products, stock, shoppers);
        return (shop.Products, shop.Tokens);
    }

    /// <summary><see cref="OpenShopAsync"/>, also answering the store's id and its owner's access token.</summary>
    public static async Task<TestShop> OpenStoreAsync(HttpClient http, int products, int stock, int shoppers)
    {
        var sellerId = await http.CreateStoreAsync("Café Ana");
        var sellerToken = http.DefaultRequestHeaders.Authorization!.Parameter!;
        (await http.PutAsJsonAsync($"/api/sellers/{sellerId}", new { name = "Café Ana", requiresConfirmation = false })).EnsureSuccessStatusCode();
        var productIds = new List<string>();
        for (var i = 0; i < products; i++)
        {
            productIds.Add(await http.CreateProductAsync(sellerId, new
            {
                title = $"Café {i}", category = "coffee", currency = "CLP", price = 5000 + i, status = "published",
                variants = new object[] { new { sku = "A", stock } },
            }));
        }

        http.UseToken(null);
        var tokens = new List<string>();
        for (var i = 0; i < shoppers; i++)
        {
            tokens.Add((await http.RegisterAsync()).AccessToken);
        }

        return new TestShop(sellerId, sellerToken, productIds, tokens);
    }

    public static async Task WaitReadyAsync(params IEnumerable<ProcessHost> hosts)
    {
        foreach (var host in hosts)
        {
            await host.WaitReadyAsync(StartTimeout);
        }
    }

    public async ValueTask DisposeAsync()
    {
        var logs = Directory.CreateDirectory(logFolder).FullName;
        foreach (var process in processes)
        {
            await process.DisposeAsync();
            await File.WriteAllTextAsync(Path.Combine(logs, $"{name}-{process.Name}.log"), process.Output);
        }

        if (Directory.Exists(sandboxData))
        {
            Directory.Delete(sandboxData, recursive: true);
        }
    }

    private ProcessHost Track(ProcessHost process)
    {
        processes.Add(process);
        return process;
    }
}

/// <summary>A store opened for a load: its id, its owner's access token, its products and its shoppers' tokens.</summary>
public sealed record TestShop(string SellerId, string SellerToken, List<string> Products, List<string> Tokens);
