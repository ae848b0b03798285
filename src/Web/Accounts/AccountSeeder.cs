using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Marketplace.Web.Accounts;

/// <summary>
/// At start-up: makes sure the first admin exists (MARKETPLACE_ADMIN_EMAIL / MARKETPLACE_ADMIN_PASSWORD), and with
/// Demo:Seed on a database without accounts of its own seeds the demo (stores, products, sellers and a shopper) and a
/// demo admin. Several web hosts may start at once; a database advisory lock lets one of them do it. The host reports
/// ready only when this is done. An account the configuration asks for that cannot be created (a password the rules
/// refuse) stops the process with exit code 1 and one critical line that says why.
/// </summary>
public sealed partial class AccountSeeder(
    IServiceScopeFactory scopes,
    NpgsqlDataSource db,
    IConfiguration configuration,
    IHostEnvironment environment,
    IHostApplicationLifetime lifetime,
    ILogger<AccountSeeder> logger,
    DemoSeeding? demoSeeding = null) : BackgroundService, IHealthCheck
{
    private const long AdvisoryLockKey = 0x6d6b5f73656564; // "mk_seed"
    private volatile bool done;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(done ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("Seeding accounts and demo data."));

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
            catch (InvalidOperationException e) when (e.Source == "seed")
            {
                // Retrying cannot help. Throwing would stop the host too, but in the middle of its start, burying the
                // reason under cancellation errors; stopping once it has started leaves this line as the last word.
                LogRefused(logger, e.Message);
                Environment.ExitCode = 1;
                lifetime.ApplicationStarted.Register(lifetime.StopApplication);
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
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
            // Demo:Seed registers the demo's seeding (DemoSeedingSetup); without it, the demo is not even loaded.
            var seeding = demo.Seed ? demoSeeding : null;
            // Accounts of the demo itself do not count: they exist when a demo seeding was cut short.
            var demoEmails = seeding?.AccountEmails.ToArray() ?? [];
            var fresh = !await users.Users.AnyAsync(u => !demoEmails.Contains(u.Email!), ct);
            var logins = new List<string>();

            // The demo first and the demo admin after it, so an interrupted start finds no account of its own and
            // finishes the demo on the next try.
            if (seeding is not null && fresh)
            {
                logins.AddRange(await seeding.SeedAsync(users, ct));
            }

            var email = string.IsNullOrWhiteSpace(adminEmail) ? (seeding is not null && fresh ? "admin@marketplace.local" : null) : adminEmail.Trim();
            if (email is not null && await users.FindByEmailAsync(email) is null)
            {
                var configured = configuration["MARKETPLACE_ADMIN_PASSWORD"];
                var password = string.IsNullOrEmpty(configured) ? "mk-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10)) : configured;
                try
                {
                    await CreateUserAsync(users, email, "Admin", RoleNames.Admin, null, password);
                }
                catch (InvalidOperationException e) when (password == configured && e.Source == "seed")
                {
                    throw new InvalidOperationException(
                        $"MARKETPLACE_ADMIN_PASSWORD is refused for the first admin {email}: {e.Message}") { Source = "seed" };
                }

                logins.Insert(0, $"  admin    {email}  {password}");
            }

            if (logins.Count > 0 && demo.LoginsFile is { Length: > 0 } file)
            {
                await File.WriteAllLinesAsync(file, logins, ct);
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

    /// <summary>Creates an account with its role; <paramref name="id"/> fixes its id (the demo's accounts have fixed ids).</summary>
    internal static async Task<MarketplaceUser> CreateUserAsync(
        UserManager<MarketplaceUser> users, string email, string name, string role, string? sellerId, string password, string? id = null)
    {
        var user = AccountService.NewUser(email, name, sellerId, DateTimeOffset.UtcNow);
        // Accounts the system creates itself have no inbox to prove: they count as verified.
        user.EmailConfirmed = true;
        if (id is not null)
        {
            user.Id = id;
        }

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

    [LoggerMessage(Level = LogLevel.Critical, Message = "Start-up refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeding waits for the cluster: {Reason}")]
    private static partial void LogRetry(ILogger logger, string reason);
}
