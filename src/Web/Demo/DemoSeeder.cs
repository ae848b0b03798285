using System.Diagnostics;
using Marketplace.Web.Accounts;
using Marketplace.Web.Media;
using Microsoft.AspNetCore.Identity;

namespace Marketplace.Web.Demo;

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
/// Creates the demo catalog through the grains, as its sellers would: each store with its owner as the caller, every
/// product with a generated picture stored like an upload, and last the accounts. Ids are fixed and every step is
/// idempotent, so a seeding that was interrupted is finished by the next start rather than duplicated.
/// </summary>
public sealed partial class DemoSeeder(IGrainFactory grains, IBlobStore blobs, ILogger<DemoSeeder> logger)
{
    /// <summary>
    /// Enough concurrency to overlap grain and database round trips; products of one store still go one at a time
    /// through its (non-reentrant) store grain, so more would only queue there.
    /// </summary>
    private const int Parallelism = 6;

    private const string Fingerprint = "demo-catalog-v1";

    public static void RefuseInProduction(IConfiguration configuration, IHostEnvironment environment)
    {
        if (environment.IsProduction() && configuration.GetSection(DemoOptions.Section).Get<DemoOptions>()?.Seed == true)
        {
            throw new InvalidOperationException("Demo:Seed is on in production: demo accounts have published passwords. Turn it off.");
        }
    }

    /// <summary>Seeds what is missing of the demo and answers the demo's login lines.</summary>
    public async Task<IReadOnlyList<string>> SeedAsync(UserManager<MarketplaceUser> users, DemoOptions options, CancellationToken ct)
    {
        var stores = DemoCatalog.Stores;
        var logins = stores
            .Select(s => $"  seller   {s.OwnerEmail}  {DemoCatalog.SellerPassword}  ({s.Profile.Name}, {s.Profile.Currency})")
            .Append($"  shopper  {DemoCatalog.ShopperEmail}  {DemoCatalog.ShopperPassword}")
            .ToList();

        // The shopper is created last, so it exists only once everything else does.
        if (await users.FindByEmailAsync(DemoCatalog.ShopperEmail) is not null)
        {
            return logins;
        }

        var started = Stopwatch.GetTimestamp();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct };
        await Parallel.ForEachAsync(stores, parallel, async (store, token) => await CreateStoreAsync(store, options.PublicUrl, token));

        // Round-robin over the stores, so the workers spread over store grains instead of queueing on one.
        var products = stores
            .SelectMany(store => store.Products.Select((product, i) => (Store: store, Product: product, Turn: i)))
            .OrderBy(p => p.Turn)
            .ToList();
        await Parallel.ForEachAsync(products, parallel, async (p, token) => await CreateProductAsync(p.Store, p.Product, token));

        foreach (var store in stores)
        {
            await CreateUserAsync(users, store.OwnerId, store.OwnerEmail, store.OwnerName, RoleNames.Seller, store.SellerId, DemoCatalog.SellerPassword);
        }

        await CreateUserAsync(users, DemoCatalog.ShopperId, DemoCatalog.ShopperEmail, DemoCatalog.ShopperName, RoleNames.Shopper, null,
            DemoCatalog.ShopperPassword);
        LogSeeded(logger, stores.Count, products.Count, Stopwatch.GetElapsedTime(started).TotalSeconds);
        return logins;
    }

    private async Task CreateStoreAsync(DemoStore store, string? publicUrl, CancellationToken ct)
    {
        ActAs(store);
        var profile = store.Profile;
        if (Uri.TryCreate(publicUrl, UriKind.Absolute, out var baseUrl))
        {
            var logo = await StoreImageAsync(DemoPictures.RenderLogo(store.Logo), ct);
            profile = profile with { LogoUrl = new Uri(baseUrl, MediaApi.UrlOf(logo.Key)).ToString() };
        }

        await grains.GetGrain<ISellerGrain>(store.SellerId).Create(profile, Fingerprint);
    }

    private async Task CreateProductAsync(DemoStore store, DemoProduct product, CancellationToken ct)
    {
        ActAs(store);
        await grains.GetGrain<ISellerGrain>(store.SellerId).CreateProduct(product.ProductId, product.Draft, Fingerprint);
        var image = await StoreImageAsync(DemoPictures.RenderProduct(product.Picture), ct);
        await grains.GetGrain<IProductGrain>(product.ProductId).AddImage(image);
    }

    private async Task<ProductImage> StoreImageAsync(byte[] png, CancellationToken ct) =>
        await blobs.PutImageAsync(png, ct) ?? throw new InvalidOperationException("A generated demo picture is not a readable PNG.");

    /// <summary>Grain calls from here on in this flow carry the store owner as the caller, as the owner's requests would.</summary>
    private static void ActAs(DemoStore store) =>
        CallerContext.Set(new Caller(store.OwnerId, CallerRoles.Seller | CallerRoles.Shopper, store.SellerId, store.OwnerEmail));

    private static async Task CreateUserAsync(
        UserManager<MarketplaceUser> users, string id, string email, string name, string role, string? sellerId, string password)
    {
        if (await users.FindByEmailAsync(email) is null)
        {
            await AccountSeeder.CreateUserAsync(users, email, name, role, sellerId, password, id);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo data seeded: {Stores} stores, {Products} products in {Seconds:0.0} s")]
    private static partial void LogSeeded(ILogger logger, int stores, int products, double seconds);
}
