namespace Marketplace.Contracts.Finance;

/// <summary>
/// Tax rates of places where a store's prices exclude the tax: per country (ISO 3166 alpha-2), per region (its code:
/// CA, NY…), in parts per million (7.25 % = 72,500). A destination in a country listed here names its region.
/// </summary>
[GenerateSerializer, Immutable, Alias("mk.TaxRates")]
public sealed record TaxRates(
    [property: Id(0)] IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Countries,
    [property: Id(1)] DateTimeOffset? UpdatedAt = null)
{
    public static readonly TaxRates None = new(new Dictionary<string, IReadOnlyDictionary<string, int>>());
}

/// <summary>The regional tax rates (one grain, key 0). Admins maintain them; placing a tax-exclusive order reads them.</summary>
[Alias("mk.ITaxRatesGrain")]
public interface ITaxRatesGrain : IGrainWithIntegerKey
{
    [Alias("Get"), AlwaysInterleave, ReadOnly]
    Task<TaxRates> Get();

    /// <summary>Replaces the table (admins only); answers it as stored.</summary>
    [Alias("Set")]
    Task<TaxRates> Set(TaxRates rates);
}
