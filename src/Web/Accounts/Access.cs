using System.Security.Claims;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Web.Accounts;

/// <summary>
/// The web host's half of object-level authorization, decided from the token's claims. The grains check again with
/// the caller identity they receive.
/// </summary>
public static class Access
{
    /// <summary>A 403 unless the token says the caller acts for this store.</summary>
    public static ProblemHttpResult? RequireStoreStaff(ClaimsPrincipal user, string sellerId) =>
        user.ActsFor(sellerId)
            ? null
            : ApiProblems.Problem(StatusCodes.Status403Forbidden, "not-store-staff", "Only the store's staff may do this.");

    /// <summary>Suspended stores are hidden from everyone but their staff and admins.</summary>
    public static bool CanSee(ClaimsPrincipal user, StoreProfile store) =>
        store.Status == StoreStatus.Active || user.ActsFor(store.SellerId) || user.IsAdmin();

    /// <summary>Drafts, archived products and products of suspended stores are visible to the store's staff and admins.</summary>
    public static bool CanSee(ClaimsPrincipal user, ProductDetails product) =>
        product.IsPublic || user.ActsFor(product.SellerId) || user.IsAdmin();
}
