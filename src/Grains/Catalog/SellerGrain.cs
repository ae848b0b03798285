using System.Security.Cryptography;
using System.Text;
using Marketplace.Contracts.Notifications;
using Marketplace.Contracts.Realtime;
using Marketplace.Grains.Common;
using Marketplace.Grains.Realtime;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Catalog;

/// <summary>Persisted state of a store. The store directory read model is projected from this row (see 0002).</summary>
public sealed class SellerState
{
    public bool Created { get; set; }

    public string Name { get; set; } = "";

    public string? Description { get; set; }

    public bool RequiresConfirmation { get; set; } = true;

    public string Currency { get; set; } = "";

    public string? LogoUrl { get; set; }

    public StoreContact Contact { get; set; } = StoreContact.Empty;

    public StoreStatus Status { get; set; }

    public string? SuspendedReason { get; set; }

    public DateTimeOffset? SuspendedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public int Version { get; set; }

    /// <summary>Fingerprint of the request that created the store, to recognise a retried create.</summary>
    public string? CreationFingerprint { get; set; }

    /// <summary>The business directory's id for this company, when the store came from the directory.</summary>
    public string? ExternalId { get; set; }

    /// <summary>SHA-256 of the open claim code's secret; null once claimed or when none was issued.</summary>
    public string? ClaimSecretHash { get; set; }

    /// <summary>Users who act for the store. The owner is listed here too.</summary>
    public List<StaffEntry> Staff { get; set; } = [];

    public List<InvitationEntry> Invitations { get; set; } = [];

    /// <summary>The store's products, oldest first, with the status each had when it last told the store.</summary>
    public List<StoreProductEntry> Products { get; set; } = [];
}

public sealed class StoreProductEntry
{
    public string ProductId { get; set; } = "";

    public ProductStatus Status { get; set; }
}

public sealed class StaffEntry
{
    public string UserId { get; set; } = "";

    public string? Email { get; set; }

    public StaffRole Role { get; set; }

    public DateTimeOffset AddedAt { get; set; }
}

public sealed class InvitationEntry
{
    public string SecretHash { get; set; } = "";

    public string Email { get; set; } = "";

    public DateTimeOffset ExpiresAt { get; set; }

    public string? AcceptedBy { get; set; }
}

