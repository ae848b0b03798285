namespace Marketplace.Contracts.Catalog;

[GenerateSerializer, Alias("mk.StoreStatus")]
public enum StoreStatus
{
    Active = 0,
    /// <summary>Set by an admin: hidden from the storefront and unable to sell; existing orders go on.</summary>
    Suspended = 1,
}

[GenerateSerializer, Alias("mk.StaffRole")]
public enum StaffRole
{
    Owner = 0,
    Staff = 1,
}

/// <summary>How to reach a store and where it is. Every field is optional.</summary>
[GenerateSerializer, Immutable, Alias("mk.StoreContact")]
public sealed record StoreContact(
    [property: Id(0)] string? Email,
    [property: Id(1)] string? Phone,
    [property: Id(2)] string? Website,
    [property: Id(3)] string? Address,
    [property: Id(4)] string? City,
    [property: Id(5)] string? Country,
    [property: Id(6)] string? TaxId)
{
    public static readonly StoreContact Empty = new(null, null, null, null, null, null, null);
}

/// <summary>
/// The editable part of a store: its public profile and its settings. Taxes: prices either include the tax at
/// <see cref="TaxRatePpm"/> (parts per million; 19 % = 190,000: the default, with no rate), or exclude it, and the
/// tax is then added at the rate of the buyer's region (the admins' table).
/// </summary>
[GenerateSerializer, Immutable, Alias("mk.StoreDraft")]
public sealed record StoreDraft(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Description,
    [property: Id(2)] bool RequiresConfirmation,
    [property: Id(3)] string Currency,
    [property: Id(4)] string? LogoUrl = null,
    [property: Id(5)] StoreContact? Contact = null,
    [property: Id(6)] bool PricesIncludeTax = true,
    [property: Id(7)] int TaxRatePpm = 0,
    [property: Id(8)] int ReturnWindowDays = StoreDraft.DefaultReturnWindowDays)
{
    /// <summary>How long after delivery a buyer may ask to return, unless the store says otherwise.</summary>
    public const int DefaultReturnWindowDays = 30;
}

/// <summary>A store as everyone may see it, plus its status.</summary>
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
    [property: Id(8)] DateTimeOffset UpdatedAt,
    [property: Id(9)] string? LogoUrl,
    [property: Id(10)] StoreContact Contact,
    [property: Id(11)] StoreStatus Status,
    [property: Id(12)] bool Claimed,
    [property: Id(13)] bool PricesIncludeTax = true,
    [property: Id(14)] int TaxRatePpm = 0,
    [property: Id(15)] int ReturnWindowDays = StoreDraft.DefaultReturnWindowDays);

/// <summary>A page of ids.</summary>
[GenerateSerializer, Immutable, Alias("mk.IdPage")]
public sealed record IdPage(
    [property: Id(0)] IReadOnlyList<string> Ids,
    [property: Id(1)] int Total);

[GenerateSerializer, Immutable, Alias("mk.StaffMember")]
public sealed record StaffMember(
    [property: Id(0)] string UserId,
    [property: Id(1)] string? Email,
    [property: Id(2)] StaffRole Role,
    [property: Id(3)] DateTimeOffset AddedAt);

/// <summary>An invitation to join a store's staff. <see cref="Token"/> is shown once; the store keeps only its hash.</summary>
[GenerateSerializer, Immutable, Alias("mk.StaffInvitation")]
public sealed record StaffInvitation(
    [property: Id(0)] string Email,
    [property: Id(1)] string Token,
    [property: Id(2)] DateTimeOffset ExpiresAt);

/// <summary>The outcome of a directory upsert. <see cref="ClaimCode"/> is set only when a new claim code was issued.</summary>
[GenerateSerializer, Immutable, Alias("mk.DirectorySync")]
public sealed record DirectorySync(
    [property: Id(0)] StoreProfile Profile,
    [property: Id(1)] bool Created,
    [property: Id(2)] string? ClaimCode);

/// <summary>
/// A seller's store: profile, settings, staff and the list of its products. Keyed by seller id. Writes check the
/// <see cref="CallerContext"/>: staff of this store for catalog and profile, the owner for staff, admins for status.
/// </summary>
[Alias("mk.ISellerGrain")]
public interface ISellerGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the store. An admin creates it unclaimed; a seller caller acting for this id becomes its owner.
    /// Repeating the same request (same fingerprint) answers the same store.
    /// </summary>
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

    /// <summary>Records a product's new status in the store's list (product grains, for the store's staff).</summary>
    [Alias("RecordProductStatus")]
    Task RecordProductStatus(string productId, ProductStatus status);

    /// <summary>
    /// Imports products into this store: each is found by its handle (or, for a handle that is one of the store's
    /// product ids, by that id) and updated when it differs, or created under an id derived from the handle; the
    /// register records the new ones in one write for the whole batch. A product that fails does not stop the others.
    /// </summary>
    [Alias("ImportProducts")]
    Task<IReadOnlyList<ImportResult>> ImportProducts(IReadOnlyList<ImportedProduct> batch);

    /// <summary>The catalog's rules broken by products of a batch, without changing anything (an import's dry run).</summary>
    [Alias("CheckImport"), AlwaysInterleave]
    Task<IReadOnlyList<ImportProblem>> CheckImport(IReadOnlyList<ImportedProduct> batch);

    /// <summary>The store's whole register, oldest first, with each product's handle (staff only).</summary>
    [Alias("GetCatalogEntries"), AlwaysInterleave]
    Task<IReadOnlyList<CatalogEntry>> GetCatalogEntries();

    /// <summary>Refuses unless the current caller is staff of this active store. Product grains ask before a write.</summary>
    [Alias("AuthorizeCatalogWrite"), AlwaysInterleave]
    Task AuthorizeCatalogWrite();

    /// <summary>Creates or updates the store from a business directory's record (integration callers only).</summary>
    [Alias("UpsertFromDirectory")]
    Task<DirectorySync> UpsertFromDirectory(string externalId, StoreDraft draft);

    /// <summary>Issues a new claim code for an unclaimed store, replacing any earlier one (admins and integrations).</summary>
    [Alias("IssueClaimCode")]
    Task<string> IssueClaimCode();

    /// <summary>Makes the calling seller the owner of this unclaimed store; the code works once.</summary>
    [Alias("Claim")]
    Task<StoreProfile> Claim(string claimSecret);

    [Alias("InviteStaff")]
    Task<StaffInvitation> InviteStaff(string email);

    /// <summary>Adds the caller to the staff when the invitation matches their email. Idempotent for that caller.</summary>
    [Alias("AcceptInvitation")]
    Task<StoreProfile> AcceptInvitation(string invitationSecret, string email);

    [Alias("GetStaff")]
    Task<IReadOnlyList<StaffMember>> GetStaff();

    [Alias("RemoveStaff")]
    Task RemoveStaff(string userId);

    [Alias("Suspend")]
    Task<StoreProfile> Suspend(string reason);

    [Alias("Reinstate")]
    Task<StoreProfile> Reinstate();

    /// <summary>
    /// Tells every staff member: the notification (stored in each one's inbox, once per source key) and the live
    /// event, either of which may be null. Called by grains acting on the store's behalf, not by users.
    /// </summary>
    [Alias("NotifyStaff"), AlwaysInterleave]
    Task NotifyStaff(Marketplace.Contracts.Notifications.NotificationDraft? draft, Marketplace.Contracts.Realtime.FeedEvent? liveEvent);
}
