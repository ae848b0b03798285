using System.Runtime.CompilerServices;
using Marketplace.Demo;
using Marketplace.Web.Media;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Accounts;

/// <summary>Configuration section "Demo": demo accounts, stores and products for trying the product locally.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Seed the demo data when the database has no accounts besides the demo's own. Refused in production.</summary>
    public bool Seed { get; set; }

    /// <summary>Where to write the demo logins (the run script prints this file).</summary>
    public string? LoginsFile { get; set; }

    /// <summary>
    /// The web host's public address (e.g. http://127.0.0.1:8080). Store logos need an absolute URL, so without it
    /// the demo stores get no logo.
    /// </summary>
    public string? PublicUrl { get; set; }
}

/// <summary>
/// The demo (Marketplace.Demo) as the account seeder runs it: its pictures stored like uploads, its accounts created with
/// the web host's own account rules. Registered only when <c>Demo:Seed</c> is on, so the demo is not even loaded otherwise.
/// </summary>
public sealed class DemoSeeding(DemoSeeder seeder, IBlobStore blobs, IOptions<DemoOptions> options, Npgsql.NpgsqlDataSource db)
{
    /// <summary>The email of every account the demo creates (they exist already when a seeding was cut short).</summary>
    public IReadOnlyList<string> AccountEmails => DemoCatalog.AccountEmails;

    /// <summary>Seeds what is missing of the demo and answers the demo's login lines.</summary>
    public Task<IReadOnlyList<string>> SeedAsync(UserManager<MarketplaceUser> users, CancellationToken ct)
    {
        var host = new DemoHost(
            blobs.PutImageAsync,
            picture => MediaApi.UrlOf(picture.Key),
            async email => await users.FindByEmailAsync(email) is not null,
            async account =>
            {
                if (await users.FindByEmailAsync(account.Email) is null)
                {
                    await AccountSeeder.CreateUserAsync(users, account.Email, account.Name,
                        account.SellerId is null ? RoleNames.Shopper : RoleNames.Seller, account.SellerId, account.Password, account.Id);
                }
            },
            (orders, events, ct) => Insights.HistoryImport.ImportAsync(db, orders, events, ct));
        return seeder.SeedAsync(host, options.Value.PublicUrl, ct);
    }
}

public static class DemoSeedingSetup
{
    /// <summary>
    /// Refuses <c>Demo:Seed</c> in Production (the demo accounts' passwords are published); registers the demo's seeding
    /// only when it is on.
    /// </summary>
    public static WebApplicationBuilder AddDemoSeeding(this WebApplicationBuilder builder)
    {
        if (builder.Configuration.GetSection(DemoOptions.Section).Get<DemoOptions>()?.Seed != true)
        {
            return builder;
        }

        if (builder.Environment.IsProduction())
        {
            throw new InvalidOperationException("Demo:Seed is on in production: demo accounts have published passwords. Turn it off.");
        }

        AddDemoServices(builder.Services);
        return builder;
    }

    // Apart and never inlined: only this method names the demo's own types, so Marketplace.Demo loads only when it runs.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddDemoServices(IServiceCollection services)
    {
        services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section);
        services.AddSingleton<DemoSeeder>();
        services.AddSingleton<DemoSeeding>();
    }
}
