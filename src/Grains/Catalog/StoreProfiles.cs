namespace Marketplace.Grains.Catalog;

/// <summary>
/// A store's public face: its profile and settings as a draft sets them, and as the API shows them. The business
/// directory owns a synced store's company data, not its selling settings. Pure.
/// </summary>
public static class StoreProfiles
{
    /// <summary>Sets the profile from a validated draft (text trimmed, empty text as none) and moves the version.</summary>
    public static void Apply(SellerState s, StoreDraft draft, DateTimeOffset now)
    {
        s.Name = draft.Name.Trim();
        s.Description = Clean(draft.Description);
        s.RequiresConfirmation = draft.RequiresConfirmation;
        s.Currency = draft.Currency;
        s.PricesIncludeTax = draft.PricesIncludeTax;
        s.TaxRatePpm = draft.TaxRatePpm;
        s.ReturnWindowDays = draft.ReturnWindowDays;
        s.LogoUrl = Clean(draft.LogoUrl);
        var c = draft.Contact ?? StoreContact.Empty;
        s.Contact = new StoreContact(Clean(c.Email)?.ToLowerInvariant(), Clean(c.Phone), Clean(c.Website), Clean(c.Address),
            Clean(c.City), Clean(c.Country), Clean(c.TaxId));
        s.UpdatedAt = now;
        s.Version++;
    }

    /// <summary>
    /// Applies the directory's record of the company to a store it is linked to, keeping the store's own selling
    /// settings; false (and nothing changed) when the record says what the store already shows.
    /// </summary>
    public static bool ApplyFromDirectory(SellerState s, StoreDraft draft, DateTimeOffset now)
    {
        var merged = draft with
        {
            RequiresConfirmation = s.RequiresConfirmation, Currency = s.Currency, PricesIncludeTax = s.PricesIncludeTax, TaxRatePpm = s.TaxRatePpm,
            ReturnWindowDays = s.ReturnWindowDays,
        };
        var probe = new SellerState();
        Apply(probe, merged, default);
        if (probe.Name == s.Name && probe.Description == s.Description && probe.LogoUrl == s.LogoUrl && probe.Contact == s.Contact)
        {
            return false;
        }

        Apply(s, merged, now);
        return true;
    }

    public static StoreProfile View(string sellerId, SellerState s) => new(
        sellerId, s.Name, s.Description, s.RequiresConfirmation, s.Currency, s.Products.Count, s.Version, s.CreatedAt, s.UpdatedAt,
        s.LogoUrl, s.Contact, s.Status, Claimed: s.Staff.Exists(m => m.Role == StaffRole.Owner), s.PricesIncludeTax, s.TaxRatePpm,
        s.ReturnWindowDays);

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
