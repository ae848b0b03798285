using Marketplace.Contracts.Catalog;

namespace Marketplace.Grains.Tests;

internal static class Samples
{
    public static StoreDraft Store(string name = "Café Ana") => new(name, "Specialty coffee", RequiresConfirmation: true, "CLP");

    public static ProductDraft Product(int stock = 20, ProductStatus status = ProductStatus.Published) => new(
        "Café de Colombia",
        "Medium roast",
        "coffee",
        "CLP",
        8990,
        status,
        [
            new VariantDraft("CAFE-250", new Dictionary<string, string> { ["size"] = "250 g" }, null, stock),
            new VariantDraft("CAFE-1K", new Dictionary<string, string> { ["size"] = "1 kg" }, 29990, 5),
        ]);
}
