namespace Marketplace.Grains.Catalog;

/// <summary>
/// A store's register of its products, oldest first, with the status each had when it last told the store. Pure: it
/// changes the list it is given (<see cref="SellerState.Products"/>) and answers whether there is anything to store.
/// </summary>
public sealed class StoreProducts(List<StoreProductEntry> entries)
{
    public const int MaxPageSize = 1000;

    public int Count => entries.Count;

    /// <summary>Lists a product the store just created; false when it is listed already (a retried create).</summary>
    public bool Add(string productId, ProductStatus status)
    {
        if (entries.Exists(p => p.ProductId == productId))
        {
            return false;
        }

        entries.Add(new StoreProductEntry { ProductId = productId, Status = status });
        return true;
    }

    /// <summary>
    /// The product a handle names: the product imported under it, or the product whose id it is (a product created
    /// otherwise is exported with its id as its handle). Null when the store has none.
    /// </summary>
    public string? FindByHandle(string handle) =>
        entries.Find(p => p.Handle == handle)?.ProductId ?? entries.Find(p => p.Handle is null && p.ProductId == handle)?.ProductId;

    /// <summary>Lists imported products and notes the status of those listed already; false when nothing changed.</summary>
    public bool Record(IEnumerable<(string ProductId, string Handle, ProductStatus Status)> imported)
    {
        var changed = false;
        var byId = entries.ToDictionary(e => e.ProductId, StringComparer.Ordinal);
        foreach (var (productId, handle, status) in imported)
        {
            if (!byId.TryGetValue(productId, out var entry))
            {
                entry = new StoreProductEntry { ProductId = productId, Status = status, Handle = handle == productId ? null : handle };
                entries.Add(entry);
                byId[productId] = entry;
                changed = true;
            }
            else if (entry.Status != status)
            {
                entry.Status = status;
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>Every product with its handle, oldest first.</summary>
    public IReadOnlyList<CatalogEntry> Entries() => entries.Select(e => new CatalogEntry(e.ProductId, e.Handle ?? e.ProductId, e.Status)).ToList();

    /// <summary>Notes a product's new status; false when the product is not listed or its status is the same.</summary>
    public bool Record(string productId, ProductStatus status)
    {
        var entry = entries.Find(p => p.ProductId == productId);
        if (entry is null || entry.Status == status)
        {
            return false;
        }

        entry.Status = status;
        return true;
    }

    /// <summary>One page of product ids, newest first, with the count of all that match.</summary>
    public IdPage Page(int skip, int take, bool publishedOnly)
    {
        var matching = entries
            .Where(p => !publishedOnly || p.Status == ProductStatus.Published)
            .Select(p => p.ProductId)
            .Reverse()
            .ToList();
        var page = matching.Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 0, MaxPageSize)).ToList();
        return new IdPage(page, matching.Count);
    }
}
