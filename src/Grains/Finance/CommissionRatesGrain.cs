using Marketplace.Contracts.Finance;
using Marketplace.Grains.Common;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Finance;

/// <summary>Configuration of commissions (section <c>Commission</c>).</summary>
public sealed class CommissionOptions
{
    /// <summary>The marketplace's rate until an admin sets one, in basis points (800 = 8 %).</summary>
    public int DefaultBps { get; set; } = 800;
}

/// <summary>The stored rates; an empty state means the configured default and no overrides.</summary>
public sealed class CommissionRatesState
{
    public int? DefaultBps { get; set; }

    public Dictionary<string, int> Categories { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, int> Stores { get; set; } = new(StringComparer.Ordinal);

    public DateTimeOffset? UpdatedAt { get; set; }
}

/// <summary>What valid rates are: each between 0 and <see cref="Commission.MaxBps"/>, named categories and store ids.</summary>
public static class CommissionRules
{
    public const int MaxOverrides = 500;
    public const int MaxCategoryLength = 100;

    public static Dictionary<string, string[]> Validate(CommissionRates rates)
    {
        var errors = new Dictionary<string, string[]>();
        static bool InRange(int bps) => bps is >= 0 and <= Commission.MaxBps;
        if (!InRange(rates.DefaultBps))
        {
            errors["defaultRate"] = [$"Between 0 and {Commission.MaxBps / 100} %."];
        }

        if (rates.Categories.Count > MaxOverrides
            || rates.Categories.Any(c => string.IsNullOrWhiteSpace(c.Key) || c.Key.Length > MaxCategoryLength || !InRange(c.Value))
            || rates.Categories.Keys.Select(k => k.Trim()).Distinct(StringComparer.Ordinal).Count() != rates.Categories.Count)
        {
            errors["categories"] = [$"At most {MaxOverrides} categories, each named once (up to {MaxCategoryLength} characters) with a rate between 0 and {Commission.MaxBps / 100} %."];
        }

        if (rates.Stores.Count > MaxOverrides || rates.Stores.Any(s => !GrainKeys.IsSellerId(s.Key) || !InRange(s.Value)))
        {
            errors["stores"] = [$"At most {MaxOverrides} stores, each a store id with a rate between 0 and {Commission.MaxBps / 100} %."];
        }

        return errors;
    }
}

/// <summary>
/// The commission rates, key 0. Every order placement reads them (interleaved, from memory); an admin replaces them.
/// </summary>
public sealed class CommissionRatesGrain(
    [PersistentState("commissionRates", StorageNames.Marketplace)] IPersistentState<CommissionRatesState> state,
    IOptions<CommissionOptions> options,
    TimeProvider clock) : Grain, ICommissionRatesGrain
{
    public Task<CommissionRates> Get() => Task.FromResult(View());

    public async Task<CommissionRates> Set(CommissionRates rates)
    {
        if (!CallerContext.Require().IsAdmin)
        {
            throw DomainException.Forbidden("not-admin", "Only an admin may set commission rates.");
        }

        DomainException.ThrowIfInvalid(CommissionRules.Validate(rates));
        state.State = new CommissionRatesState
        {
            DefaultBps = rates.DefaultBps,
            Categories = new Dictionary<string, int>(rates.Categories.Select(c => KeyValuePair.Create(c.Key.Trim(), c.Value)), StringComparer.Ordinal),
            Stores = new Dictionary<string, int>(rates.Stores, StringComparer.Ordinal),
            UpdatedAt = clock.GetUtcNow(),
        };
        await state.WriteOrReloadAsync(this);
        return View();
    }

    private CommissionRates View() => new(
        state.State.DefaultBps ?? options.Value.DefaultBps, state.State.Categories, state.State.Stores, state.State.UpdatedAt);
}
