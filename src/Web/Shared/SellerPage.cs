using Marketplace.Web.Accounts;

namespace Marketplace.Web.Shared;

/// <summary>What the seller console's menu needs of its page: the store, and which entry is lit.</summary>
public interface ISellerConsolePage
{
    string SellerId { get; }

    string Section { get; }
}

/// <summary>A page of the seller console: it acts for the store the signed-in seller belongs to, and only that one.</summary>
public abstract class SellerPage : MarketplacePage, ISellerConsolePage
{
    /// <summary>The folder's policy guarantees a seller bound to a store.</summary>
    public string SellerId => User.SellerId()!;

    protected ISellerGrain Store => Grains.GetGrain<ISellerGrain>(SellerId);

    /// <summary>A page of the store's products (all statuses), newest first, read in parallel, and how many there are.</summary>
    protected async Task<(IReadOnlyList<ProductDetails> Products, int Total)> ProductsAsync(int skip, int take)
    {
        var ids = await Store.GetProductIds(skip, take, publishedOnly: false);
        var details = await Task.WhenAll(ids.Ids.Select(id => Grains.GetGrain<IProductGrain>(id).GetDetails()));
        return (details.OfType<ProductDetails>().ToList(), ids.Total);
    }

    /// <summary>Which entry of the console's menu is lit.</summary>
    public abstract string Section { get; }
}
