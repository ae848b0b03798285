using System.Security.Claims;

namespace Marketplace.Web.Accounts;

/// <summary>Turns the authenticated principal into the <see cref="Caller"/> that travels with grain calls.</summary>
public static class CallerIdentity
{
    public const string IntegrationRole = "integration";

    public static Caller? From(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true || user.FindFirstValue(MarketplaceClaims.Subject) is not { Length: > 0 } subject)
        {
            return null;
        }

        var roles = CallerRoles.None;
        foreach (var role in user.FindAll(MarketplaceClaims.Role).Select(c => c.Value))
        {
            roles |= role switch
            {
                RoleNames.Guest => CallerRoles.Guest,
                RoleNames.Shopper => CallerRoles.Shopper,
                // A seller can buy from other stores too.
                RoleNames.Seller => CallerRoles.Seller | CallerRoles.Shopper,
                RoleNames.Admin => CallerRoles.Admin,
                IntegrationRole => CallerRoles.Integration,
                RoleNames.StoreKey => CallerRoles.StoreKey,
                _ => CallerRoles.None,
            };
        }

        // A store's key acts for the store, and buys nothing.
        if (roles.HasFlag(CallerRoles.StoreKey))
        {
            roles &= ~CallerRoles.Shopper;
        }

        // An admin token without a second factor, where one is required, carries no admin power into the grains.
        if (roles.HasFlag(CallerRoles.Admin) && !user.HasClaim(AuthorizationSetup.AdminPowerClaim, "true"))
        {
            roles &= ~CallerRoles.Admin;
        }

        return new Caller(subject, roles, user.FindFirstValue(MarketplaceClaims.SellerId), user.FindFirstValue(MarketplaceClaims.Email));
    }

    /// <summary>Sets the caller for every grain call made while handling the request.</summary>
    public static IApplicationBuilder UseCallerContext(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        CallerContext.Set(From(context.User));
        return next(context);
    });

    public static string? SellerId(this ClaimsPrincipal user) =>
        user.IsInRole(RoleNames.Seller) ? user.FindFirstValue(MarketplaceClaims.SellerId) : null;

    public static bool ActsFor(this ClaimsPrincipal user, string sellerId) =>
        string.Equals(user.SellerId(), sellerId, StringComparison.Ordinal);

    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(MarketplaceClaims.Subject) ?? throw new InvalidOperationException("The request is not authenticated.");

    public static bool IsAdmin(this ClaimsPrincipal user) => user.HasClaim(AuthorizationSetup.AdminPowerClaim, "true");
}
