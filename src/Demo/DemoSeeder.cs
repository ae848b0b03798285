using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Marketplace.Demo;

/// <summary>
/// What the demo needs of the web host it seeds: where its pictures are stored, and its accounts. Functions rather than
/// an interface the host implements: a host type implementing a demo type would load the demo whenever something scans
/// the host's types (ASP.NET Core does at start-up), and the demo is meant to stay unloaded unless it is seeded.
/// </summary>
/// <param name="StorePictureAsync">Stores a generated PNG as an upload is stored; null when the host does not accept the bytes.</param>
/// <param name="PathOf">The path the host serves a stored picture under (a store logo is that path on the public address).</param>
/// <param name="AccountExistsAsync">Whether an account with that email exists.</param>
/// <param name="CreateAccountAsync">Creates the account with its fixed id and role (seller of its store, or shopper) unless it exists.</param>
/// <param name="ImportHistoryAsync">Imports past orders and page events for the warehouse (once: a second import changes nothing).</param>
public sealed record DemoHost(
    Func<byte[], CancellationToken, Task<ProductImage?>> StorePictureAsync,
    Func<ProductImage, string> PathOf,
    Func<string, Task<bool>> AccountExistsAsync,
    Func<DemoAccount, Task> CreateAccountAsync,
    Func<IReadOnlyList<DemoPastOrder>, IReadOnlyList<DemoPastEvent>, CancellationToken, Task>? ImportHistoryAsync = null);

/// <summary>
/// Creates the demo catalog through the grains, as its sellers would: each store with its owner as the caller, every
/// product with a generated picture stored like an upload, and last the accounts. Ids are fixed and every step is
/// idempotent, so a seeding that was interrupted is finished by the next start rather than duplicated.
/// </summary>
public sealed partial class DemoSeeder(IGrainFactory grains, ILogger<DemoSeeder> logger)
{
    /// <summary>
    /// Enough concurrency to overlap grain and database round trips; products of one store still go one at a time
    /// through its (non-reentrant) store grain, so more would only queue there.
    /// </summary>
    private const int Parallelism = 6;

    private const string Fingerprint = "demo-catalog-v1";

    /// <summary>
    /// Seeds what is missing of the demo and answers the demo's login lines. Store logos need the web host's public
    /// address (<paramref name="publicUrl"/>, absolute); without it the stores get no logo.
    /// </summary>
    public async Task<IReadOnlyList<string>> SeedAsync(DemoHost host, string? publicUrl, CancellationToken ct)
    {
        var stores = DemoCatalog.Stores;
        var logins = DemoCatalog.Logins;

        // The shopper is created last, so it exists only once everything else does.
        if (await host.AccountExistsAsync(DemoCatalog.ShopperEmail))
        {
            return logins;
        }

        var started = Stopwatch.GetTimestamp();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct };
        await Parallel.ForEachAsync(stores, parallel, async (store, token) => await CreateStoreAsync(host, store, publicUrl, token));

        // Round-robin over the stores, so the workers spread over store grains instead of queueing on one.
        var products = stores
            .SelectMany(store => store.Products.Select((product, i) => (Store: store, Product: product, Turn: i)))
            .OrderBy(p => p.Turn)
            .ToList();
        await Parallel.ForEachAsync(products, parallel, async (p, token) => await CreateProductAsync(host, p.Store, p.Product, token));

        await CreateCouponsAsync(stores[0]);
        if (host.ImportHistoryAsync is { } import)
        {
            // Ninety days of past sales, so the reports and recommendations have something to show on the first visit.
            var (past, events) = DemoHistory.Generate(stores, DateTimeOffset.UtcNow);
            await import(past, events, ct);
            CallerContext.Set(null);
            await grains.GetGrain<Contracts.Insights.IWarehouseGrain>(0).Run();
            LogHistory(logger, past.Count, events.Count);
        }

        foreach (var account in DemoCatalog.Accounts)
        {
            await host.CreateAccountAsync(account);
        }

        LogSeeded(logger, stores.Count, products.Count, Stopwatch.GetElapsedTime(started).TotalSeconds);
        return logins;
    }

    private async Task CreateStoreAsync(DemoHost host, DemoStore store, string? publicUrl, CancellationToken ct)
    {
        ActAs(store);
        var profile = store.Profile;
        if (Uri.TryCreate(publicUrl, UriKind.Absolute, out var baseUrl))
        {
            var logo = await StorePictureAsync(host, DemoPictures.RenderLogo(store.Logo), ct);
            profile = profile with { LogoUrl = new Uri(baseUrl, host.PathOf(logo)).ToString() };
        }

        await grains.GetGrain<ISellerGrain>(store.SellerId).Create(profile, Fingerprint);
    }

    /// <summary>The first store's coupon and promotion; a resumed seeding finds them made and goes on.</summary>
    private async Task CreateCouponsAsync(DemoStore store)
    {
        ActAs(store);
        var coupons = grains.GetGrain<IStoreCouponsGrain>(store.SellerId);
        foreach (var draft in DemoCatalog.Coupons)
        {
            if (await coupons.Find(draft.Code) is null)
            {
                await coupons.Create(draft);
            }
        }
    }

    private async Task CreateProductAsync(DemoHost host, DemoStore store, DemoProduct product, CancellationToken ct)
    {
        ActAs(store);
        await grains.GetGrain<ISellerGrain>(store.SellerId).CreateProduct(product.ProductId, product.Draft, Fingerprint);
        var image = await StorePictureAsync(host, DemoPictures.RenderProduct(product.Picture), ct);
        await grains.GetGrain<IProductGrain>(product.ProductId).AddImage(image);
    }

    private static async Task<ProductImage> StorePictureAsync(DemoHost host, byte[] png, CancellationToken ct) =>
        await host.StorePictureAsync(png, ct) ?? throw new InvalidOperationException("A generated demo picture is not a readable PNG.");

    /// <summary>Grain calls from here on in this flow carry the store owner as the caller, as the owner's requests would.</summary>
    private static void ActAs(DemoStore store) =>
        CallerContext.Set(new Caller(store.OwnerId, CallerRoles.Seller | CallerRoles.Shopper, store.SellerId, store.OwnerEmail));

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo data seeded: {Stores} stores, {Products} products in {Seconds:0.0} s")]
    private static partial void LogSeeded(ILogger logger, int stores, int products, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo history imported: {Orders} past orders and {Events} page events; the warehouse is loaded")]
    private static partial void LogHistory(ILogger logger, int orders, int events);
}
