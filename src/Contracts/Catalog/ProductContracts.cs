namespace Marketplace.Contracts.Catalog;

[GenerateSerializer, Alias("mk.ProductStatus")]
public enum ProductStatus
{
    Draft = 0,
    Published = 1,
    Archived = 2,
}

/// <summary>One variant as the seller describes it. A null price means the product's price.</summary>
[GenerateSerializer, Immutable, Alias("mk.VariantDraft")]
public sealed record VariantDraft(
    [property: Id(0)] string Sku,
    [property: Id(1)] IReadOnlyDictionary<string, string> Options,
    [property: Id(2)] long? Price,
    [property: Id(3)] int Stock);

/// <summary>The editable fields of a product. Money is in minor units of <see cref="Currency"/>.</summary>
[GenerateSerializer, Immutable, Alias("mk.ProductDraft")]
public sealed record ProductDraft(
    [property: Id(0)] string Title,
    [property: Id(1)] string? Description,
    [property: Id(2)] string Category,
    [property: Id(3)] string Currency,
    [property: Id(4)] long Price,
    [property: Id(5)] ProductStatus Status,
    [property: Id(6)] IReadOnlyList<VariantDraft> Variants);

[GenerateSerializer, Immutable, Alias("mk.VariantDetails")]
public sealed record VariantDetails(
    [property: Id(0)] string Sku,
    [property: Id(1)] IReadOnlyDictionary<string, string> Options,
    [property: Id(2)] long Price,
    [property: Id(3)] int Available,
    [property: Id(4)] int OnHand);

[GenerateSerializer, Immutable, Alias("mk.ProductDetails")]
public sealed record ProductDetails(
    [property: Id(0)] string ProductId,
    [property: Id(1)] string SellerId,
    [property: Id(2)] string SellerName,
    [property: Id(3)] string Title,
    [property: Id(4)] string? Description,
    [property: Id(5)] string Category,
    [property: Id(6)] string Currency,
    [property: Id(7)] long Price,
    [property: Id(8)] ProductStatus Status,
    [property: Id(9)] int Version,
    [property: Id(10)] IReadOnlyList<VariantDetails> Variants,
    [property: Id(11)] DateTimeOffset CreatedAt,
    [property: Id(12)] DateTimeOffset UpdatedAt,
    [property: Id(13)] StoreStatus SellerStatus = StoreStatus.Active)
{
    /// <summary>Whether the storefront shows it: published, in a store that is not suspended.</summary>
    public bool IsPublic => Status == ProductStatus.Published && SellerStatus == StoreStatus.Active;
}

/// <summary>A seller's request to set the on-hand units of one SKU.</summary>
[GenerateSerializer, Immutable, Alias("mk.StockSetting")]
public sealed record StockSetting(
    [property: Id(0)] string Sku,
    [property: Id(1)] int OnHand);

/// <summary>A product: details, variants, status and version. Keyed by product id.</summary>
[Alias("mk.IProductGrain")]
public interface IProductGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the product and its SKUs' inventory; a repeated identical request answers the same product. Called by
    /// the store grain, with the caller acting for <paramref name="sellerId"/>.
    /// </summary>
    [Alias("Create")]
    Task<ProductDetails> Create(string sellerId, string sellerName, ProductDraft draft, string requestFingerprint);

    /// <summary>The product with live availability per SKU, or null when it does not exist.</summary>
    [Alias("GetDetails"), AlwaysInterleave]
    Task<ProductDetails?> GetDetails();

    /// <summary>Sets on-hand units for the given SKUs; unknown SKUs are refused before anything changes.</summary>
    [Alias("SetStock")]
    Task<ProductDetails> SetStock(IReadOnlyList<StockSetting> items);
}
