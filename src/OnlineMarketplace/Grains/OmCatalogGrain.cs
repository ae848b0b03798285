using System.Text;
using Marketplace.Grains.Catalog;
using Marketplace.OnlineMarketplace.Contracts;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Marketplace.OnlineMarketplace.Grains;

/// <summary>
/// The benchmark's catalog side over the marketplace's own grains: a benchmark seller is a store whose only staff is
/// the benchmark (acting as the store's operator), a benchmark product is a published product with one variant, and
/// its stock is that variant's inventory grain. Ingestion arrives in any order, so every step makes sure of what it
/// builds on: a product or stock row for a seller that has not arrived yet creates the store with a provisional name.
/// </summary>
[StatelessWorker]
public sealed class OmCatalogGrain(OmStore store, IOptions<OnlineMarketplaceOptions> options) : Grain, IOmCatalogGrain
{
    /// <summary>Names the request that creates a benchmark store, so concurrent first rows all answer the same store.</summary>
    private const string StoreFingerprint = "om-store";

    public async Task UpsertSeller(OmSeller seller)
    {
        options.Value.Guard();
        await EnsureStoreAsync(seller.Id);
        await OmCalls.As(OmKeys.StoreCaller(seller.Id), () => Store(seller.Id).Update(StoreDraftOf(seller)));
        await store.RecordSellerAsync(seller.Id);
    }

    public async Task UpsertProduct(OmProduct product)
    {
        options.Value.Guard();
        await EnsureStoreAsync(product.SellerId);
        await SaveProductAsync(product, createIfMissing: true);
        await store.RecordProductAsync(product);
    }

    public async Task SetStock(int sellerId, int productId, int onHand)
    {
        options.Value.Guard();
        await EnsureStoreAsync(sellerId);
        await OmCalls.As(OmKeys.StoreCaller(sellerId), async () =>
        {
            // The SKU may exist before its product: the product's creation later leaves an initialised SKU's stock alone.
            var sku = GrainFactory.GetGrain<IInventoryGrain>(GrainKeys.Sku(OmKeys.ProductId(sellerId, productId), OmKeys.Sku));
            await sku.Initialize(OmKeys.SellerId(sellerId), onHand);
            return await sku.SetOnHand(onHand);
        });
        await store.RecordStockAsync(sellerId, productId, onHand);
    }

    public async Task UpdatePrice(int sellerId, int productId, long price)
    {
        options.Value.Guard();
        await OmCalls.As(OmKeys.StoreCaller(sellerId), async () =>
        {
            var product = GrainFactory.GetGrain<IProductGrain>(OmKeys.ProductId(sellerId, productId));
            var details = await product.GetDetails() ?? throw DomainException.NotFound("The product");
            var draft = new ProductDraft(details.Title, details.Description, details.Category, details.Currency, price,
                details.Status == ProductStatus.Archived ? ProductStatus.Published : details.Status,
                details.Variants.Select(v => new VariantDraft(v.Sku, v.Options, null, 0)).ToList(), details.Attributes);
            return await product.Update(draft, expectedVersion: null);
        });
    }

    public async Task ReplaceProduct(OmProduct product)
    {
        options.Value.Guard();
        await SaveProductAsync(product, createIfMissing: false);
    }

    /// <summary>
    /// Replaces the product's editable fields when it exists (re-ingestion, product update); otherwise creates it, or
    /// refuses with 404 when it must already exist.
    /// </summary>
    private Task SaveProductAsync(OmProduct product, bool createIfMissing) =>
        OmCalls.As(OmKeys.StoreCaller(product.SellerId), async () =>
        {
            var productId = OmKeys.ProductId(product.SellerId, product.ProductId);
            var draft = ProductDraftOf(product);
            var grain = GrainFactory.GetGrain<IProductGrain>(productId);
            if (await grain.GetHeader() is null)
            {
                if (!createIfMissing)
                {
                    throw DomainException.NotFound("The product");
                }

                // The fingerprint names the row's version and price: a retried first ingestion answers the product it created.
                return await Store(product.SellerId).CreateProduct(productId, draft, "om:" + product.Version + ":" + product.Price);
            }

            return await grain.Update(draft, expectedVersion: null);
        });

    private async Task EnsureStoreAsync(int sellerId)
    {
        var seller = Store(sellerId);
        if (await seller.GetProfile() is null)
        {
            await OmCalls.As(OmKeys.StoreCaller(sellerId), () => seller.Create(ProvisionalStore(sellerId), StoreFingerprint));
        }
    }

    private ISellerGrain Store(int sellerId) => GrainFactory.GetGrain<ISellerGrain>(OmKeys.SellerId(sellerId));

    private static StoreDraft ProvisionalStore(int sellerId) =>
        new($"Seller {sellerId}", null, RequiresConfirmation: false, OmKeys.Currency);

    internal static StoreDraft StoreDraftOf(OmSeller seller)
    {
        var email = seller.Email is { } e && e.Contains('@', StringComparison.Ordinal) && !e.Any(char.IsWhiteSpace) ? Clip(e, 254) : null;
        var address = string.Join(", ", new[] { seller.Address, seller.ZipCode, seller.State }.Where(p => !string.IsNullOrWhiteSpace(p)));
        return new StoreDraft(
            Clip(string.IsNullOrWhiteSpace(seller.Name) ? $"Seller {seller.Id}" : seller.Name, CatalogRules.MaxStoreNameLength)!,
            Clip(seller.CompanyName, CatalogRules.MaxDescriptionLength), RequiresConfirmation: false, OmKeys.Currency, null,
            new StoreContact(email, Clip(seller.Phone, 40), null, Clip(address, 200), Clip(seller.City, 100), "Brazil", Clip(seller.TaxId, 40)));
    }

    internal static ProductDraft ProductDraftOf(OmProduct product)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal) { [OmKeys.VersionAttribute] = product.Version };
        if (!string.IsNullOrWhiteSpace(product.Sku))
        {
            attributes[OmKeys.SkuAttribute] = Clip(product.Sku, CatalogRules.MaxAttributeValueLength)!;
        }

        return new ProductDraft(
            Clip(string.IsNullOrWhiteSpace(product.Name) ? $"Product {product.ProductId}" : product.Name, CatalogRules.MaxTitleLength)!,
            Clip(product.Description, CatalogRules.MaxDescriptionLength), CategoryOf(product.Category), OmKeys.Currency,
            Math.Clamp(product.Price, 0, CatalogRules.MaxPrice), product.Active ? ProductStatus.Published : ProductStatus.Draft,
            [new VariantDraft(OmKeys.Sku, new Dictionary<string, string>(), null, 0)], attributes);
    }

    /// <summary>The benchmark's category as a marketplace category slug ("Health & Beauty" → "health-beauty").</summary>
    internal static string CategoryOf(string? category)
    {
        var slug = new StringBuilder();
        foreach (var c in (category ?? "").Trim().ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        var text = slug.ToString().Trim('-');
        return text.Length == 0 ? "general" : text[..Math.Min(64, text.Length)].TrimEnd('-');
    }

    private static string? Clip(string? value, int max) => value is null ? null : value.Length <= max ? value : value[..max];
}
