namespace Marketplace.Contracts.Common;

/// <summary>What a caller may act as. A seller user is also a shopper; an admin is neither by default.</summary>
[Flags]
[GenerateSerializer, Alias("mk.CallerRoles")]
public enum CallerRoles
{
    None = 0,
    /// <summary>An anonymous visitor with a guest token: a cart and stock watching, nothing else.</summary>
    Guest = 1,
    Shopper = 2,
    /// <summary>Staff of the store named by <see cref="Caller.SellerId"/>.</summary>
    Seller = 4,
    Admin = 8,
    /// <summary>A partner system authenticated by an integration API key.</summary>
    Integration = 16,
    /// <summary>An external provider (payments, shipping) whose webhook signature the web host verified.</summary>
    Provider = 32,
    /// <summary>
    /// A store's own API key, with <see cref="Seller"/>: stands in for the store's staff (named by
    /// <see cref="Caller.SellerId"/>) on its catalog, stock, orders and webhooks; never its owner.
    /// </summary>
    StoreKey = 64,
}

/// <summary>
/// Who is calling a grain. The web host builds it from a validated token (never from a request body) and sends it
/// with every grain call in <see cref="RequestContext"/>; grains check it again before any write.
/// </summary>
[GenerateSerializer, Immutable, Alias("mk.Caller")]
public sealed record Caller(
    [property: Id(0)] string UserId,
    [property: Id(1)] CallerRoles Roles,
    [property: Id(2)] string? SellerId,
    [property: Id(3)] string? Email = null,
    [property: Id(4)] string? ProvenGuestId = null)
{
    /// <summary>True when the caller is this user or guest, or showed the web host that guest's token.</summary>
    public bool Owns(string userOrGuestId) =>
        string.Equals(UserId, userOrGuestId, StringComparison.Ordinal) || string.Equals(ProvenGuestId, userOrGuestId, StringComparison.Ordinal);

    public bool IsAdmin => Roles.HasFlag(CallerRoles.Admin);

    public bool IsIntegration => Roles.HasFlag(CallerRoles.Integration);

    /// <summary>True when the caller acts for the given store (its sellerId claim names it).</summary>
    public bool ActsFor(string sellerId) =>
        Roles.HasFlag(CallerRoles.Seller) && string.Equals(SellerId, sellerId, StringComparison.Ordinal);
}

/// <summary>Carries the <see cref="Caller"/> with grain calls; it flows on to the grains those grains call.</summary>
public static class CallerContext
{
    private const string Key = "mk.caller";

    /// <summary>The caller of the current grain call, or null when the call carries none.</summary>
    public static Caller? Current => RequestContext.Get(Key) as Caller;

    /// <summary>Sets the caller for grain calls made from here on in this async flow.</summary>
    public static void Set(Caller? caller)
    {
        if (caller is null)
        {
            RequestContext.Remove(Key);
        }
        else
        {
            RequestContext.Set(Key, caller);
        }
    }

    /// <summary>The current caller; refuses the call when there is none.</summary>
    public static Caller Require() =>
        Current ?? throw DomainException.Forbidden("not-authenticated", "The call carries no caller identity.");
}
