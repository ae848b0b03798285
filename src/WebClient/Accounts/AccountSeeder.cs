using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Marketplace.WebClient.Accounts;

/// <summary>Configuration section "Demo": demo accounts and stores for trying the product locally.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Seed demo accounts when the database has no users. Refused in production.</summary>
    public bool Seed { get; set; }

    /// <summary>Where to write the demo logins (the run script prints this file).</summary>
    public string? LoginsFile { get; set; }
}

/// <summary>
/// At start-up: makes sure the first admin exists (MARKETPLACE_ADMIN_EMAIL / MARKETPLACE_ADMIN_PASSWORD), and with
/// Demo:Seed on an empty database creates demo sellers with stores and products, and a shopper. Several web hosts may
/// start at once; a database advisory lock lets one of them do it.
/// </summary>
public sealed partial class AccountSeeder(
    IServiceScopeFactory scopes,
    NpgsqlDataSource db,
    IConfiguration configuration,
    IHostEnvironment environment,
    ILogger<AccountSeeder> logger) : BackgroundService, IHealthCheck
{
    public const string DemoSellerPassword = "demo-seller-2026";
    public const string DemoShopperPassword = "demo-shopper-2026";

    private const long AdvisoryLockKey = 0x6d6b5f73656564; // "mk_seed"
    private volatile bool done;

    public static void RefuseDemoInProduction(IConfiguration configuration, IHostEnvironment environment)
    {
        if (environment.IsProduction() && configuration.GetSection(DemoOptions.Section).Get<DemoOptions>()?.Seed == true)
        {
            throw new InvalidOperationException("Demo:Seed is on in production: demo accounts have published passwords. Turn it off.");
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(done ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("Seeding accounts."));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var adminEmail = configuration["MARKETPLACE_ADMIN_EMAIL"];
        var demo = configuration.GetSection(DemoOptions.Section).Get<DemoOptions>() ?? new DemoOptions();
        if (string.IsNullOrWhiteSpace(adminEmail) && !demo.Seed)
        {
            done = true;
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SeedAsync(adminEmail, demo, stoppingToken);
                done = true;
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && e is not InvalidOperationException { Source: "seed" })
            {
                // The cluster or the database may still be starting.
                LogRetry(logger, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    private async Task SeedAsync(string? adminEmail, DemoOptions demo, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
        {
            lockCommand.Parameters.AddWithValue("key", AdvisoryLockKey);
            await lockCommand.ExecuteNonQueryAsync(ct);
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<MarketplaceUser>>();
            var grains = scope.ServiceProvider.GetRequiredService<IGrainFactory>();
            var empty = !users.Users.Any();
            var logins = new StringBuilder();

            var email = string.IsNullOrWhiteSpace(adminEmail) ? (demo.Seed && empty ? "admin@marketplace.local" : null) : adminEmail.Trim();
            if (email is not null && await users.FindByEmailAsync(email) is null)
            {
                var password = configuration["MARKETPLACE_ADMIN_PASSWORD"];
                if (string.IsNullOrEmpty(password))
                {
                    password = "mk-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));
                }

                await CreateUserAsync(users, email, "Admin", RoleNames.Admin, null, password);
                logins.AppendLine(CultureInfo.InvariantCulture, $"  admin    {email}  {password}");
            }

            if (demo.Seed && empty)
            {
                await SeedDemoAsync(users, grains, logins);
            }

            if (logins.Length > 0 && demo.LoginsFile is { Length: > 0 } file)
            {
                await File.WriteAllTextAsync(file, logins.ToString(), ct);
            }

            LogSeeded(logger, environment.EnvironmentName);
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            unlock.Parameters.AddWithValue("key", AdvisoryLockKey);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private static async Task SeedDemoAsync(UserManager<MarketplaceUser> users, IGrainFactory grains, StringBuilder logins)
    {
        (string Email, string Name, string Store, string Description, (string Title, string Category, long Price, string Sku, int Stock)[] Products)[] sellers =
        [
            ("ana@demo.marketplace.local", "Ana", "Café Ana", "Specialty coffee roasted in Valparaíso",
                [("Café de Colombia 250 g", "coffee", 8990, "CAFE-COL-250", 40), ("Café de Etiopía 250 g", "coffee", 10990, "CAFE-ETH-250", 25)]),
            ("tomas@demo.marketplace.local", "Tomás", "Tejidos del Sur", "Hand-knitted wool from Chiloé",
                [("Gorro de lana", "knitwear", 14990, "GORRO-01", 12), ("Bufanda de lana", "knitwear", 19990, "BUF-01", 8)]),
        ];

        foreach (var seller in sellers)
        {
            var sellerId = GrainKeys.NewSellerId();
            var user = await CreateUserAsync(users, seller.Email, seller.Name, RoleNames.Seller, sellerId, DemoSellerPassword);
            CallerContext.Set(new Caller(user.Id, CallerRoles.Seller | CallerRoles.Shopper, sellerId, seller.Email));
            var store = grains.GetGrain<ISellerGrain>(sellerId);
            await store.Create(new StoreDraft(seller.Store, seller.Description, RequiresConfirmation: true, "CLP"), "demo");
            foreach (var p in seller.Products)
            {
                await store.CreateProduct(GrainKeys.NewProductId(),
                    new ProductDraft(p.Title, null, p.Category, "CLP", p.Price, ProductStatus.Published,
                        [new VariantDraft(p.Sku, new Dictionary<string, string>(), null, p.Stock)]),
                    "demo");
            }

            logins.AppendLine(CultureInfo.InvariantCulture, $"  seller   {seller.Email}  {DemoSellerPassword}  ({seller.Store})");
        }

        CallerContext.Set(null);
        await CreateUserAsync(users, "sofia@demo.marketplace.local", "Sofía", RoleNames.Shopper, null, DemoShopperPassword);
        logins.AppendLine(CultureInfo.InvariantCulture, $"  shopper  sofia@demo.marketplace.local  {DemoShopperPassword}");
    }

    private static async Task<MarketplaceUser> CreateUserAsync(
        UserManager<MarketplaceUser> users, string email, string name, string role, string? sellerId, string password)
    {
        var user = AccountService.NewUser(email, name, sellerId, DateTimeOffset.UtcNow);
        Check(await users.CreateAsync(user, password));
        Check(await users.AddToRoleAsync(user, role));
        return user;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description))) { Source = "seed" };
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Accounts seeded ({Environment})")]
    private static partial void LogSeeded(ILogger logger, string environment);

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeding waits for the cluster: {Reason}")]
    private static partial void LogRetry(ILogger logger, string reason);
}
