using Marketplace.Contracts.Catalog;
using Marketplace.Grains.Catalog;

namespace Marketplace.Grains.Tests;

public sealed class ProductImportTests
{
    private static ProductState Stored() => new()
    {
        Created = true, SellerId = "sel_1", Title = "Café", Description = "Medium roast", Category = "coffee", Currency = "CLP", Price = 8990,
        Status = ProductStatus.Published, Attributes = new(StringComparer.Ordinal) { ["origin"] = "Huila" },
        Variants =
        [
            new VariantState { Sku = "A", Options = new(StringComparer.Ordinal) { ["size"] = "250 g" }, Price = 8990 },
            new VariantState { Sku = "B", Options = new(StringComparer.Ordinal) { ["size"] = "1 kg" }, Price = 29990 },
        ],
        Images = [new ProductImage("k1.png", "image/png", 10, 10, 100)],
    };

    private static ProductDraft Same() => new("Café ", "Medium roast", "coffee", "CLP", 8990, ProductStatus.Published,
    [
        // The first variant is priced like the product: naming the price or not is the same.
        new VariantDraft("A", new Dictionary<string, string> { ["size"] = "250 g" }, null, 5),
        new VariantDraft("B", new Dictionary<string, string> { ["size"] = "1 kg" }, 29990, 5),
    ], new Dictionary<string, string> { ["origin"] = "Huila" });

    [Fact]
    public void What_the_product_already_is_changes_nothing()
    {
        Assert.False(ProductImport.Differs(Stored(), Same(), [new ProductImage("k1.png", "image/png", 10, 10, 100)]));
        Assert.False(ProductImport.Differs(Stored(), Same(), images: null));
        Assert.False(ProductImport.Differs(Stored(), Same() with { Attributes = null }, null)); // no column: kept
    }

    [Theory]
    [InlineData("title")]
    [InlineData("price")]
    [InlineData("status")]
    [InlineData("option")]
    [InlineData("variantPrice")]
    [InlineData("order")]
    [InlineData("attribute")]
    public void Any_field_that_differs_is_a_change(string what)
    {
        var draft = Same();
        var changed = what switch
        {
            "title" => draft with { Title = "Té" },
            "price" => draft with { Price = 9990 },
            "status" => draft with { Status = ProductStatus.Draft },
            "option" => draft with { Variants = [draft.Variants[0] with { Options = new Dictionary<string, string> { ["size"] = "500 g" } }, draft.Variants[1]] },
            "variantPrice" => draft with { Variants = [draft.Variants[0], draft.Variants[1] with { Price = 1 }] },
            "order" => draft with { Variants = [draft.Variants[1], draft.Variants[0]] },
            _ => draft with { Attributes = new Dictionary<string, string> { ["origin"] = "Cauca" } },
        };
        Assert.True(ProductImport.Differs(Stored(), changed, null));
    }

    [Fact]
    public void Other_images_are_a_change_and_missing_attributes_are_kept()
    {
        Assert.True(ProductImport.Differs(Stored(), Same(), []));
        Assert.Equal("Huila", ProductImport.Complete(Stored(), Same() with { Attributes = null }).Attributes!["origin"]);
    }
}
