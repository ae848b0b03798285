using System.Text.Json.Serialization;

namespace Marketplace.Grains.Catalog;

/// <summary>Persisted state of a store. The store directory read model is projected from this row (see 0002).</summary>
public sealed class SellerState
{
    public bool Created { get; set; }

    public string Name { get; set; } = "";

    public string? Description { get; set; }

    public bool RequiresConfirmation { get; set; } = true;

    public string Currency { get; set; } = "";

    /// <summary>Prices include the tax (at <see cref="TaxRatePpm"/>); otherwise it is added by the buyer's region.</summary>
    public bool PricesIncludeTax { get; set; } = true;

    public int TaxRatePpm { get; set; }

    /// <summary>Days after delivery a buyer may ask to return (0: no returns).</summary>
    public int ReturnWindowDays { get; set; } = StoreDraft.DefaultReturnWindowDays;

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

    /// <summary>The store's own name for the product, given by a catalog import; null (and not stored) for one created otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Handle { get; set; }
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