/// <summary>
/// A seller's store: profile, settings, staff, status and the list of its products. Every write checks the caller
/// carried in the request context, whatever the web host checked before.
/// </summary>
public sealed partial class SellerGrain(
    [PersistentState("seller", StorageNames.Marketplace)] IPersistentState<SellerState> state,
    TimeProvider clock,
    ILogger<SellerGrain> logger) : Grain, ISellerGrain
{
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(7);
    private const int MaxOpenInvitations = 50;
    private const int MaxStaff = 100;

    private string SellerId => this.GetPrimaryKeyString();

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
            s.Staff.Add(new StaffEntry { UserId = caller.UserId, Email = caller.Email, Role = StaffRole.Owner, AddedAt = now });
        }

        Apply(s, draft, now);
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
        Apply(state.State, draft, clock.GetUtcNow());
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

    public async Task RecordProductStatus(string productId, ProductStatus status)
    {
        EnsureExists();
        RequireActiveStaff();
        var entry = state.State.Products.Find(p => p.ProductId == productId);
        if (entry is null || entry.Status == status)
        {
            return;
        }

        entry.Status = status;
        await state.WriteOrReloadAsync(this);
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
            Apply(s, draft, now);
            var secret = NewSecret();
            s.ClaimSecretHash = Hash(secret);
            await state.WriteOrReloadAsync(this);
            LogStoreCreated(logger, SellerId, draft.Name);
            return new DirectorySync(ToProfile(), Created: true, GrainKeys.StoreCode(SellerId, secret));
        }

        if (!string.Equals(s.ExternalId, externalId, StringComparison.Ordinal))
        {
            throw DomainException.Conflict("store-not-from-directory", "This store is not linked to that directory record.");
        }

        // The directory owns the company data, not the store's selling settings.
        var merged = draft with { RequiresConfirmation = s.RequiresConfirmation, Currency = s.Currency };
        if (!SameProfile(s, merged))
        {
            Apply(s, merged, now);
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
        if (Owner is not null)
        {
            throw DomainException.Conflict("store-claimed", "The store already has an owner.");
        }

        var secret = NewSecret();
        state.State.ClaimSecretHash = Hash(secret);
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
        if (Owner is { } owner)
        {
            return owner.UserId == caller.UserId
                ? ToProfile()
                : throw DomainException.Conflict("store-claimed", "The store already has an owner.");
        }

        if (state.State.ClaimSecretHash is not { } expected || !HashMatches(claimSecret, expected))
        {
            throw DomainException.Forbidden("invalid-claim-code", "The claim code is not valid for this store.");
        }

        var s = state.State;
        s.ClaimSecretHash = null;
        s.Staff.Add(new StaffEntry { UserId = caller.UserId, Email = caller.Email, Role = StaffRole.Owner, AddedAt = clock.GetUtcNow() });
        s.Version++;
        await state.WriteOrReloadAsync(this);
        LogStoreClaimed(logger, SellerId, caller.UserId);
        return ToProfile();
    }

    public async Task<StaffInvitation> InviteStaff(string email)
    {
        EnsureExists();
        RequireOwner();
        RequireActive();
        var normalized = NormalizeEmail(email);
        var s = state.State;
        var now = clock.GetUtcNow();
        if (s.Staff.Exists(m => string.Equals(m.Email, normalized, StringComparison.Ordinal)))
        {
            throw DomainException.Conflict("already-staff", "That person is already on the store's staff.");
        }

        s.Invitations.RemoveAll(i => i.ExpiresAt <= now || (i.AcceptedBy is null && i.Email == normalized));
        if (s.Invitations.Count(i => i.AcceptedBy is null) >= MaxOpenInvitations || s.Staff.Count >= MaxStaff)
        {
            throw DomainException.Conflict("too-many-invitations", "The store has too many open invitations or staff members.");
        }

        var secret = NewSecret();
        var expiresAt = now + InvitationLifetime;
        s.Invitations.Add(new InvitationEntry { SecretHash = Hash(secret), Email = normalized, ExpiresAt = expiresAt });
        await state.WriteOrReloadAsync(this);
        return new StaffInvitation(normalized, GrainKeys.StoreCode(SellerId, secret), expiresAt);
    }

    public async Task<StoreProfile> AcceptInvitation(string invitationSecret, string email)
    {
        var caller = CallerContext.Require();
        if (caller.Roles.HasFlag(CallerRoles.Guest) || caller.IsIntegration)
        {
            throw DomainException.Forbidden("not-allowed", "Sign in with your own account to accept an invitation.");
        }

        EnsureExists();
        var s = state.State;
        var invitation = s.Invitations.Find(i => HashMatches(invitationSecret, i.SecretHash))
            ?? throw DomainException.Forbidden("invalid-invitation", "The invitation is not valid for this store.");
        if (invitation.AcceptedBy is { } acceptedBy)
        {
            return acceptedBy == caller.UserId
                ? ToProfile()
                : throw DomainException.Conflict("invitation-used", "The invitation was already accepted.");
        }

        if (invitation.ExpiresAt <= clock.GetUtcNow())
        {
            throw DomainException.Conflict("invitation-expired", "The invitation has expired; ask the store owner for a new one.");
        }

        if (!string.Equals(invitation.Email, NormalizeEmail(email), StringComparison.Ordinal))
        {
            throw DomainException.Forbidden("invitation-email-mismatch", "The invitation was sent to another email address.");
        }

        if (caller.SellerId is { } other && other != SellerId)
        {
            throw DomainException.Conflict("staff-of-another-store", "An account acts for one store only.");
        }

        invitation.AcceptedBy = caller.UserId;
        if (!s.Staff.Exists(m => m.UserId == caller.UserId))
        {
            s.Staff.Add(new StaffEntry { UserId = caller.UserId, Email = invitation.Email, Role = StaffRole.Staff, AddedAt = clock.GetUtcNow() });
        }

        await state.WriteOrReloadAsync(this);
        return ToProfile();
    }

    public async Task NotifyStaff(NotificationDraft? draft, FeedEvent? liveEvent)
    {
        if (!state.State.Created)
        {
            return;
        }

        await Task.WhenAll(state.State.Staff.Select(m => GrainFactory.NotifyUser(m.UserId, draft, liveEvent)));
    }

    public Task<IReadOnlyList<StaffMember>> GetStaff()
    {
        EnsureExists();
        if (!CallerContext.Require().IsAdmin)
        {
            RequireStaff();
        }

        IReadOnlyList<StaffMember> staff = state.State.Staff.Select(m => new StaffMember(m.UserId, m.Email, m.Role, m.AddedAt)).ToList();
        return Task.FromResult(staff);
    }

    public async Task RemoveStaff(string userId)
    {
        EnsureExists();
        RequireOwner();
        var member = state.State.Staff.Find(m => m.UserId == userId) ?? throw DomainException.NotFound("The staff member");
        if (member.Role == StaffRole.Owner)
        {
            throw DomainException.Conflict("cannot-remove-owner", "The owner cannot be removed from the store.");
        }

        state.State.Staff.Remove(member);
        await state.WriteOrReloadAsync(this);
    }

    public async Task<StoreProfile> Suspend(string reason)
    {
        RequireAdmin();
        EnsureExists();
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 500 || !StorableText.IsStorable(reason))
        {
            throw DomainException.Invalid(new Dictionary<string, string[]> { ["reason"] = ["Give a reason of 1-500 characters (no U+0000)."] });
        }

        var s = state.State;
        if (s.Status != StoreStatus.Suspended)
        {
            s.Status = StoreStatus.Suspended;
            s.SuspendedReason = reason.Trim();
            s.SuspendedAt = clock.GetUtcNow();
            s.Version++;
            await state.WriteOrReloadAsync(this);
            LogStoreSuspended(logger, SellerId, s.SuspendedReason);
        }

        return ToProfile();
    }

    public async Task<StoreProfile> Reinstate()
    {
        RequireAdmin();
        EnsureExists();
        var s = state.State;
        if (s.Status != StoreStatus.Active)
        {
            s.Status = StoreStatus.Active;
            s.SuspendedReason = null;
            s.SuspendedAt = null;
            s.Version++;
            await state.WriteOrReloadAsync(this);
        }

        return ToProfile();
    }

    private StaffEntry? Owner => state.State.Staff.Find(m => m.Role == StaffRole.Owner);

    private static void Apply(SellerState s, StoreDraft draft, DateTimeOffset now)
    {
        s.Name = draft.Name.Trim();
        s.Description = Clean(draft.Description);
        s.RequiresConfirmation = draft.RequiresConfirmation;
        s.Currency = draft.Currency;
        s.LogoUrl = Clean(draft.LogoUrl);
        var c = draft.Contact ?? StoreContact.Empty;
        s.Contact = new StoreContact(Clean(c.Email)?.ToLowerInvariant(), Clean(c.Phone), Clean(c.Website), Clean(c.Address),
            Clean(c.City), Clean(c.Country), Clean(c.TaxId));
        s.UpdatedAt = now;
        s.Version++;
    }

    private static bool SameProfile(SellerState s, StoreDraft draft)
    {
        var probe = new SellerState();
        Apply(probe, draft, default);
        return probe.Name == s.Name && probe.Description == s.Description && probe.LogoUrl == s.LogoUrl
            && probe.Contact == s.Contact && probe.RequiresConfirmation == s.RequiresConfirmation && probe.Currency == s.Currency;
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string NormalizeEmail(string email)
    {
        var normalized = email?.Trim().ToLowerInvariant() ?? "";
        if (normalized.Length is 0 or > 254 || !normalized.Contains('@', StringComparison.Ordinal))
        {
            throw DomainException.Invalid(new Dictionary<string, string[]> { ["email"] = ["Not an email address."] });
        }

        return normalized;
    }

    private static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static bool HashMatches(string secret, string expectedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret ?? "")), Encoding.ASCII.GetBytes(expectedHash));

    private void EnsureExists()
    {
        if (!state.State.Created)
        {
            throw DomainException.NotFound("The store");
        }
    }

    /// <summary>The caller must carry this store in its claims and be on the staff list now (removal is immediate).</summary>
    private void RequireStaff()
    {
        var caller = CallerContext.Require();
        if (!caller.ActsFor(SellerId) || !state.State.Staff.Exists(m => m.UserId == caller.UserId))
        {
            throw DomainException.Forbidden("not-store-staff", "Only the store's staff may do this.");
        }
    }

    private void RequireActive()
    {
        if (state.State.Status == StoreStatus.Suspended)
        {
            throw DomainException.Forbidden("store-suspended", "The store is suspended; its catalog cannot change until an admin reinstates it.");
        }
    }

    private void RequireActiveStaff()
    {
        RequireStaff();
        RequireActive();
    }

    private void RequireOwner()
    {
        var caller = CallerContext.Require();
        if (!caller.ActsFor(SellerId) || Owner?.UserId != caller.UserId)
        {
            throw DomainException.Forbidden("not-store-owner", "Only the store's owner may do this.");
        }
    }

    private static void RequireAdmin()
    {
        if (!CallerContext.Require().IsAdmin)
        {
            throw DomainException.Forbidden("not-admin", "Only an admin may do this.");
        }
    }

    private StoreProfile ToProfile()
    {
        var s = state.State;
        return new StoreProfile(SellerId, s.Name, s.Description, s.RequiresConfirmation, s.Currency, s.Products.Count,
            s.Version, s.CreatedAt, s.UpdatedAt, s.LogoUrl, s.Contact, s.Status, Claimed: Owner is not null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Store {SellerId} created: {Name}")]
    private static partial void LogStoreCreated(ILogger logger, string sellerId, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Store {SellerId} claimed by user {UserId}")]
    private static partial void LogStoreClaimed(ILogger logger, string sellerId, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Store {SellerId} suspended: {Reason}")]
    private static partial void LogStoreSuspended(ILogger logger, string sellerId, string reason);
}
