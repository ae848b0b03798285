using Marketplace.Contracts.Catalog;
using Marketplace.Grains.Catalog;

namespace Marketplace.Grains.Tests;

public sealed class CatalogRulesTests
{
    [Fact]
    public void A_well_formed_product_has_no_errors() => Assert.Empty(CatalogRules.Validate(Samples.Product()));

    [Fact]
    public void Negative_price_unknown_currency_and_bad_category_are_reported_per_field()
    {
        var draft = Samples.Product() with { Price = -1, Currency = "XXX", Category = "Coffee Beans" };
        var errors = CatalogRules.Validate(draft);
        Assert.Equal(["category", "currency", "price"], errors.Keys.Order());
    }

    [Fact]
    public void Duplicate_skus_are_refused()
    {
        var variant = new VariantDraft("A-1", new Dictionary<string, string>(), null, 1);
        var errors = CatalogRules.Validate(Samples.Product() with { Variants = [variant, variant] });
        Assert.Contains("variants[1].sku", errors.Keys);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("-leading-dash")]
    [InlineData("ñandú")]
    public void Malformed_skus_are_refused(string sku)
    {
        var errors = CatalogRules.Validate(Samples.Product() with { Variants = [new VariantDraft(sku, new Dictionary<string, string>(), null, 1)] });
        Assert.Contains("variants[0].sku", errors.Keys);
    }

    [Fact]
    public void Too_many_variants_and_too_long_titles_are_refused()
    {
        var variants = Enumerable.Range(0, CatalogRules.MaxVariants + 1)
            .Select(i => new VariantDraft($"S{i}", new Dictionary<string, string>(), null, 0))
            .ToList();
        var errors = CatalogRules.Validate(Samples.Product() with { Title = new string('x', 2_000_000), Variants = variants });
        Assert.Contains("title", errors.Keys);
        Assert.Contains("variants", errors.Keys);
    }

    [Fact]
    public void Products_cannot_be_created_archived() =>
        Assert.Contains("status", CatalogRules.Validate(Samples.Product(status: ProductStatus.Archived)).Keys);

    [Fact]
    public void Stock_settings_must_name_known_skus_once_with_sane_units()
    {
        var known = new HashSet<string> { "A", "B" };
        var errors = CatalogRules.Validate([new StockSetting("A", 1), new StockSetting("A", 2), new StockSetting("Z", 1), new StockSetting("B", -3)], known);
        Assert.Equal(["items[1].sku", "items[2].sku", "items[3].onHand"], errors.Keys.Order());
    }

    [Fact]
    public void Stores_need_a_name_and_a_known_currency()
    {
        var errors = CatalogRules.Validate(new StoreDraft(" ", null, true, "ABC"));
        Assert.Equal(["currency", "name"], errors.Keys.Order());
    }
}
