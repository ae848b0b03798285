using Marketplace.Contracts.Catalog;
using Marketplace.Contracts.Common;

namespace Marketplace.Grains.Tests;

internal static class Samples
{
    /// <summary>A new store id, with the calling test acting as a new user who owns it.</summary>
    public static string NewStoreOwnedByCaller()
    {
        var sellerId = GrainKeys.NewSellerId();
        ActAs(SellerOf(sellerId));
        return sellerId;
    }

    public static Caller SellerOf(string sellerId) => new("usr_" + Guid.NewGuid().ToString("N")[..20], CallerRoles.Seller | CallerRoles.Shopper, sellerId);

    public static Caller Admin() => new("usr_admin", CallerRoles.Admin, null);

    public static void ActAs(Caller? caller) => CallerContext.Set(caller);

    public static StoreDraft Store(string name = "Café Ana") => new(name, "Specialty coffee", RequiresConfirmation: true, "CLP");

    public static ProductDraft Product(int stock = 20, ProductStatus status = ProductStatus.Published) => new(
        "Café de Colombia",
        "Medium roast",
        "coffee",
        "CLP",
        8990,
        status,
        [
            new VariantDraft("CAFE-250", new Dictionary<string, string> { ["size"] = "250 g" }, null, stock),
            new VariantDraft("CAFE-1K", new Dictionary<string, string> { ["size"] = "1 kg" }, 29990, 5),
        ]);
}
