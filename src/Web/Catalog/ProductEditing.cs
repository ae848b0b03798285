using Marketplace.Web.Accounts;
using Marketplace.Web.Infrastructure;
using Marketplace.Web.Media;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Catalog;

/// <summary>Why an image was not added to a product.</summary>
public enum ImageRefusal
{
    None,
    TooLarge,
    Unreadable,
}

public sealed record ImageUpload(ProductDetails? Product, ProductImage? Image, ImageRefusal Refusal);

/// <summary>
/// The product-editing use cases the API and the seller console share: creating a product in a store once per key,
/// saving an edit with the stock it sets, and adding a picture. Who may edit is checked by the callers for their own
/// answers (404 or 403, a missing page) and again by the grains.
/// </summary>
public sealed class ProductEditing(IGrainFactory grains, IBlobStore blobs, IOptions<JsonOptions> json, VerifiedSellers verified)
{
    public const long MaxImageBytes = 5 * 1024 * 1024;

    /// <summary>
    /// Creates a product in a store. With a key the product's id derives from the store and the key, so a retry lands
    /// on the same product and creates nothing more; the draft's fingerprint tells a retry from a reuse of the key.
    /// </summary>
    public async Task<ProductDetails> CreateAsync(string sellerId, ProductDraft draft, string? key)
    {
        await RequireMayPublishAsync(draft);
        var productId = key is null ? GrainKeys.NewProductId() : GrainKeys.DerivedId(GrainKeys.ProductPrefix, sellerId, key);
        return await grains.GetGrain<ISellerGrain>(sellerId).CreateProduct(productId, draft, Idempotency.Fingerprint(draft, json));
    }

    /// <summary>Saves an edit made from <paramref name="expectedVersion"/> (any version when null), then the stock it sets.</summary>
    public async Task<ProductDetails> UpdateAsync(string productId, ProductDraft draft, int? expectedVersion, IReadOnlyList<StockSetting> stock)
    {
        await RequireMayPublishAsync(draft);
        var product = grains.GetGrain<IProductGrain>(productId);
        var saved = await product.Update(draft, expectedVersion);
        return stock.Count > 0 ? await product.SetStock(stock) : saved;
    }

    /// <summary>Stores a picture (its type judged from the bytes) and adds it to the product.</summary>
    public async Task<ImageUpload> AddImageAsync(string productId, Stream content, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, ct);
        if (buffer.Length > MaxImageBytes)
        {
            return new ImageUpload(null, null, ImageRefusal.TooLarge);
        }

        if (await blobs.PutImageAsync(buffer.ToArray(), ct) is not { } image)
        {
            return new ImageUpload(null, null, ImageRefusal.Unreadable);
        }

        var details = await grains.GetGrain<IProductGrain>(productId).AddImage(image);
        return new ImageUpload(details, image, ImageRefusal.None);
    }

    /// <summary>A draft may be saved by anyone allowed to edit; publishing needs a verified address (admins act as they are).</summary>
    private Task RequireMayPublishAsync(ProductDraft draft) =>
        draft.Status == ProductStatus.Published && CallerContext.Current is { IsAdmin: false } caller
            ? verified.RequireVerifiedAsync(caller.UserId)
            : Task.CompletedTask;
}
