using Marketplace.Contracts.Catalog;
using Marketplace.Contracts.Common;
using Marketplace.Grains.Catalog;

namespace Marketplace.Grains.Tests;

/// <summary>A store's product register, profile and moderation, without a cluster.</summary>
public sealed class StoreRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_product_register_lists_each_product_once_and_pages_newest_first()
    {
        var entries = new List<StoreProductEntry>();
        var products = new StoreProducts(entries);

        Assert.True(products.Add("prd_1", ProductStatus.Published));
        Assert.True(products.Add("prd_2", ProductStatus.Draft));
        Assert.True(products.Add("prd_3", ProductStatus.Published));
        Assert.False(products.Add("prd_1", ProductStatus.Draft));

        Assert.Equal(3, products.Count);
        Assert.Equal(ProductStatus.Published, entries[0].Status);
        Assert.Equal("prd_3 prd_2 of 3", Read(products.Page(0, 2, publishedOnly: false)));
        Assert.Equal("prd_1 of 2", Read(products.Page(1, 5, publishedOnly: true)));
        Assert.Equal("prd_3 prd_1 of 2", Read(products.Page(-4, 5, publishedOnly: true)));
        Assert.Equal(" of 3", Read(products.Page(0, -1, publishedOnly: false)));
    }

    [Fact]
    public void The_register_notes_a_status_only_when_it_changes_for_a_listed_product()
    {
        var products = new StoreProducts([]);
        products.Add("prd_1", ProductStatus.Draft);

        Assert.True(products.Record("prd_1", ProductStatus.Published));
        Assert.False(products.Record("prd_1", ProductStatus.Published));
        Assert.False(products.Record("prd_unknown", ProductStatus.Archived));
        Assert.Equal(["prd_1"], products.Page(0, 10, publishedOnly: true).Ids);
    }

    [Fact]
    public void A_profile_is_stored_trimmed_with_empty_text_as_none_and_a_new_version()
    {
        var state = new SellerState { Version = 2 };
        var draft = new StoreDraft("  Café Ana ", "   ", false, "USD", null,
            new StoreContact(" Ana@Example.COM ", "", null, " Calle 1 ", null, "CL", null));

        StoreProfiles.Apply(state, draft, Now);

        Assert.Equal(("Café Ana", null, false, "USD", 3, Now), (state.Name, state.Description, state.RequiresConfirmation, state.Currency, state.Version, state.UpdatedAt));
        Assert.Equal(new StoreContact("ana@example.com", null, null, "Calle 1", null, "CL", null), state.Contact);
    }

    [Fact]
    public void The_directory_changes_company_data_but_never_the_stores_selling_settings()
    {
        var state = new SellerState();
        StoreProfiles.Apply(state, new StoreDraft("Café Ana", "Coffee", RequiresConfirmation: true, "CLP"), Now);
        var version = state.Version;

        Assert.False(StoreProfiles.ApplyFromDirectory(state, new StoreDraft("Café Ana ", "Coffee", RequiresConfirmation: false, "USD"), Now.AddHours(1)));
        Assert.Equal((version, Now), (state.Version, state.UpdatedAt));

        Assert.True(StoreProfiles.ApplyFromDirectory(state, new StoreDraft("Café Ana SpA", "Coffee", RequiresConfirmation: false, "USD"), Now.AddHours(2)));
        Assert.Equal(("Café Ana SpA", true, "CLP", version + 1), (state.Name, state.RequiresConfirmation, state.Currency, state.Version));
    }

    [Fact]
    public void A_profile_says_whether_the_store_has_an_owner_and_how_many_products_it_lists()
    {
        var state = new SellerState { Name = "Café Ana", Products = [new StoreProductEntry { ProductId = "prd_1" }] };

        Assert.False(StoreProfiles.View("sel_1", state).Claimed);
        state.Staff.Add(new StaffEntry { UserId = "usr_1", Role = StaffRole.Staff });
        Assert.False(StoreProfiles.View("sel_1", state).Claimed);
        state.Staff.Add(new StaffEntry { UserId = "usr_2", Role = StaffRole.Owner });
        var profile = StoreProfiles.View("sel_1", state);
        Assert.Equal(("sel_1", "Café Ana", 1, true), (profile.SellerId, profile.Name, profile.ProductCount, profile.Claimed));
    }

    [Fact]
    public void A_suspension_needs_a_reason_keeps_the_first_one_and_is_lifted_by_reinstating()
    {
        var state = new SellerState { Version = 1 };

        Assert.Equal(DomainErrorKind.Validation, Assert.Throws<DomainException>(() => StoreModeration.Suspend(state, " ", Now)).Kind);
        Assert.Equal(DomainErrorKind.Validation, Assert.Throws<DomainException>(() => StoreModeration.Suspend(state, new string('x', 501), Now)).Kind);
        Assert.Equal(DomainErrorKind.Validation, Assert.Throws<DomainException>(() => StoreModeration.Suspend(state, "a\0b", Now)).Kind);
        StoreModeration.RequireActive(state);

        Assert.True(StoreModeration.Suspend(state, "  Fraud check ", Now));
        Assert.False(StoreModeration.Suspend(state, "Another reason", Now.AddHours(1)));
        Assert.Equal((StoreStatus.Suspended, "Fraud check", Now, 2), (state.Status, state.SuspendedReason, state.SuspendedAt, state.Version));
        Assert.Equal("store-suspended", Assert.Throws<DomainException>(() => StoreModeration.RequireActive(state)).Code);

        Assert.True(StoreModeration.Reinstate(state));
        Assert.False(StoreModeration.Reinstate(state));
        Assert.Equal((StoreStatus.Active, null, null, 3), (state.Status, state.SuspendedReason, state.SuspendedAt, state.Version));
        StoreModeration.RequireActive(state);
    }

    private static string Read(IdPage page) => $"{string.Join(' ', page.Ids)} of {page.Total}";
}
