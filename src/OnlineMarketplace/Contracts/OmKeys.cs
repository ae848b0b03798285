using System.Globalization;
using Marketplace.Contracts.Common;

namespace Marketplace.OnlineMarketplace.Contracts;

/// <summary>
/// How the benchmark's integer keys map to marketplace ids. Derived, so every web host, silo and retry agrees
/// without a lookup; the mapping tables of migration 0011 record them for reset, clean-up and the dashboard.
/// </summary>
public static class OmKeys
{
    /// <summary>Every benchmark product has one variant, under this SKU code (the benchmark's own sku is an attribute).</summary>
    public const string Sku = "default";

    /// <summary>Prices arrive as decimals of this currency (the benchmark's data is Brazilian).</summary>
    public const string Currency = "BRL";

    /// <summary>Product attribute that holds the benchmark's version of a product.</summary>
    public const string VersionAttribute = "om-version";

    /// <summary>Product attribute that holds the benchmark's sku code.</summary>
    public const string SkuAttribute = "om-sku";

    public static string SellerId(int sellerId) => GrainKeys.DerivedId(GrainKeys.SellerPrefix, "om-seller", Text(sellerId));

    /// <summary>The account that acts for a benchmark store (its owner): the benchmark is the store's only staff.</summary>
    public static string StoreOperatorId(int sellerId) => GrainKeys.DerivedId(GrainKeys.UserPrefix, "om-store-operator", Text(sellerId));

    public static string ProductId(int sellerId, int productId) =>
        GrainKeys.DerivedId(GrainKeys.ProductPrefix, "om-product", Text(sellerId) + "/" + Text(productId));

    public static string CustomerUserId(int customerId) => GrainKeys.DerivedId(GrainKeys.UserPrefix, "om-customer", Text(customerId));

    /// <summary>The caller the benchmark acts as for one of its stores.</summary>
    public static Caller StoreCaller(int sellerId) =>
        new(StoreOperatorId(sellerId), CallerRoles.Seller | CallerRoles.Integration, SellerId(sellerId));

    public static Caller CustomerCaller(int customerId) => new(CustomerUserId(customerId), CallerRoles.Shopper, null);

    /// <summary>The caller of the benchmark's compatibility module itself (it reaches the OM grains only with it).</summary>
    public static Caller Module { get; } = new("om-benchmark", CallerRoles.Integration, null);

    /// <summary>Minor units of <see cref="Currency"/> from the benchmark's decimal amount, rounded half away from zero.</summary>
    public static long MinorUnits(decimal amount) => (long)Math.Round(amount * 100m, MidpointRounding.AwayFromZero);

    public static decimal Decimal(long minorUnits) => minorUnits / 100m;

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
