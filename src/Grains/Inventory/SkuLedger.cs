namespace Marketplace.Grains.Inventory;

/// <summary>The persisted counters of one SKU.</summary>
public sealed record SkuCounters(
    string SkuId,
    string ProductId,
    string Sku,
    string SellerId,
    int InitialStock,
    long Adjustments,
    int OnHand,
    int Reserved,
    int Sold,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public StockLevel ToLevel() => new(OnHand, Reserved, Sold, Version);
}

/// <summary>One order's hold on a SKU, and how it ended.</summary>
public sealed record Reservation(
    string OrderId,
    int Quantity,
    DateTimeOffset ExpiresAt,
    ReservationStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SettledAt);

/// <summary>
/// A change of units outside orders: the store's (set, restock; <see cref="Delta"/> units on hand) or a return of sold
/// units (<see cref="Returned"/> units leave <c>sold</c>: back on hand, or written off with a delta of −returned).
/// <see cref="Delta"/> is always what the change adds to the SKU's adjustments.
/// </summary>
public sealed record StockAdjustment(string AdjustmentId, string Kind, int Delta, int OnHandAfter, DateTimeOffset At, int Returned = 0);

/// <summary>What a SKU's storage holds: its counters and the reservations still held.</summary>
public sealed record SkuSnapshot(SkuCounters Counters, IReadOnlyList<Reservation> Held);

/// <summary>
/// Everything that changed since the last write, stored as one transaction. <see cref="ExpectedVersion"/> is the version
/// the storage must still have (0 for a SKU not stored yet), so a second activation of the grain cannot overwrite it.
/// </summary>
public sealed record InventoryBatch(
    SkuCounters Counters,
    long ExpectedVersion,
    IReadOnlyList<Reservation> Reservations,
    IReadOnlyList<StockAdjustment> Adjustments,
    int Operations,
    bool AvailabilityChanged = false,
    bool LevelChanged = false);

/// <summary>
/// The units of one SKU and the rules that keep them honest, without I/O: available = OnHand − Reserved never drops
/// below zero, and OnHand + Sold always equals InitialStock + Adjustments. Every operation changes memory at once (so the
/// next one decides on it) and records what it changed; <see cref="TakeBatch"/> hands those changes to storage.
/// </summary>
public sealed class SkuLedger
{
    private readonly Dictionary<string, Reservation> held = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Reservation> settled = new(StringComparer.Ordinal);
    private readonly Queue<string> settledOrder = new();
    private readonly HashSet<string> knownAdjustments = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Reservation> dirtyReservations = new(StringComparer.Ordinal);
    private readonly List<StockAdjustment> newAdjustments = [];
    private readonly int settledMemory;
    private long storedVersion;
    /// <summary>Whether the stored counters had units available; null before the first write.</summary>
    private bool? storedAvailable;
    /// <summary>The stored counters' available units; null before the first write.</summary>
    private int? storedUnits;
    private int pendingOperations;

    private SkuLedger(SkuCounters counters, long storedVersion, int settledMemory)
    {
        Counters = counters;
        this.storedVersion = storedVersion;
        this.settledMemory = settledMemory;
        storedAvailable = storedVersion == 0 ? null : counters.OnHand > counters.Reserved;
        storedUnits = storedVersion == 0 ? null : counters.OnHand - counters.Reserved;
    }

    /// <summary>The current counters, including changes not yet written.</summary>
    public SkuCounters Counters { get; private set; }

    public int Available => Counters.OnHand - Counters.Reserved;

    public int HeldCount => held.Count;

    /// <summary>Whether there are changes that <see cref="TakeBatch"/> would hand out.</summary>
    public bool HasChanges => pendingOperations > 0;

