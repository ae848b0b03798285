using Marketplace.Contracts.Orders;

namespace Marketplace.Grains.Orders;

/// <summary>
/// Who may do what to an order, checked inside the grain on every call from the caller the request carries, whatever
/// the web host checked before: the buyer places and pays, the store decides and ships, both read and cancel, admins
/// read, and provider events come only from a verified webhook. Pure.
/// </summary>
public static class OrderAccess
{
    public static void RequirePlacer(Caller caller, PlaceOrderRequest request)
    {
        if (!caller.Owns(request.BuyerId) || !caller.Roles.HasFlag(CallerRoles.Shopper))
        {
            throw DomainException.Forbidden("not-the-buyer", "An order is placed only by its signed-in buyer.");
        }
    }

    public static void RequireExists(OrderState order)
    {
        if (!order.Created)
        {
            throw DomainException.NotFound("The order");
        }
    }

    public static void RequireReader(OrderState order, Caller caller)
    {
        RequireExists(order);
        if (!caller.Owns(order.BuyerId) && !caller.ActsFor(order.SellerId) && !caller.IsAdmin)
        {
            throw DomainException.Forbidden("not-your-order", "An order is seen only by its buyer and its store.");
        }
    }

    public static void RequireBuyer(OrderState order, Caller caller)
    {
        RequireExists(order);
        if (!caller.Owns(order.BuyerId))
        {
            throw DomainException.Forbidden("not-the-buyer", "Only the buyer pays for an order.");
        }
    }

    public static void RequireStore(OrderState order, Caller caller)
    {
        RequireExists(order);
        if (!caller.ActsFor(order.SellerId))
        {
            throw DomainException.Forbidden("not-your-order", "Only the order's store decides on it.");
        }
    }

    /// <summary>True when the store cancels (it comes first when the caller is both), false when the buyer does.</summary>
    public static bool CancelsAsStore(OrderState order, Caller caller)
    {
        if (caller.ActsFor(order.SellerId))
        {
            return true;
        }

        if (caller.Owns(order.BuyerId))
        {
            return false;
        }

        throw DomainException.Forbidden("not-your-order", "An order is cancelled only by its buyer or its store.");
    }

    public static void RequireProvider(Caller caller)
    {
        if (!caller.Roles.HasFlag(CallerRoles.Provider))
        {
            throw DomainException.Forbidden("not-a-provider", "Provider events come only through a verified webhook.");
        }
    }
}
