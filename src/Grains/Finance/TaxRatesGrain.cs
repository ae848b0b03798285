using System.Text.RegularExpressions;
using Marketplace.Contracts.Finance;
using Marketplace.Contracts.Orders;
using Marketplace.Grains.Common;

namespace Marketplace.Grains.Finance;

/// <summary>The stored table of regional rates.</summary>
public sealed class TaxRatesState
{
    public Dictionary<string, Dictionary<string, int>> Countries { get; set; } = new(StringComparer.Ordinal);

    public DateTimeOffset? UpdatedAt { get; set; }
}

/// <summary>The regional rates, key 0: read from memory by every tax-exclusive placement, replaced by an admin.</summary>
public sealed class TaxRatesGrain(
    [PersistentState("taxRates", StorageNames.Marketplace)] IPersistentState<TaxRatesState> state,
    TimeProvider clock) : Grain, ITaxRatesGrain
{
    public Task<TaxRates> Get() => Task.FromResult(View());

    public async Task<TaxRates> Set(TaxRates rates)
    {
        if (!CallerContext.Require().IsAdmin)
        {
            throw DomainException.Forbidden("not-admin", "Only an admin may set tax rates.");
        }

        DomainException.ThrowIfInvalid(OrderTaxes.Validate(rates));
        state.State = new TaxRatesState
        {
            Countries = rates.Countries.ToDictionary(c => c.Key, c => c.Value.ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal), StringComparer.Ordinal),
            UpdatedAt = clock.GetUtcNow(),
        };
        await state.WriteOrReloadAsync(this);
        return View();
    }

    private TaxRates View() => new(
        state.State.Countries.ToDictionary(c => c.Key, c => (IReadOnlyDictionary<string, int>)c.Value, StringComparer.Ordinal), state.State.UpdatedAt);
}

/// <summary>
/// Which rate an order's lines are taxed at (pure): a store whose prices include the tax uses its own rate; one whose
/// prices exclude it uses the rate of the destination's region when its country is in the table (the region is then
/// required), and none elsewhere.
/// </summary>
public static partial class OrderTaxes
{
    public const int MaxCountries = 250;
    public const int MaxRegionsPerCountry = 200;

    public static int RateFor(bool pricesIncludeTax, int storeRatePpm, TaxRates rates, PostalAddress destination)
    {
        if (pricesIncludeTax)
        {
            return storeRatePpm;
        }

        if (!rates.Countries.TryGetValue(destination.Country, out var regions))
        {
            return 0;
        }

        if (destination.Region is not { } region || !regions.TryGetValue(region.Trim().ToUpperInvariant(), out var ppm))
        {
            throw DomainException.Invalid(new Dictionary<string, string[]>
            {
                ["shippingAddress.region"] = [$"Name the region (state) in {destination.Country}: one of {string.Join(", ", regions.Keys.Order(StringComparer.Ordinal))}."],
            });
        }

        return ppm;
    }

    public static Dictionary<string, string[]> Validate(TaxRates rates)
    {
        var errors = new Dictionary<string, string[]>();
        if (rates.Countries.Count > MaxCountries || rates.Countries.Keys.Any(c => !CountryCode().IsMatch(c)))
        {
            errors["countries"] = [$"At most {MaxCountries} countries, each a two-letter code in capitals (US)."];
        }

        foreach (var (country, regions) in rates.Countries)
        {
            if (regions.Count is 0 or > MaxRegionsPerCountry || regions.Any(r => !RegionCode().IsMatch(r.Key) || r.Value is < 0 or > TaxRules.MaxRatePpm))
            {
                errors[$"countries.{country}"] = [$"Between 1 and {MaxRegionsPerCountry} regions, each a code in capitals (CA) with a rate between 0 and {TaxRules.MaxRatePpm / 10_000} %."];
            }
        }

        return errors;
    }

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryCode();

    [GeneratedRegex("^[A-Z0-9]{1,3}$")]
    private static partial Regex RegionCode();
}
