using Marketplace.Contracts.Orders;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Orders;

/// <summary>
/// An order's holds at the inventory: one per line, keyed by the order id, so every call is idempotent and can be
/// repeated until it succeeds.
/// </summary>
public sealed partial class OrderStock(IGrainFactory grains, string orderId, ILogger logger)
{
    /// <summary>
    /// Holds every line until <paramref name="holdUntil"/>. If the inventory cannot be reached, whatever was held goes
    /// back now rather than at the hold's expiry, and the caller is told to retry (the same key holds again).
    /// </summary>
    public async Task<ReservationResult[]> ReserveAsync(IReadOnlyList<OrderLine> lines, DateTimeOffset holdUntil)
    {
        try
        {
            return await Task.WhenAll(lines.Select(line => Sku(line).Reserve(orderId, line.Quantity, holdUntil)));
        }
        catch (Exception e) when (e is OrleansException or DomainException or TimeoutException)
        {
            try
            {
                await ReleaseAsync(lines);
            }
            catch (Exception release) when (release is OrleansException or DomainException or TimeoutException)
            {
                LogReleaseFailed(logger, release, orderId);
            }

            throw e as DomainException ?? new DomainException(DomainErrorKind.Unavailable, "inventory-unavailable",
                "The stock could not be reserved. Nothing was promised; retry.");
        }
    }

    public Task ReleaseAsync(IEnumerable<OrderLine> lines) => Task.WhenAll(lines.Select(line => Sku(line).Release(orderId)));

    /// <summary>A received return's units: back on the shelf, or written off.</summary>
    public Task TakeBackAsync(ReturnState ret) => Task.WhenAll(ret.Lines.Select(line =>
        grains.GetGrain<IInventoryGrain>(GrainKeys.Sku(line.ProductId, line.Sku)).TakeBack(orderId, ret.ReturnId, line.Quantity, ret.WriteOff)));

    /// <summary>Turns the holds into sold units; a line answers other than Committed when its hold was gone.</summary>
    public Task<ReservationResult[]> CommitAsync(IEnumerable<OrderLine> lines) => Task.WhenAll(lines.Select(line => Sku(line).Commit(orderId)));

    private IInventoryGrain Sku(OrderLine line) => grains.GetGrain<IInventoryGrain>(GrainKeys.Sku(line.ProductId, line.Sku));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId}: releasing the holds of a failed placement failed; they run out by themselves")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string orderId);
}
