using Marketplace.Contracts.Notifications;
using Marketplace.Contracts.Realtime;
using Marketplace.Grains.Catalog;
using Marketplace.Grains.Common;
using Marketplace.Grains.Realtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Marketplace.Grains.Inventory;

/// <summary>
/// The stock of one SKU, keyed by "productId/sku".
/// <para>
/// Group commit (<see cref="CoalescedWrites"/>): the grain is reentrant, so calls arriving while a write is in flight are
/// applied to memory at once (each decides on the state the previous ones left, so availability can never be promised
/// twice) and stored together by the next write. A call is answered only after the write holding its change succeeded.
/// If a write fails, every change not yet stored is refused with a retryable error and the activation is retired;
/// retries land on a fresh activation that reloads storage, where idempotency by order id turns a write that did commit
/// into the same answer.
/// </para>
/// </summary>
[Reentrant]
public sealed partial class InventoryGrain(
    IInventoryStore store,
    IOptions<InventoryOptions> options,
    TimeProvider clock,
    ILogger<InventoryGrain> logger) : Grain, IInventoryGrain, IRemindable
{
    private const string SweepReminder = "inventory-sweep";

    private SkuLedger? ledger;
    private StockLevel durable = StockLevel.None;
    private CoalescedWrites? writes;
    private IGrainTimer? sweepTimer;
    private bool reminderRegistered;

    private string SkuId => this.GetPrimaryKeyString();

    private CoalescedWrites Writes => writes ??= new CoalescedWrites(WriteBatchAsync, Unavailable);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (await store.LoadAsync(SkuId, cancellationToken) is { } snapshot)
        {
            ledger = SkuLedger.Load(snapshot, options.Value.SettledMemory);
            durable = snapshot.Counters.ToLevel();
            // Tell watchers the stored level once per activation: a change stored by a write that reported failure
            // (it may still have committed) was never announced. Feeds drop it if they already had this version.
            GrainFactory.Publish(FeedTopics.Product(snapshot.Counters.ProductId), StockNews.Level(snapshot.Counters));
            if (ledger.HeldCount > 0)
            {
                StartSweeping();
                reminderRegistered = await this.GetReminder(SweepReminder) is not null;
            }
        }
    }

    public async Task<StockLevel> Initialize(string sellerId, int initialStock)
    {
        if (ledger is not null)
        {
            if (!string.Equals(ledger.Counters.SellerId, sellerId, StringComparison.Ordinal))
            {
                throw DomainException.Conflict("sku-taken", "The SKU belongs to another store.");
            }

            await Writes.WhenStoredAsync();
            return durable;
        }

        RequireStoreStaff(sellerId);
        if (initialStock is < 0 or > CatalogRules.MaxStockPerSku)
        {
            throw InvalidField("initialStock", $"Initial stock must be between 0 and {CatalogRules.MaxStockPerSku}.");
        }

        var separator = SkuId.IndexOf('/', StringComparison.Ordinal);
        if (separator <= 0)
        {
            throw InvalidField("sku", "An inventory key is 'productId/sku'.");
        }

        ledger = SkuLedger.Create(SkuId, SkuId[..separator], SkuId[(separator + 1)..], sellerId, initialStock, clock.GetUtcNow(),
            options.Value.SettledMemory);
        await Writes.StoreAsync();
        return durable;
    }

    public Task<StockLevel> GetLevel() => Task.FromResult(durable);

    public async Task<StockLevel> SetOnHand(int onHand)
    {
        if (onHand is < 0 or > CatalogRules.MaxStockPerSku)
        {
            throw InvalidField("onHand", $"On-hand units must be between 0 and {CatalogRules.MaxStockPerSku}.");
        }

        var sku = RequireLedger();
        RequireStoreStaff(sku.Counters.SellerId);
        if (sku.SetOnHand(onHand, "set-" + Guid.NewGuid().ToString("N"), clock.GetUtcNow()))
        {
            LogStockSet(logger, SkuId, onHand);
            await Writes.StoreAsync();
        }
        else
        {
            await Writes.WhenStoredAsync();
        }

        return durable;
    }

    public async Task<StockLevel> Restock(string adjustmentId, int delta)
    {
        if (string.IsNullOrWhiteSpace(adjustmentId) || adjustmentId.Length > 100)
        {
            throw InvalidField("adjustmentId", "An adjustment id is 1-100 characters.");
        }

        if (delta == 0 || Math.Abs((long)delta) > CatalogRules.MaxStockPerSku)
        {
            throw InvalidField("delta", $"A restock adds or removes between 1 and {CatalogRules.MaxStockPerSku} units.");
        }

        var sku = RequireLedger();
        RequireStoreStaff(sku.Counters.SellerId);
        if (!sku.KnowsAdjustment(adjustmentId) && await store.AdjustmentExistsAsync(SkuId, adjustmentId))
        {
            sku.RememberAdjustment(adjustmentId);
        }

        if (sku.Restock(adjustmentId, delta, CatalogRules.MaxStockPerSku, clock.GetUtcNow()))
        {
            await Writes.StoreAsync();
        }
        else
        {
            await Writes.WhenStoredAsync();
        }

        return durable;
    }

    public async Task<ReservationResult> Reserve(string orderId, int quantity, DateTimeOffset expiresAt)
    {
        RequireOrderId(orderId);
        if (quantity is <= 0 or > CatalogRules.MaxStockPerSku)
        {
            throw InvalidField("quantity", $"A reservation holds between 1 and {CatalogRules.MaxStockPerSku} units.");
        }

        var now = clock.GetUtcNow();
        if (expiresAt <= now)
        {
            throw InvalidField("expiresAt", "A reservation must expire in the future.");
        }

        var sku = RequireLedger();
        var asked = sku.Find(orderId) is null;
        var result = sku.Reserve(orderId, quantity, expiresAt, now, out var changed);
        await (changed ? Writes.StoreAsync() : Writes.WhenStoredAsync());
        if (asked)
        {
            GrainMetrics.Reservation(result.Status == ReservationStatus.Held);
        }

        return result;
    }

    public Task<ReservationResult> Release(string orderId) => SettleAsync(orderId, ReservationStatus.Released);

    public Task<ReservationResult> Commit(string orderId) => SettleAsync(orderId, ReservationStatus.Committed);

    public async Task<StockLevel> TakeBack(string orderId, string returnId, int quantity, bool writeOff)
    {
        RequireOrderId(orderId);
        var key = orderId + "/" + returnId;
        if (string.IsNullOrWhiteSpace(returnId) || key.Length > 100)
        {
            throw InvalidField("returnId", "A return id is short text.");
        }

        var sku = RequireLedger();
        if (!sku.KnowsAdjustment(key) && await store.AdjustmentExistsAsync(SkuId, key))
        {
            sku.RememberAdjustment(key);
        }

        if (!sku.KnowsAdjustment(key))
        {
            if (sku.Find(orderId) is null)
            {
                await RecallAsync(orderId);
            }

            var committed = sku.Find(orderId) ?? throw DomainException.Conflict("not-sold-here", "The order bought nothing of this SKU.");
            if (sku.TakeBack(key, committed, quantity, writeOff, clock.GetUtcNow()))
            {
                await Writes.StoreAsync();
                return durable;
            }
        }

        await Writes.WhenStoredAsync();
        return durable;
    }

    public async Task<ReservationResult> GetReservation(string orderId)
    {
        RequireOrderId(orderId);
        var sku = RequireLedger();
        if (sku.Find(orderId) is null)
        {
            await RecallAsync(orderId);
        }

        await Writes.WhenStoredAsync();
        return sku.Find(orderId) is { } r
            ? new ReservationResult(r.OrderId, r.Status, r.Quantity, sku.Available, r.ExpiresAt)
            : Unknown(orderId);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != SweepReminder)
        {
            return;
        }

        if (ledger is null || ledger.HeldCount == 0)
        {
            await StopReminderAsync();
            return;
        }

        StartSweeping();
        await SweepAsync();
    }

    /// <summary>Releases or commits the order's hold; an order memory no longer has is looked up in storage first.</summary>
    private async Task<ReservationResult> SettleAsync(string orderId, ReservationStatus outcome)
    {
        RequireOrderId(orderId);
        var sku = RequireLedger();
        var result = sku.Settle(orderId, outcome, clock.GetUtcNow(), out var changed);
        if (result is null && await RecallAsync(orderId))
        {
            result = sku.Settle(orderId, outcome, clock.GetUtcNow(), out changed);
        }

        if (changed && outcome == ReservationStatus.Committed)
        {
            LogCommitted(logger, SkuId, orderId, result!.Quantity);
        }

        await (changed ? Writes.StoreAsync() : Writes.WhenStoredAsync());
        return result ?? Unknown(orderId);
    }

    /// <summary>Reads a settled hold that memory no longer has; answers whether storage knew it.</summary>
    private async Task<bool> RecallAsync(string orderId)
    {
        if (await store.FindReservationAsync(SkuId, orderId) is not { } stored)
        {
            return false;
        }

        ledger!.Remember(stored);
        return true;
    }

    private async Task SweepAsync()
    {
        if (ledger is null || Writes.IsBroken)
        {
            return;
        }

        var expired = ledger.Expire(clock.GetUtcNow(), options.Value.ExpiryGrace);
        if (expired > 0)
        {
            LogExpired(logger, SkuId, expired);
            await Writes.StoreAsync();
        }
    }

    private void StartSweeping()
    {
        var interval = options.Value.SweepInterval;
        sweepTimer ??= this.RegisterGrainTimer(_ => SweepAsync(), new GrainTimerCreationOptions { DueTime = interval, Period = interval });
    }

    private async Task StopReminderAsync()
    {
        sweepTimer?.Dispose();
        sweepTimer = null;
        if (await this.GetReminder(SweepReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        reminderRegistered = false;
    }

    /// <summary>
    /// Stores what changed since the previous write, never a state that breaks conservation (checked once per batch, not
    /// per call). Once stored, watchers and the store are told and the sweep's reminder is kept, after the callers have
    /// their answer.
    /// </summary>
    private async Task<Func<Task>> WriteBatchAsync()
    {
        var batch = ledger!.TakeBatch();
        try
        {
            if (!ledger.IsConsistent())
            {
                throw new InvalidOperationException($"Inventory {SkuId} would become inconsistent.");
            }

            await store.WriteAsync(batch);
        }
        catch (Exception e)
        {
            LogWriteFailed(logger, e, SkuId, batch.Operations);
            DeactivateOnIdle();
            throw;
        }

        var before = durable;
        durable = batch.Counters.ToLevel();
        return () =>
        {
            Announce(before, batch.Counters);
            return KeepReminderAsync();
        };
    }

    /// <summary>Tells the product's watchers and the store what a stored change means for them (<see cref="StockNews"/>).</summary>
    private void Announce(StockLevel before, SkuCounters after)
    {
        if (StockNews.ForWatchers(before, after) is { } changed)
        {
            GrainFactory.Publish(FeedTopics.Product(after.ProductId), changed);
        }

        if (StockNews.ForStore(before, after, options.Value.LowStockThreshold) is { } lowStock)
        {
            _ = NotifyLowStockAsync(after.SellerId, lowStock);
        }
    }

    /// <summary>Best effort: a crash now loses it, and the store's low-stock list stays the authority.</summary>
    private async Task NotifyLowStockAsync(string sellerId, NotificationDraft notice)
    {
        try
        {
            await GrainFactory.NotifyStore(sellerId, notice, null);
        }
        catch (Exception e)
        {
            LogNotifyFailed(logger, e, SkuId);
        }
    }

    /// <summary>A SKU with holds keeps a reminder, so its sweep runs even if the silo holding it dies.</summary>
    private async Task KeepReminderAsync()
    {
        if (ledger!.HeldCount == 0 || reminderRegistered)
        {
            return;
        }

        reminderRegistered = true;
        StartSweeping();
        try
        {
            await this.RegisterOrUpdateReminder(SweepReminder, options.Value.ReminderPeriod, options.Value.ReminderPeriod);
        }
        catch (Exception e)
        {
            reminderRegistered = false;
            LogReminderFailed(logger, e, SkuId);
        }
    }

    private SkuLedger RequireLedger()
    {
        Writes.ThrowIfBroken();
        return ledger ?? throw DomainException.NotFound("The SKU");
    }

    private static DomainException Unavailable() => new(
        DomainErrorKind.Unavailable, "inventory-unavailable", "The stock could not be stored. Nothing was promised; retry.");

    private static ReservationResult Unknown(string orderId) => new(orderId, ReservationStatus.Unknown, 0, 0, null);

    private static DomainException InvalidField(string field, string message) =>
        DomainException.Invalid(new Dictionary<string, string[]> { [field] = [message] });

    private static void RequireOrderId(string orderId)
    {
        if (string.IsNullOrWhiteSpace(orderId) || orderId.Length > 100)
        {
            throw InvalidField("orderId", "An order id is 1-100 characters.");
        }
    }

    /// <summary>
    /// The product grain has already asked the store whether the caller is its staff; this second check, on the claim
    /// the caller carries, keeps a direct call from another store out.
    /// </summary>
    private static void RequireStoreStaff(string sellerId)
    {
        if (!CallerContext.Require().ActsFor(sellerId))
        {
            throw DomainException.Forbidden("not-store-staff", "Only the store's staff may change its stock.");
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stock of {Sku} set to {OnHand}")]
    private static partial void LogStockSet(ILogger logger, string sku, int onHand);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Order {OrderId} bought {Quantity} of {Sku}")]
    private static partial void LogCommitted(ILogger logger, string sku, string orderId, int quantity);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released {Count} expired hold(s) on {Sku}")]
    private static partial void LogExpired(ILogger logger, string sku, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing {Operations} change(s) of {Sku} failed; the activation retires")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string sku, int operations);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell the store that {Sku} runs low")]
    private static partial void LogNotifyFailed(ILogger logger, Exception exception, string sku);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not register the expiry sweep of {Sku}; retrying with the next write")]
    private static partial void LogReminderFailed(ILogger logger, Exception exception, string sku);
}
