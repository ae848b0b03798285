using Marketplace.Grains.Common;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Catalog;

/// <summary>Persisted state of a product. Stock lives in the SKUs' inventory grains, not here.</summary>
public sealed class ProductState
{
    public bool Created { get; set; }

    public string SellerId { get; set; } = "";

    public string Title { get; set; } = "";

    public string? Description { get; set; }

    public string Category { get; set; } = "";

    public string Currency { get; set; } = "";

    public long Price { get; set; }

    public ProductStatus Status { get; set; }

    public List<VariantState> Variants { get; set; } = [];

    public Dictionary<string, string> Attributes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Images in display order; the first is the product's main image.</summary>
    public List<ProductImage> Images { get; set; } = [];

    public int Version { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string? CreationFingerprint { get; set; }

    /// <summary>The sum of the stars of every review and their count (from the product's reviews grain).</summary>
    public long RatingSum { get; set; }

    public int RatingCount { get; set; }
}

public sealed class VariantState
{
    public string Sku { get; set; } = "";

    public Dictionary<string, string> Options { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The variant's own price; null means the product's price.</summary>
    public long? Price { get; set; }
}

/// <summary>A product: its details and variants. Availability is read from the SKUs' inventory grains.</summary>
public sealed partial class ProductGrain(
    [PersistentState("product", StorageNames.Marketplace)] IPersistentState<ProductState> state,
    TimeProvider clock,
    ILogger<ProductGrain> logger) : Grain, IProductGrain
{
    private string ProductId => this.GetPrimaryKeyString();

    public async Task<ProductDetails> Create(string sellerId, string sellerName, ProductDraft draft, string requestFingerprint)
    {
        // The store grain checked the caller against its staff list; check the claim again here for direct calls.
        if (!CallerContext.Require().ActsFor(sellerId))
        {
            throw DomainException.Forbidden("not-store-staff", "Only the store's staff may create its products.");
        }

        if (state.State.Created)
        {
            if (string.Equals(state.State.SellerId, sellerId, StringComparison.Ordinal)
                && string.Equals(state.State.CreationFingerprint, requestFingerprint, StringComparison.Ordinal))
            {
                // A retry of the request that created this product: make sure every SKU got its stock, then answer
                // as the first time.
                await InitializeInventoryAsync(sellerId, draft);
                return await BuildDetailsAsync(sellerName, StoreStatus.Active);
            }

            throw new DomainException(
                DomainErrorKind.IdempotencyMismatch,
                "idempotency-key-reused",
                "This Idempotency-Key was already used to create a different product.");
        }

        DomainException.ThrowIfInvalid(CatalogRules.Validate(draft));

        // Stock first: if we crash after this, the SKUs exist without a product and nobody can see them; a retry with
        // the same Idempotency-Key finishes the job. The reverse order could leave a visible product without stock.
        await InitializeInventoryAsync(sellerId, draft);

        var now = clock.GetUtcNow();
        var s = state.State;
        s.Created = true;
        s.SellerId = sellerId;
        s.CreationFingerprint = requestFingerprint;
        s.CreatedAt = now;
        s.UpdatedAt = now;
        Apply(s, draft);
        s.Version = 1;
        await state.WriteOrReloadAsync(this);
        LogProductCreated(logger, ProductId, sellerId, s.Variants.Count);
        return await BuildDetailsAsync(sellerName, StoreStatus.Active);
    }

    public async Task<ImportResult> Import(string sellerId, string sellerName, ImportedProduct item)
    {
        if (!CallerContext.Require().ActsFor(sellerId))
        {
            throw DomainException.Forbidden("not-store-staff", "Only the store's staff may import its products.");
        }

        var s = state.State;
        if (s.Created && !string.Equals(s.SellerId, sellerId, StringComparison.Ordinal))
        {
            throw DomainException.Conflict("product-id-taken", "The product id belongs to another store.");
        }

        var draft = s.Created ? ProductImport.Complete(s, item.Draft) : item.Draft;
        DomainException.ThrowIfInvalid(ProductImport.Problems(draft, item.Images));

        if (!s.Created)
        {
            // As a create: stock first, so a crash leaves invisible SKUs that the import run again finishes.
            await InitializeInventoryAsync(sellerId, draft);
            var now = clock.GetUtcNow();
            s.Created = true;
            s.SellerId = sellerId;
            s.CreationFingerprint = "import:" + item.Handle;
            s.CreatedAt = now;
            s.UpdatedAt = now;
            Apply(s, draft);
            s.Images = item.Images?.ToList() ?? [];
            s.Version = 1;
            await state.WriteOrReloadAsync(this);
            LogProductCreated(logger, ProductId, sellerId, s.Variants.Count);
            return new ImportResult(item.Handle, ProductId, ImportOutcome.Created, s.Status);
        }

        // Stock of SKUs the product has: checked whole before anything changes, as PUT /stock does.
        var known = s.Variants.Select(v => v.Sku).ToHashSet(StringComparer.Ordinal);
        var kept = draft.Variants.Where(v => known.Contains(v.Sku)).ToList();
        var levels = await Task.WhenAll(kept.Select(v => Inventory(v.Sku).GetLevel()));
        if (kept.Zip(levels).FirstOrDefault(p => p.First.Stock < p.Second.Reserved) is { First: { } short_ } pair)
        {
            throw new DomainException(DomainErrorKind.Conflict, "stock-below-reserved",
                $"{short_.Sku}: on-hand units cannot go below the {pair.Second.Reserved} reserved by open orders.");
        }

        var fieldsChange = ProductImport.Differs(s, draft, item.Images);
        var stockChanges = kept.Zip(levels).Where(p => p.First.Stock != p.Second.OnHand).Select(p => p.First).ToList();
        var added = draft.Variants.Where(v => !known.Contains(v.Sku)).ToList();
        if (!fieldsChange && stockChanges.Count == 0 && added.Count == 0)
        {
            return new ImportResult(item.Handle, ProductId, ImportOutcome.Unchanged, s.Status);
        }

        await Task.WhenAll(added.Select(v => Inventory(v.Sku).Initialize(sellerId, v.Stock)));
        foreach (var variant in stockChanges)
        {
            await Inventory(variant.Sku).SetOnHand(variant.Stock);
        }

        if (fieldsChange)
        {
            Apply(s, draft);
            if (item.Images is not null)
            {
                s.Images = item.Images.ToList();
            }

            await SaveChangeAsync();
            LogProductUpdated(logger, ProductId, s.Version);
        }

        return new ImportResult(item.Handle, ProductId, ImportOutcome.Updated, s.Status);
    }

    public async Task<ProductDetails?> GetDetails()
    {
        if (!state.State.Created)
        {
            return null;
        }

        return await BuildDetailsAsync();
    }

    public async Task SetRating(long sum, int count)
    {
        if (!state.State.Created || count < 0 || sum < count || sum > 5L * count)
        {
            return;
        }

        if (state.State.RatingSum != sum || state.State.RatingCount != count)
        {
            state.State.RatingSum = sum;
            state.State.RatingCount = count;
            await state.WriteOrReloadAsync(this);
        }
    }

    public Task<ProductHeader?> GetHeader() => Task.FromResult(
        state.State.Created ? new ProductHeader(ProductId, state.State.SellerId, state.State.Status, state.State.Version) : null);

    public async Task<ProductDetails> Update(ProductDraft draft, int? expectedVersion)
    {
        await AuthorizeWriteAsync(expectedVersion);
        DomainException.ThrowIfInvalid(CatalogRules.Validate(draft));

        // SKUs that are new to the product get their initial stock before the product lists them.
        var known = state.State.Variants.Select(v => v.Sku).ToHashSet(StringComparer.Ordinal);
        var added = draft.Variants.Where(v => !known.Contains(v.Sku)).ToList();
        await Task.WhenAll(added.Select(v => Inventory(v.Sku).Initialize(state.State.SellerId, v.Stock)));

        var previousStatus = state.State.Status;
        Apply(state.State, draft);
        await SaveChangeAsync();
        if (previousStatus != state.State.Status)
        {
            await Store.RecordProductStatus(ProductId, state.State.Status);
        }

        LogProductUpdated(logger, ProductId, state.State.Version);
        return await BuildDetailsAsync();
    }

    public async Task<ProductDetails> Archive(int? expectedVersion)
    {
        await AuthorizeWriteAsync(expectedVersion);
        if (state.State.Status != ProductStatus.Archived)
        {
            state.State.Status = ProductStatus.Archived;
            await SaveChangeAsync();
        }

        // Also on a repeat: a crash after the product's write must not leave the store's list saying otherwise.
        await Store.RecordProductStatus(ProductId, ProductStatus.Archived);
        return await BuildDetailsAsync();
    }

    public async Task<ProductDetails> AddImage(ProductImage image)
    {
        await AuthorizeWriteAsync(null);
        if (!state.State.Images.Exists(i => i.Key == image.Key))
        {
            if (state.State.Images.Count >= CatalogRules.MaxImages)
            {
                throw DomainException.Conflict("too-many-images", $"A product has at most {CatalogRules.MaxImages} images.");
            }

            state.State.Images.Add(image);
            await SaveChangeAsync();
        }

        return await BuildDetailsAsync();
    }

    public async Task<ProductDetails> RemoveImage(string key)
    {
        await AuthorizeWriteAsync(null);
        if (state.State.Images.RemoveAll(i => i.Key == key) > 0)
        {
            await SaveChangeAsync();
        }

        return await BuildDetailsAsync();
    }

    public async Task<ProductDetails> SetStock(IReadOnlyList<StockSetting> items)
    {
        await AuthorizeWriteAsync(null);

        DomainException.ThrowIfInvalid(
            CatalogRules.Validate(items, state.State.Variants.Select(v => v.Sku).ToHashSet(StringComparer.Ordinal)));

        // Check every SKU before changing any, so a refused request changes nothing in the usual case. Each inventory
        // grain still enforces its own rule atomically, in case a reservation lands in between.
        var levels = await Task.WhenAll(items.Select(i => Inventory(i.Sku).GetLevel()));
        var refused = items.Zip(levels).Where(p => p.First.OnHand < p.Second.Reserved).ToList();
        if (refused.Count > 0)
        {
            throw new DomainException(
                DomainErrorKind.Conflict,
                "stock-below-reserved",
                "On-hand units cannot go below the units reserved by open orders: " +
                string.Join(", ", refused.Select(r => $"{r.First.Sku} has {r.Second.Reserved} reserved")) + ".");
        }

        foreach (var item in items)
        {
            await Inventory(item.Sku).SetOnHand(item.OnHand);
        }

        return await BuildDetailsAsync();
    }

    /// <summary>
    /// Refuses unless the product exists, the caller is staff of its active store (the store decides) and, when given,
    /// the caller saw the current version.
    /// </summary>
    private async Task AuthorizeWriteAsync(int? expectedVersion)
    {
        if (!state.State.Created)
        {
            throw DomainException.NotFound("The product");
        }

        await Store.AuthorizeCatalogWrite();
        if (expectedVersion is { } expected && expected != state.State.Version)
        {
            throw new DomainException(
                DomainErrorKind.PreconditionFailed,
                "version-mismatch",
                $"The product changed since it was read (version {state.State.Version}, not {expected}). Read it again and reapply the edit.");
        }
    }

    private async Task SaveChangeAsync()
    {
        state.State.Version++;
        state.State.UpdatedAt = clock.GetUtcNow();
        await state.WriteOrReloadAsync(this);
    }

    private static void Apply(ProductState s, ProductDraft draft)
    {
        s.Title = draft.Title.Trim();
        s.Description = string.IsNullOrWhiteSpace(draft.Description) ? null : draft.Description.Trim();
        s.Category = draft.Category;
        s.Currency = draft.Currency;
        s.Price = draft.Price;
        s.Status = draft.Status;
        s.Attributes = new Dictionary<string, string>(draft.Attributes ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        s.Variants = draft.Variants
            .Select(v => new VariantState
            {
                Sku = v.Sku,
                Options = new Dictionary<string, string>(v.Options ?? new Dictionary<string, string>(), StringComparer.Ordinal),
                Price = v.Price,
            })
            .ToList();
    }

    private ISellerGrain Store => GrainFactory.GetGrain<ISellerGrain>(state.State.SellerId);

    private IInventoryGrain Inventory(string sku) => GrainFactory.GetGrain<IInventoryGrain>(GrainKeys.Sku(ProductId, sku));

    private async Task InitializeInventoryAsync(string sellerId, ProductDraft draft)
    {
        await Task.WhenAll(draft.Variants.Select(v => Inventory(v.Sku).Initialize(sellerId, v.Stock)));
    }

    private async Task<ProductDetails> BuildDetailsAsync()
    {
        var store = await Store.GetProfile();
        return await BuildDetailsAsync(store?.Name ?? "", store?.Status ?? StoreStatus.Suspended);
    }

    private async Task<ProductDetails> BuildDetailsAsync(string sellerName, StoreStatus sellerStatus)
    {
        var s = state.State;
        var levels = await Task.WhenAll(s.Variants.Select(v => Inventory(v.Sku).GetLevel()));
        var variants = s.Variants
            .Select((v, i) => new VariantDetails(v.Sku, v.Options, v.Price ?? s.Price, Math.Max(0, levels[i].Available), levels[i].OnHand))
            .ToList();
        return new ProductDetails(ProductId, s.SellerId, sellerName, s.Title, s.Description, s.Category, s.Currency, s.Price,
            s.Status, s.Version, variants, s.CreatedAt, s.UpdatedAt, sellerStatus, s.Attributes, s.Images, s.RatingSum, s.RatingCount);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Product {ProductId} updated to version {Version}")]
    private static partial void LogProductUpdated(ILogger logger, string productId, int version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Product {ProductId} created in store {SellerId} with {VariantCount} variant(s)")]
    private static partial void LogProductCreated(ILogger logger, string productId, string sellerId, int variantCount);
}
