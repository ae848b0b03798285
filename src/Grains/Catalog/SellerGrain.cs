using Marketplace.Contracts.Notifications;
using Marketplace.Contracts.Realtime;
using Marketplace.Grains.Common;
using Marketplace.Grains.Realtime;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Catalog;

/// <summary>
/// A seller's store: profile, settings, staff, status and the list of its products. Every write checks the caller
/// carried in the request context, whatever the web host checked before. The rules live in pure types the grain asks:
/// <see cref="StoreProfiles"/>, <see cref="StoreModeration"/>, <see cref="StoreStaff"/> and <see cref="StoreProducts"/>;
/// the grain checks who calls, stores the state they changed, and tells the staff what happens.
/// </summary>
public sealed partial class SellerGrain(
    [PersistentState("seller", StorageNames.Marketplace)] IPersistentState<SellerState> state,
    TimeProvider clock,
    ILogger<SellerGrain> logger) : Grain, ISellerGrain
{
    private string SellerId => this.GetPrimaryKeyString();

    private StoreStaff Staff => new(SellerId, state.State);

    private StoreProducts Products => new(state.State.Products);

    public async Task<StoreProfile> Create(StoreDraft draft, string requestFingerprint)
    {
        var caller = CallerContext.Require();
        if (!caller.IsAdmin && !caller.ActsFor(SellerId))
        {
            throw DomainException.Forbidden("not-allowed", "Only an admin, or the seller it is created for, may create a store.");
        }

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
        if (caller.ActsFor(SellerId))
        {
            Staff.AddOwner(caller, now);
        }

        StoreProfiles.Apply(s, draft, now);
        await state.WriteOrReloadAsync(this);
        LogStoreCreated(logger, SellerId, draft.Name);
        return ToProfile();
    }

    public Task<StoreProfile?> GetProfile() => Task.FromResult(state.State.Created ? ToProfile() : null);

    public async Task<StoreProfile> Update(StoreDraft draft)
    {
        EnsureExists();
        RequireActiveStaff();
        DomainException.ThrowIfInvalid(CatalogRules.Validate(draft));
        StoreProfiles.Apply(state.State, draft, clock.GetUtcNow());
        await state.WriteOrReloadAsync(this);
        return ToProfile();
    }

    public async Task<ProductDetails> CreateProduct(string productId, ProductDraft draft, string requestFingerprint)
    {
        EnsureExists();
        RequireActiveStaff();
        var product = GrainFactory.GetGrain<IProductGrain>(productId);
        var details = await product.Create(SellerId, state.State.Name, draft, requestFingerprint);
        if (!string.Equals(details.SellerId, SellerId, StringComparison.Ordinal))
        {
            throw DomainException.Conflict("product-id-taken", "The product id belongs to another store.");
        }

        if (Products.Add(productId, details.Status))
        {
            await state.WriteOrReloadAsync(this);
        }

        return details;
    }

    public async Task<IReadOnlyList<ImportResult>> ImportProducts(IReadOnlyList<ImportedProduct> batch)
    {
        EnsureExists();
        RequireActiveStaff();
        var register = Products;
        var results = await Task.WhenAll(batch.Select(async item =>
        {
            var productId = register.FindByHandle(item.Handle) ?? GrainKeys.DerivedId(GrainKeys.ProductPrefix, SellerId, "import-handle\n" + item.Handle);
            try
            {
                return await GrainFactory.GetGrain<IProductGrain>(productId).Import(SellerId, state.State.Name, item);
            }
            catch (DomainException e) when (e.Kind is not DomainErrorKind.Unavailable)
            {
                var (field, message) = e.Errors is { Count: > 0 } errors ? (errors.First().Key, errors.First().Value[0]) : ((string?)null, e.Message);
                return new ImportResult(item.Handle, productId, ImportOutcome.Failed, item.Draft.Status, message, field);
            }
        }));

        // One write for the whole batch: a store's register is never rewritten once per product.
        if (register.Record(results.Where(r => r.Outcome != ImportOutcome.Failed).Select(r => (r.ProductId, r.Handle, r.Status))))
        {
            await state.WriteOrReloadAsync(this);
        }

        return results;
    }

    public Task<IReadOnlyList<ImportProblem>> CheckImport(IReadOnlyList<ImportedProduct> batch)
    {
        EnsureExists();
        RequireActiveStaff();
        var problems = new List<ImportProblem>();
        for (var i = 0; i < batch.Count; i++)
        {
            foreach (var (field, messages) in ProductImport.Problems(batch[i].Draft, batch[i].Images))
            {
                problems.AddRange(messages.Select(m => new ImportProblem(i, field, m)));
            }
        }

        return Task.FromResult<IReadOnlyList<ImportProblem>>(problems);
    }

    public Task<IReadOnlyList<CatalogEntry>> GetCatalogEntries()
    {
        // A suspended store's staff may still take their catalog with them.
        EnsureExists();
        Staff.RequireStaff(CallerContext.Require());
        return Task.FromResult(Products.Entries());
    }

    public Task<IdPage> GetProductIds(int skip, int take, bool publishedOnly) => Task.FromResult(Products.Page(skip, take, publishedOnly));

    public async Task RecordProductStatus(string productId, ProductStatus status)
    {
        EnsureExists();
        RequireActiveStaff();
        if (Products.Record(productId, status))
        {
            await state.WriteOrReloadAsync(this);
        }
    }

    public Task AuthorizeCatalogWrite()
    {
        EnsureExists();
        RequireActiveStaff();
        return Task.CompletedTask;
    }

    public async Task<DirectorySync> UpsertFromDirectory(string externalId, StoreDraft draft)
    {
        if (!CallerContext.Require().IsIntegration)
        {
            throw DomainException.Forbidden("not-allowed", "Only a directory integration may sync a store.");
        }

        DomainException.ThrowIfInvalid(CatalogRules.Validate(draft));
        var s = state.State;
        var now = clock.GetUtcNow();
        if (!s.Created)
        {
            s.Created = true;
            s.CreatedAt = now;
            s.ExternalId = externalId;
            StoreProfiles.Apply(s, draft, now);
            var secret = Staff.IssueClaimSecret();
            await state.WriteOrReloadAsync(this);
            LogStoreCreated(logger, SellerId, draft.Name);
            return new DirectorySync(ToProfile(), Created: true, GrainKeys.StoreCode(SellerId, secret));
        }

        if (!string.Equals(s.ExternalId, externalId, StringComparison.Ordinal))
        {
            throw DomainException.Conflict("store-not-from-directory", "This store is not linked to that directory record.");
        }

        if (StoreProfiles.ApplyFromDirectory(s, draft, now))
        {
            await state.WriteOrReloadAsync(this);
        }

        return new DirectorySync(ToProfile(), Created: false, ClaimCode: null);
    }

    public async Task<string> IssueClaimCode()
    {
        var caller = CallerContext.Require();
        if (!caller.IsAdmin && !caller.IsIntegration)
        {
            throw DomainException.Forbidden("not-allowed", "Only an admin or a directory integration may issue claim codes.");
        }

        EnsureExists();
        var secret = Staff.IssueClaimSecret();
        await state.WriteOrReloadAsync(this);
        return GrainKeys.StoreCode(SellerId, secret);
    }

    public async Task<StoreProfile> Claim(string claimSecret)
    {
        var caller = CallerContext.Require();
        if (!caller.ActsFor(SellerId))
        {
            throw DomainException.Forbidden("not-allowed", "A store is claimed by the seller account registered for it.");
        }

        EnsureExists();
        if (Staff.Claim(caller, claimSecret, clock.GetUtcNow()))
        {
            // The profile now says the store is claimed.
            state.State.Version++;
            await state.WriteOrReloadAsync(this);
            LogStoreClaimed(logger, SellerId, caller.UserId);
        }

        return ToProfile();
    }

    public async Task<StaffInvitation> InviteStaff(string email)
    {
        EnsureExists();
        Staff.RequireOwner(CallerContext.Require());
        StoreModeration.RequireActive(state.State);
        var (normalized, secret, expiresAt) = Staff.Invite(email, clock.GetUtcNow());
        await state.WriteOrReloadAsync(this);
        return new StaffInvitation(normalized, GrainKeys.StoreCode(SellerId, secret), expiresAt);
    }

    public async Task<StoreProfile> AcceptInvitation(string invitationSecret, string email)
    {
        var caller = CallerContext.Require();
        StoreStaff.RequireAccount(caller);
        EnsureExists();
        if (Staff.Accept(caller, invitationSecret, email, clock.GetUtcNow()))
        {
            await state.WriteOrReloadAsync(this);
        }

        return ToProfile();
    }

    public async Task NotifyStaff(NotificationDraft? draft, FeedEvent? liveEvent)
    {
        if (!state.State.Created)
        {
            return;
        }

        await Task.WhenAll(Staff.UserIds.Select(userId => GrainFactory.NotifyUser(userId, draft, liveEvent)));
    }

    public Task<IReadOnlyList<StaffMember>> GetStaff()
    {
        EnsureExists();
        var caller = CallerContext.Require();
        if (!caller.IsAdmin)
        {
            Staff.RequireStaff(caller);
        }

        return Task.FromResult(Staff.Members());
    }

    public async Task RemoveStaff(string userId)
    {
        EnsureExists();
        Staff.RequireOwner(CallerContext.Require());
        Staff.Remove(userId);
        await state.WriteOrReloadAsync(this);
    }

    public async Task<StoreProfile> Suspend(string reason)
    {
        RequireAdmin();
        EnsureExists();
        if (StoreModeration.Suspend(state.State, reason, clock.GetUtcNow()))
        {
            await state.WriteOrReloadAsync(this);
            LogStoreSuspended(logger, SellerId, state.State.SuspendedReason!);
        }

        return ToProfile();
    }

    public async Task<StoreProfile> Reinstate()
    {
        RequireAdmin();
        EnsureExists();
        if (StoreModeration.Reinstate(state.State))
        {
            await state.WriteOrReloadAsync(this);
        }

        return ToProfile();
    }

    private void EnsureExists()
    {
        if (!state.State.Created)
        {
            throw DomainException.NotFound("The store");
        }
    }

    private void RequireActiveStaff()
    {
        Staff.RequireStaff(CallerContext.Require());
        StoreModeration.RequireActive(state.State);
    }

    private static void RequireAdmin()
    {
        if (!CallerContext.Require().IsAdmin)
        {
            throw DomainException.Forbidden("not-admin", "Only an admin may do this.");
        }
    }

    private StoreProfile ToProfile() => StoreProfiles.View(SellerId, state.State);

    [LoggerMessage(Level = LogLevel.Information, Message = "Store {SellerId} created: {Name}")]
    private static partial void LogStoreCreated(ILogger logger, string sellerId, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Store {SellerId} claimed by user {UserId}")]
    private static partial void LogStoreClaimed(ILogger logger, string sellerId, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Store {SellerId} suspended: {Reason}")]
    private static partial void LogStoreSuspended(ILogger logger, string sellerId, string reason);
}
