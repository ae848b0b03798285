using Marketplace.Contracts.Orders;
using Marketplace.OnlineMarketplace.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.OnlineMarketplace.Grains;

/// <summary>
/// The benchmark's run-wide steps (key 0). Delivery steps interleave: each claims the orders it picked in the database,
/// so two never deliver the same order. Resets and clean-ups run one at a time. The benchmark's delivery transaction
/// plays the carrier: the orders it picks get the carrier's "delivered" event, which the order grain applies as it
/// applies a verified webhook.
/// </summary>
public sealed partial class OmRunGrain(OmStore store, IOptions<OnlineMarketplaceOptions> options, ILogger<OmRunGrain> logger)
    : Grain, IOmRunGrain
{
    /// <summary>How long a delivery step's claim on the orders it picked lasts if the step dies before settling it.</summary>
    private static readonly TimeSpan DeliveryClaim = TimeSpan.FromSeconds(30);

    /// <summary>Grain calls a step keeps in flight at once.</summary>
    private const int Parallelism = 64;

    private static readonly Caller Carrier = new("om-benchmark", CallerRoles.Provider | CallerRoles.Integration, null);

    public async Task<int> Deliver(string instanceId)
    {
        options.Value.Guard();
        var due = await store.ClaimForDeliveryAsync(options.Value.OpenShipmentsPerPartition, DeliveryClaim);
        var delivered = new List<string>();
        var failed = new List<string>();
        foreach (var chunk in due.Chunk(Parallelism))
        {
            var results = await Task.WhenAll(chunk.Select(async d =>
            {
                try
                {
                    await OmCalls.As(Carrier, () => GrainFactory.GetGrain<IOrderGrain>(d.OrderId)
                        .ApplyShipmentEvent(new ShipmentEvent("om-delivered:" + d.OrderId, ShipmentEventKind.Delivered, d.ShipmentId)));
                    return (d.OrderId, Delivered: true);
                }
                catch (Exception e) when (e is OrleansException or DomainException or TimeoutException)
                {
                    // Left open: the next delivery step picks it again (the event is applied once by its id).
                    LogDeliveryFailed(logger, e, d.OrderId);
                    return (d.OrderId, Delivered: false);
                }
            }));
            delivered.AddRange(results.Where(r => r.Delivered).Select(r => r.OrderId));
            failed.AddRange(results.Where(r => !r.Delivered).Select(r => r.OrderId));
        }

        await store.SettleClaimsAsync(delivered, failed);
        return delivered.Count;
    }

    public async Task<OmHousekeeping> Reset()
    {
        options.Value.Guard();
        return await ResetAsync(await store.IngestedProductsAsync());
    }

    public async Task<OmHousekeeping> Cleanup()
    {
        options.Value.Guard();
        var products = await store.IngestedProductsAsync();
        var reset = await ResetAsync(products);
        await ForEachAsync(products, p => OmCalls.As(OmKeys.StoreCaller(p.SellerId),
            () => GrainFactory.GetGrain<IProductGrain>(OmKeys.ProductId(p.SellerId, p.ProductId)).Archive(null)));
        await store.ForgetMappingAsync();
        return reset;
    }

    private async Task<OmHousekeeping> ResetAsync(IReadOnlyList<OmIngestedProduct> products)
    {
        await ForEachAsync(products, async p =>
        {
            var caller = OmKeys.StoreCaller(p.SellerId);
            var productId = OmKeys.ProductId(p.SellerId, p.ProductId);
            if (p.Product is { } ingested && await GrainFactory.GetGrain<IProductGrain>(productId).GetHeader() is not null)
            {
                await OmCalls.As(caller, () => GrainFactory.GetGrain<IProductGrain>(productId).Update(OmCatalogGrain.ProductDraftOf(ingested), null));
            }

            if (p.Stock is { } stock)
            {
                await OmCalls.As(caller, () => GrainFactory.GetGrain<IInventoryGrain>(GrainKeys.Sku(productId, OmKeys.Sku)).SetOnHand(stock));
            }
        });
        var customers = await store.CustomersAsync();
        await ForEachAsync(customers, id => GrainFactory.GetGrain<IOmCustomerGrain>(id).Reset());
        var open = await store.ForgetOrdersAsync();
        LogReset(logger, products.Count, customers.Count, open);
        return new OmHousekeeping(products.Count, customers.Count, open);
    }

    private static async Task ForEachAsync<T>(IReadOnlyList<T> items, Func<T, Task> step)
    {
        foreach (var chunk in items.Chunk(Parallelism))
        {
            await Task.WhenAll(chunk.Select(step));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Benchmark delivery of order {OrderId} failed; it stays open")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, string orderId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Benchmark reset: {Products} products, {Customers} customers, {Open} open orders left the benchmark's view")]
    private static partial void LogReset(ILogger logger, int products, int customers, int open);
}
