using Marketplace.Grains.Common;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Catalog;

/// <summary>Persisted state of a store.</summary>
public sealed class SellerState
{
    public bool Created { get; set; }

    public string Name { get; set; } = "";

    public string? Description { get; set; }

    public bool RequiresConfirmation { get; set; } = true;

    public string Currency { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public int Version { get; set; }

    /// <summary>Fingerprint of the request that created the store, to recognise a retried create.</summary>
    public string? CreationFingerprint { get; set; }

    /// <summary>The store's products, oldest first, with the status each had when it last told the store.</summary>
    public List<StoreProductEntry> Products { get; set; } = [];
}

public sealed class StoreProductEntry
{
    public string ProductId { get; set; } = "";

    public ProductStatus Status { get; set; }
}

/// <summary>A seller's store and the list of its products.</summary>
public sealed partial class SellerGrain(
    [PersistentState("seller", StorageNames.Marketplace)] IPersistentState<SellerState> state,
    TimeProvider clock,
    ILogger<SellerGrain> logger) : Grain, ISellerGrain
{
    private string SellerId => this.GetPrimaryKeyString();

    public async Task<StoreProfile> Create(StoreDraft draft, string requestFingerprint)
    {
        if (state.State.Created)
        {
            if (string.Equals(state.State.CreationFingerprint, requestFingerprint, StringComparison.Ordinal))
            {
                return ToProfile();
            }

            throw new DomainException(
                DomainErrorKind.IdempotencyMismatch,
                "idempotency-key-reused",
                "This Idempotency-Key was already used to create a different store.");
        }

        DomainException.ThrowIfInvalid(CatalogRules.Validate(draft));
        var now = clock.GetUtcNow();
        var s = state.State;
        s.Created = true;
        s.CreationFingerprint = requestFingerprint;
        s.CreatedAt = now;
        Apply(s, draft, now);
        await state.WriteOrReloadAsync(this);
        LogStoreCreated(logger, SellerId, draft.Name);
        return ToProfile();
    }

    public Task<StoreProfile?> GetProfile() => Task.FromResult(state.State.Created ? ToProfile() : null);

    public async Task<StoreProfile> Update(StoreDraft draft)
    {
        EnsureExists();
        DomainException.ThrowIfInvalid(CatalogRules.Validate(draft));
        Apply(state.State, draft, clock.GetUtcNow());
        await state.WriteOrReloadAsync(this);
        return ToProfile();
    }

    public async Task<ProductDetails> CreateProduct(string productId, ProductDraft draft, string requestFingerprint)
    {
        EnsureExists();
        var product = GrainFactory.GetGrain<IProductGrain>(productId);
        var details = await product.Create(SellerId, state.State.Name, draft, requestFingerprint);
        if (!string.Equals(details.SellerId, SellerId, StringComparison.Ordinal))
        {
            throw new DomainException(DomainErrorKind.Conflict, "product-id-taken", "The product id belongs to another store.");
        }

        if (!state.State.Products.Exists(p => p.ProductId == productId))
        {
            state.State.Products.Add(new StoreProductEntry { ProductId = productId, Status = details.Status });
            await state.WriteOrReloadAsync(this);
        }

        return details;
    }

    public Task<IdPage> GetProductIds(int skip, int take, bool publishedOnly)
    {
        var matching = state.State.Products
            .Where(p => !publishedOnly || p.Status == ProductStatus.Published)
            .Select(p => p.ProductId)
            .Reverse()
            .ToList();
        var page = matching.Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 0, 1000)).ToList();
        return Task.FromResult(new IdPage(page, matching.Count));
    }

    private static void Apply(SellerState s, StoreDraft draft, DateTimeOffset now)
    {
        s.Name = draft.Name.Trim();
        s.Description = string.IsNullOrWhiteSpace(draft.Description) ? null : draft.Description.Trim();
        s.RequiresConfirmation = draft.RequiresConfirmation;
        s.Currency = draft.Currency;
        s.UpdatedAt = now;
        s.Version++;
    }

    private void EnsureExists()
    {
        if (!state.State.Created)
        {
            throw DomainException.NotFound("The store");
        }
    }

    private StoreProfile ToProfile()
    {
        var s = state.State;
        return new StoreProfile(SellerId, s.Name, s.Description, s.RequiresConfirmation, s.Currency, s.Products.Count,
            s.Version, s.CreatedAt, s.UpdatedAt);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Store {SellerId} created: {Name}")]
    private static partial void LogStoreCreated(ILogger logger, string sellerId, string name);
}
