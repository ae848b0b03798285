namespace Marketplace.Grains.Catalog;

/// <summary>What an import changes on a product that exists: nothing when the file says what the product already is.</summary>
public static class ProductImport
{
    /// <summary>The catalog's rules an imported product breaks (its draft's, and the number of images), by field.</summary>
    public static IReadOnlyDictionary<string, string[]> Problems(ProductDraft draft, IReadOnlyList<ProductImage>? images)
    {
        var problems = CatalogRules.Validate(draft);
        return images?.Count > CatalogRules.MaxImages
            ? new Dictionary<string, string[]>(problems, StringComparer.Ordinal) { ["images"] = [$"At most {CatalogRules.MaxImages} images."] }
            : problems;
    }

    /// <summary>The draft as the product would store it: attributes it keeps when the file has none (null).</summary>
    public static ProductDraft Complete(ProductState current, ProductDraft draft) =>
        draft.Attributes is null ? draft with { Attributes = current.Attributes } : draft;

    /// <summary>Whether storing the draft (and, when given, the images) would change the product's fields.</summary>
    public static bool Differs(ProductState current, ProductDraft draft, IReadOnlyList<ProductImage>? images)
    {
        var description = string.IsNullOrWhiteSpace(draft.Description) ? null : draft.Description.Trim();
        if (current.Title != draft.Title.Trim() || current.Description != description || current.Category != draft.Category
            || current.Currency != draft.Currency || current.Price != draft.Price || current.Status != draft.Status
            || !SameMap(current.Attributes, draft.Attributes ?? current.Attributes)
            || current.Variants.Count != draft.Variants.Count)
        {
            return true;
        }

        for (var i = 0; i < draft.Variants.Count; i++)
        {
            var (stored, wanted) = (current.Variants[i], draft.Variants[i]);
            // A variant priced like its product is the same whether it names the price or not (export leaves it out).
            if (stored.Sku != wanted.Sku || (stored.Price ?? current.Price) != (wanted.Price ?? draft.Price) || !SameMap(stored.Options, wanted.Options))
            {
                return true;
            }
        }

        return images is not null && !current.Images.Select(i => i.Key).SequenceEqual(images.Select(i => i.Key), StringComparer.Ordinal);
    }

    private static bool SameMap(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string>? b) =>
        b is not null && a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var value) && value == p.Value);
}
