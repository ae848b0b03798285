namespace Marketplace.Contracts.Finance;

/// <summary>
/// The marketplace's commission rates in basis points (800 = 8 %): the default, and overrides per product category
/// and per store. A store's override wins over its category's, which wins over the default. An order fixes the rate
/// of each of its lines when it is placed; changing the rates later does not touch placed orders.
/// </summary>
[GenerateSerializer, Immutable, Alias("mk.CommissionRates")]
public sealed record CommissionRates(
    [property: Id(0)] int DefaultBps,
    [property: Id(1)] IReadOnlyDictionary<string, int> Categories,
    [property: Id(2)] IReadOnlyDictionary<string, int> Stores,
    [property: Id(3)] DateTimeOffset? UpdatedAt = null)
{
    /// <summary>The rate of a line of this store in this category.</summary>
    public int For(string sellerId, string? category) =>
        Stores.TryGetValue(sellerId, out var store) ? store
        : category is not null && Categories.TryGetValue(category, out var byCategory) ? byCategory
        : DefaultBps;
}

/// <summary>The commission rates (one grain, key 0). Admins change them; every order placement reads them.</summary>
[Alias("mk.ICommissionRatesGrain")]
public interface ICommissionRatesGrain : IGrainWithIntegerKey
{
    [Alias("Get"), AlwaysInterleave, ReadOnly]
    Task<CommissionRates> Get();

    /// <summary>Replaces the rates (admins only); answers them as stored.</summary>
    [Alias("Set")]
    Task<CommissionRates> Set(CommissionRates rates);
}
