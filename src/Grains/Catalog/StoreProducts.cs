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
