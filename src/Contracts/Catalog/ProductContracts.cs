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
    [property: Id(6)] IReadOnlyList<VariantDraft> Variants,
    [property: Id(7)] IReadOnlyDictionary<string, string>? Attributes = null);

/// <summary>A stored product image: its blob key (content hash), type and pixel size.</summary>
[GenerateSerializer, Immutable, Alias("mk.ProductImage")]
public sealed record ProductImage(
    [property: Id(0)] string Key,
    [property: Id(1)] string ContentType,
    [property: Id(2)] int Width,
    [property: Id(3)] int Height,
    [property: Id(4)] long Bytes);

/// <summary>Who owns a product and whether it exists, without reading its stock.</summary>
[GenerateSerializer, Immutable, Alias("mk.ProductHeader")]
public sealed record ProductHeader(
    [property: Id(0)] string ProductId,
    [property: Id(1)] string SellerId,
    [property: Id(2)] ProductStatus Status,
    [property: Id(3)] int Version);

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
    [property: Id(13)] StoreStatus SellerStatus = StoreStatus.Active,
    [property: Id(14)] IReadOnlyDictionary<string, string>? Attributes = null,
    [property: Id(15)] IReadOnlyList<ProductImage>? Images = null,
    [property: Id(16)] long RatingSum = 0,
    [property: Id(17)] int RatingCount = 0)
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

    /// <summary>Who owns the product, its status and version; null when it does not exist. Reads no stock.</summary>
    [Alias("GetHeader"), AlwaysInterleave]
    Task<ProductHeader?> GetHeader();

    /// <summary>
    /// Replaces the editable fields when <paramref name="expectedVersion"/> is the current version or null (else 412). New
    /// variants get their initial stock; the stock of existing ones is changed through <see cref="SetStock"/> only.
    /// </summary>
    [Alias("Update")]
    Task<ProductDetails> Update(ProductDraft draft, int? expectedVersion);

    /// <summary>Archives the product: hidden from the public, kept for orders and history. Repeating it is a no-op.</summary>
    [Alias("Archive")]
    Task<ProductDetails> Archive(int? expectedVersion);

    /// <summary>Adds an uploaded image (at most <c>CatalogRules.MaxImages</c>); adding the same image again is a no-op.</summary>
    [Alias("AddImage")]
    Task<ProductDetails> AddImage(ProductImage image);

    /// <summary>Removes an image by key; removing one that is not there is a no-op.</summary>
    [Alias("RemoveImage")]
    Task<ProductDetails> RemoveImage(string key);

    /// <summary>Sets on-hand units for the given SKUs; unknown SKUs are refused before anything changes.</summary>
    [Alias("SetStock")]
    Task<ProductDetails> SetStock(IReadOnlyList<StockSetting> items);

    /// <summary>
    /// Creates the product or brings it to the imported fields, stock and images, writing only what differs (the
    /// store's import calls it after checking its staff).
    /// </summary>
    [Alias("Import")]
    Task<ImportResult> Import(string sellerId, string sellerName, ImportedProduct item);

    /// <summary>
    /// Records the rating the product's reviews add up to (sum of stars and count). Called by the reviews grain; the
    /// version is not bumped, so a store editing the product is not refused because someone reviewed it.
    /// </summary>
    [Alias("SetRating")]
    Task SetRating(long sum, int count);
}
