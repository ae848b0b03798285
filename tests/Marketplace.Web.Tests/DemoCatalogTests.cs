using Marketplace.Contracts.Catalog;
using Marketplace.Demo;
using Marketplace.Grains.Catalog;
using Marketplace.Web.Media;

namespace Marketplace.Web.Tests;

/// <summary>The generated demo catalog and pictures, checked without a cluster.</summary>
public sealed class DemoCatalogTests
{
    private static readonly IReadOnlyList<DemoProduct> Products = DemoCatalog.Stores.SelectMany(s => s.Products).ToList();

    [Fact]
    public void The_catalog_has_several_stores_in_both_currencies_and_a_few_hundred_products()
    {
        Assert.InRange(DemoCatalog.Stores.Count, 8, 12);
        Assert.InRange(Products.Count, 250, 400);
        Assert.Contains(DemoCatalog.Stores, s => s.Profile.Currency == "CLP");
        Assert.Contains(DemoCatalog.Stores, s => s.Profile.Currency == "USD");
        Assert.All(DemoCatalog.Stores, s => Assert.InRange(s.Products.Count, 20, 60));
        Assert.All(DemoCatalog.Stores, s => Assert.All(s.Products, p => Assert.Equal(s.Profile.Currency, p.Draft.Currency)));

        // The accounts and products the first demo had are still there.
        var ana = DemoCatalog.Stores.Single(s => s.OwnerEmail == "ana@demo.marketplace.local");
        Assert.Equal("Café Ana", ana.Profile.Name);
        Assert.Contains(ana.Products, p => p.Draft.Title == "Café de Colombia 250 g" && p.Draft.Variants.Single().Sku == "CAFE-COL-250");
        Assert.Equal("Tejidos del Sur", DemoCatalog.Stores.Single(s => s.OwnerEmail == "tomas@demo.marketplace.local").Profile.Name);
        Assert.Equal(DemoCatalog.Stores.Count + 1, DemoCatalog.AccountEmails.Distinct().Count());
    }

    [Fact]
    public void Every_product_passes_the_catalog_rules_and_looks_like_a_real_listing()
    {
        Assert.All(DemoCatalog.Stores, s => Assert.Empty(CatalogRules.Validate(s.Profile)));
        Assert.All(Products, p =>
        {
            Assert.Empty(CatalogRules.Validate(p.Draft));
            Assert.InRange(p.Draft.Variants.Count, 1, 4);
            Assert.False(string.IsNullOrWhiteSpace(p.Draft.Description));
            Assert.NotEmpty(p.Draft.Attributes!);
            Assert.DoesNotContain("{", p.Draft.Description + p.Draft.Title + string.Concat(p.Draft.Attributes!.Values), StringComparison.Ordinal);
            Assert.DoesNotContain("  ", p.Draft.Title, StringComparison.Ordinal);
            // The product's price is what the cheapest variant costs.
            Assert.Equal(p.Draft.Price, p.Draft.Variants.Min(v => v.Price ?? p.Draft.Price));
            foreach (var price in p.Draft.Variants.Select(v => v.Price ?? p.Draft.Price))
            {
                // Shelf prices: whole pesos ending in 90 for CLP, cents ending in 99 or 95 for USD.
                Assert.True(p.Draft.Currency == "CLP" ? price % 100 == 90 : price % 100 is 99 or 95, $"{p.Draft.Title}: {price} {p.Draft.Currency}");
            }
        });

        Assert.Equal(Products.Count, Products.Select(p => p.ProductId).Distinct().Count());
        Assert.Equal(Products.Count, Products.Select(p => p.Draft.Title).Distinct().Count());
        Assert.Contains(Products, p => p.Draft.Variants.Count == 4);
        Assert.Contains(Products, p => p.Draft.Variants.Any(v => v.Price is not null));
        Assert.Contains(Products, p => p.Draft.Variants.All(v => v.Stock == 0));
        Assert.InRange(Products.Count(p => p.Draft.Status == ProductStatus.Draft), 1, Products.Count / 10);
        Assert.InRange(Products.Select(p => p.Draft.Category).Distinct().Count(), 15, 40);
    }

    [Fact]
    public void Pictures_and_logos_are_small_pngs_of_the_expected_size()
    {
        var pictures = Products.Select(p => p.Picture).DistinctBy(p => p.Motif).ToList();
        Assert.Equal(Enum.GetValues<Motif>().Length, pictures.Count);
        foreach (var picture in pictures)
        {
            var png = DemoPictures.RenderProduct(picture);
            Assert.Equal(new ImageFormat("image/png", "png", 480, 480), ImageInspector.Inspect(png));
            Assert.InRange(png.Length, 1_000, 60_000);
            // Not a blank square: the motif adds colours to the backdrop's gradient.
            Assert.True(PngRoundTripTests.Decode(png).Pixels.Distinct().Count() > 8, picture.Motif.ToString());
        }

        var logo = DemoPictures.RenderLogo(DemoCatalog.Stores[0].Logo);
        Assert.Equal(new ImageFormat("image/png", "png", 240, 240), ImageInspector.Inspect(logo));
    }
}
