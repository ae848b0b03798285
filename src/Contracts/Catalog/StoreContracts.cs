namespace Marketplace.Contracts.Catalog;

/// <summary>The editable part of a store: its public profile and its settings.</summary>
[GenerateSerializer, Immutable, Alias("mk.StoreDraft")]
public sealed record StoreDraft(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Description,
    [property: Id(2)] bool RequiresConfirmation,
    [property: Id(3)] string Currency);

/// <summary>A store as everyone may see it.</summary>
[GenerateSerializer, Immutable, Alias("mk.StoreProfile")]
public sealed record StoreProfile(
    [property: Id(0)] string SellerId,
    [property: Id(1)] string Name,
    [property: Id(2)] string? Description,
    [property: Id(3)] bool RequiresConfirmation,
    [property: Id(4)] string Currency,
    [property: Id(5)] int ProductCount,
    [property: Id(6)] int Version,
    [property: Id(7)] DateTimeOffset CreatedAt,
    [property: Id(8)] DateTimeOffset UpdatedAt);

/// <summary>A page of ids.</summary>
[GenerateSerializer, Immutable, Alias("mk.IdPage")]
public sealed record IdPage(
    [property: Id(0)] IReadOnlyList<string> Ids,
    [property: Id(1)] int Total);

/// <summary>A seller's store and the list of its products. Keyed by seller id.</summary>
[Alias("mk.ISellerGrain")]
public interface ISellerGrain : IGrainWithStringKey
{
    /// <summary>Creates the store. Repeating the same request (same fingerprint) answers the same store.</summary>
    [Alias("Create")]
    Task<StoreProfile> Create(StoreDraft draft, string requestFingerprint);

    /// <summary>The store, or null when it does not exist.</summary>
    [Alias("GetProfile"), AlwaysInterleave]
    Task<StoreProfile?> GetProfile();

    [Alias("Update")]
    Task<StoreProfile> Update(StoreDraft draft);

    /// <summary>Creates a product in this store and its inventory, one SKU grain per variant.</summary>
    [Alias("CreateProduct")]
    Task<ProductDetails> CreateProduct(string productId, ProductDraft draft, string requestFingerprint);

    /// <summary>The store's product ids, newest first; only published ones when <paramref name="publishedOnly"/>.</summary>
    [Alias("GetProductIds"), AlwaysInterleave]
    Task<IdPage> GetProductIds(int skip, int take, bool publishedOnly);
}