    /// <summary>A SKU that storage does not have yet; its first batch creates it.</summary>
    public static SkuLedger Create(
        string skuId, string productId, string sku, string sellerId, int initialStock, DateTimeOffset now, int settledMemory = 100_000)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initialStock);
        var ledger = new SkuLedger(
            new SkuCounters(skuId, productId, sku, sellerId, initialStock, 0, initialStock, 0, 0, 0, now, now), 0, settledMemory);
        ledger.pendingOperations = 1;
        return ledger;
    }

    public static SkuLedger Load(SkuSnapshot snapshot, int settledMemory = 100_000)
    {
        var ledger = new SkuLedger(snapshot.Counters, snapshot.Counters.Version, settledMemory);
        foreach (var reservation in snapshot.Held)
        {
            ledger.held[reservation.OrderId] = reservation;
        }

        return ledger;
    }

    /// <summary>Answers what this SKU knows about the order without storage, or null when memory does not say.</summary>
    public Reservation? Find(string orderId) =>
        held.TryGetValue(orderId, out var h) ? h : settled.GetValueOrDefault(orderId);

    /// <summary>Remembers a settled reservation read back from storage, so the next question is answered from memory.</summary>
    public void Remember(Reservation reservation)
    {
        if (reservation.Status != ReservationStatus.Held && !settled.ContainsKey(reservation.OrderId))
        {
            RememberSettled(reservation);
        }
    }

    public bool KnowsAdjustment(string adjustmentId) => knownAdjustments.Contains(adjustmentId);

    public void RememberAdjustment(string adjustmentId) => knownAdjustments.Add(adjustmentId);

    /// <summary>Holds units for an order, or answers why not. <paramref name="changed"/> says whether memory changed.</summary>
    public ReservationResult Reserve(string orderId, int quantity, DateTimeOffset expiresAt, DateTimeOffset now, out bool changed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        changed = false;
        if (held.TryGetValue(orderId, out var existing))
        {
            if (existing.Quantity != quantity)
            {
                throw DomainException.Conflict(
                    "reservation-mismatch",
                    $"Order {orderId} already holds {existing.Quantity} unit(s) of this SKU; a hold is not resized.");
            }

            if (expiresAt > existing.ExpiresAt)
            {
                // A later retry may extend the hold (the order's own timeout moved); never shorten it.
                existing = existing with { ExpiresAt = expiresAt };
                held[orderId] = existing;
                MarkDirty(existing);
                changed = true;
            }

            return Result(existing);
        }

        if (settled.TryGetValue(orderId, out var done))
        {
            return Result(done);
        }

        if (quantity > Available)
        {
            return new ReservationResult(orderId, ReservationStatus.Refused, quantity, Available, null);
        }

        var reservation = new Reservation(orderId, quantity, expiresAt, ReservationStatus.Held, now, null);
        held[orderId] = reservation;
        Counters = Counters with { Reserved = Counters.Reserved + quantity, UpdatedAt = now };
        MarkDirty(reservation);
        changed = true;
        return Result(reservation);
    }

    /// <summary>Lets a hold go. Null when memory does not know the order (storage may).</summary>
    public ReservationResult? Release(string orderId, DateTimeOffset now, out bool changed) =>
        Settle(orderId, ReservationStatus.Released, now, out changed);

    /// <summary>Sells the held units. Null when memory does not know the order (storage may).</summary>
    public ReservationResult? Commit(string orderId, DateTimeOffset now, out bool changed) =>
        Settle(orderId, ReservationStatus.Committed, now, out changed);

    /// <summary>Releases every hold whose expiry plus <paramref name="grace"/> has passed; answers how many.</summary>
    public int Expire(DateTimeOffset now, TimeSpan grace)
    {
        var due = held.Values.Where(r => r.ExpiresAt + grace <= now).Select(r => r.OrderId).ToList();
        foreach (var orderId in due)
        {
            Settle(orderId, ReservationStatus.Expired, now, out _);
        }

        return due.Count;
    }

    /// <summary>Sets the units on hand; refused below the reserved units. Answers false when nothing changes.</summary>
    public bool SetOnHand(int onHand, string adjustmentId, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(onHand);
        if (onHand < Counters.Reserved)
        {
            throw DomainException.Conflict(
                "stock-below-reserved",
                $"On-hand units cannot go below the {Counters.Reserved} unit(s) reserved by open orders.");
        }

        if (onHand == Counters.OnHand)
        {
            return false;
        }

        Adjust(adjustmentId, "set", onHand - Counters.OnHand, now);
        return true;
    }

    /// <summary>Adds (or removes) units on hand once per adjustment id. Answers false for a repeated id.</summary>
    public bool Restock(string adjustmentId, int delta, int maxOnHand, DateTimeOffset now)
    {
        if (knownAdjustments.Contains(adjustmentId))
        {
            return false;
        }

        var after = (long)Counters.OnHand + delta;
        if (after < Counters.Reserved)
        {
            throw DomainException.Conflict(
                "stock-below-reserved",
                $"Removing {-delta} unit(s) would leave fewer on hand than the {Counters.Reserved} reserved by open orders.");
        }

        if (after > maxOnHand)
        {
            throw DomainException.Conflict("stock-too-large", $"A SKU holds at most {maxOnHand} units on hand.");
        }

        Adjust(adjustmentId, "restock", delta, now);
        return true;
    }

    /// <summary>
    /// Takes back <paramref name="quantity"/> sold units of <paramref name="committed"/>'s order once per
    /// <paramref name="returnId"/>: on the shelf again, or written off (they leave the stock, as an adjustment). Answers
    /// false for a repeated id. Never more than the order bought, nor than are sold.
    /// </summary>
    public bool TakeBack(string returnId, Reservation committed, int quantity, bool writeOff, DateTimeOffset now)
    {
        if (knownAdjustments.Contains(returnId))
        {
            return false;
        }

        if (committed.Status != ReservationStatus.Committed || quantity < 1 || quantity > committed.Quantity || quantity > Counters.Sold)
        {
            throw DomainException.Conflict("not-sold-here", $"The order did not buy {quantity} unit(s) of this SKU that could come back.");
        }

        Counters = writeOff
            ? Counters with { Sold = Counters.Sold - quantity, Adjustments = Counters.Adjustments - quantity, UpdatedAt = now }
            : Counters with { Sold = Counters.Sold - quantity, OnHand = Counters.OnHand + quantity, UpdatedAt = now };
        knownAdjustments.Add(returnId);
        newAdjustments.Add(new StockAdjustment(returnId, writeOff ? "write-off" : "return", writeOff ? -quantity : 0, Counters.OnHand, now, quantity));
        pendingOperations++;
        return true;
    }

    /// <summary>
    /// Hands out the changes since the last batch and expects storage to be at the version written before. The batch
    /// says whether the SKU went from having units available to none or back (what search shows as "in stock").
    /// </summary>
    public InventoryBatch TakeBatch()
    {
        var expected = storedVersion;
        Counters = Counters with { Version = expected + 1 };
        var available = Available > 0;
        var batch = new InventoryBatch(Counters, expected, dirtyReservations.Values.ToList(), newAdjustments.ToList(), pendingOperations,
            AvailabilityChanged: storedAvailable != available, LevelChanged: storedUnits != Available);
        storedVersion = expected + 1;
        storedAvailable = available;
        storedUnits = Available;
        dirtyReservations.Clear();
        newAdjustments.Clear();
        pendingOperations = 0;
        return batch;
    }

    /// <summary>True when the conservation rule holds; checked before every write.</summary>
    public bool IsConsistent()
    {
        var c = Counters;
        return c.Reserved >= 0 && c.OnHand >= c.Reserved && c.Sold >= 0
               && c.OnHand + (long)c.Sold == c.InitialStock + c.Adjustments
               && c.Reserved == held.Values.Sum(r => r.Quantity);
    }

    /// <summary>
    /// Ends a hold as <paramref name="outcome"/> (released, committed or expired), or answers how it already ended. Null
    /// when memory does not know the order (storage may).
    /// </summary>
    public ReservationResult? Settle(string orderId, ReservationStatus outcome, DateTimeOffset now, out bool changed)
    {
        if (outcome is not (ReservationStatus.Released or ReservationStatus.Committed or ReservationStatus.Expired))
        {
            throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "A hold ends released, committed or expired.");
        }

        changed = false;
        if (settled.TryGetValue(orderId, out var done))
        {
            return done.Status == ReservationStatus.Committed && outcome == ReservationStatus.Released
                ? ReturnToShelf(done, now, out changed)
                : Result(done);
        }

        if (!held.Remove(orderId, out var reservation))
        {
            return null;
        }

        var counters = Counters with { Reserved = Counters.Reserved - reservation.Quantity, UpdatedAt = now };
        if (outcome == ReservationStatus.Committed)
        {
            counters = counters with { OnHand = counters.OnHand - reservation.Quantity, Sold = counters.Sold + reservation.Quantity };
        }

        Counters = counters;
        var result = reservation with { Status = outcome, SettledAt = now };
        RememberSettled(result);
        MarkDirty(result);
        changed = true;
        return Result(result);
    }

    /// <summary>
    /// An order releases units it had committed when it will not keep its payment: it ended unpaid (the payment it
    /// committed them for was never stored: its write failed after the commit, and the order then timed out or was
    /// cancelled), or its store cancelled it after payment; either way that money goes back to the buyer. Only such an
    /// order releases (DESIGN.md §4.1: every sold unit belongs to a paid order), so the units go back on sale.
    /// </summary>
    private ReservationResult ReturnToShelf(Reservation committed, DateTimeOffset now, out bool changed)
    {
        Counters = Counters with
        {
            OnHand = Counters.OnHand + committed.Quantity,
            Sold = Counters.Sold - committed.Quantity,
            UpdatedAt = now,
        };
        var released = committed with { Status = ReservationStatus.Released, SettledAt = now };
        settled[released.OrderId] = released;
        MarkDirty(released);
        changed = true;
        return Result(released);
    }

    private void Adjust(string adjustmentId, string kind, int delta, DateTimeOffset now)
    {
        Counters = Counters with
        {
            OnHand = Counters.OnHand + delta,
            Adjustments = Counters.Adjustments + delta,
            UpdatedAt = now,
        };
        knownAdjustments.Add(adjustmentId);
        newAdjustments.Add(new StockAdjustment(adjustmentId, kind, delta, Counters.OnHand, now));
        pendingOperations++;
    }

    private void RememberSettled(Reservation reservation)
    {
        settled[reservation.OrderId] = reservation;
        settledOrder.Enqueue(reservation.OrderId);
        while (settledOrder.Count > settledMemory && settledOrder.TryDequeue(out var oldest))
        {
            // Storage keeps the record; memory only has to answer quick retries.
            settled.Remove(oldest);
        }
    }

    private void MarkDirty(Reservation reservation)
    {
        dirtyReservations[reservation.OrderId] = reservation;
        pendingOperations++;
    }

    private ReservationResult Result(Reservation r) => new(r.OrderId, r.Status, r.Quantity, Available, r.ExpiresAt);
}
