namespace Marketplace.Grains.Catalog;

/// <summary>
/// An admin's hold on a store: while suspended, its catalog cannot change and it cannot sell, until an admin reinstates
/// it. Pure: it changes the state it is given and answers whether there is anything to store.
/// </summary>
public static class StoreModeration
{
    public const int MaxReasonLength = 500;

    /// <summary>Suspends the store for the given reason; false when it is suspended already (the first reason stays).</summary>
    public static bool Suspend(SellerState s, string reason, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReasonLength || !StorableText.IsStorable(reason))
        {
            throw DomainException.Invalid(new Dictionary<string, string[]> { ["reason"] = ["Give a reason of 1-500 characters (no U+0000)."] });
        }

        if (s.Status == StoreStatus.Suspended)
        {
            return false;
        }

        s.Status = StoreStatus.Suspended;
        s.SuspendedReason = reason.Trim();
        s.SuspendedAt = now;
        s.Version++;
        return true;
    }

    /// <summary>Lifts a suspension; false when the store is active already.</summary>
    public static bool Reinstate(SellerState s)
    {
        if (s.Status == StoreStatus.Active)
        {
            return false;
        }

        s.Status = StoreStatus.Active;
        s.SuspendedReason = null;
        s.SuspendedAt = null;
        s.Version++;
        return true;
    }

    public static void RequireActive(SellerState s)
    {
        if (s.Status == StoreStatus.Suspended)
        {
            throw DomainException.Forbidden("store-suspended", "The store is suspended; its catalog cannot change until an admin reinstates it.");
        }
    }
}
