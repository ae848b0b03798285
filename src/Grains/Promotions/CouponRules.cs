using System.Text.RegularExpressions;
using Marketplace.Contracts.Promotions;
using Marketplace.Grains.Catalog;

namespace Marketplace.Grains.Promotions;

/// <summary>What a valid coupon is, and its code and categories in the form they are compared in (pure).</summary>
public static partial class CouponRules
{
    public const int MaxCoupons = 200;
    public const int MaxScope = 100;
    public const int MaxUses = 1_000_000;
    public const int MaxDescriptionLength = 200;

    /// <summary>Codes are compared upper-case and trimmed: "summer-10" and "SUMMER-10" are one code.</summary>
    public static string NormalizeCode(string? code) => (code ?? "").Trim().ToUpperInvariant();

    public static CouponDraft Normalize(CouponDraft draft) => draft with
    {
        Code = NormalizeCode(draft.Code),
        Categories = [.. draft.Categories.Select(c => (c ?? "").Trim().ToLowerInvariant()).Distinct(StringComparer.Ordinal)],
        ProductIds = [.. draft.ProductIds.Distinct(StringComparer.Ordinal)],
        Description = string.IsNullOrWhiteSpace(draft.Description) ? null : draft.Description.Trim(),
    };

    /// <summary>The field errors of a normalized draft (field names as the API spells them).</summary>
    public static Dictionary<string, string[]> Validate(CouponDraft draft, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        if (!CodePattern().IsMatch(draft.Code))
        {
            errors["code"] = ["3-32 letters, digits, dashes or underscores, starting with a letter or digit."];
        }

        if (draft.Kind == CouponKind.Percent && draft.Value is < 1 or > 10_000)
        {
            errors["value"] = ["A percentage above 0 and at most 100, with at most two decimals."];
        }
        else if (draft.Kind == CouponKind.Amount && draft.Value is < 1 or > CatalogRules.MaxPrice)
        {
            errors["value"] = [$"A whole number of minor units between 1 and {CatalogRules.MaxPrice}."];
        }
        else if (!Enum.IsDefined(draft.Kind))
        {
            errors["kind"] = ["'percent' or 'amount'."];
        }

        if (draft.MinSubtotal is < 0 or > CatalogRules.MaxPrice)
        {
            errors["minSubtotal"] = [$"A whole number of minor units between 0 and {CatalogRules.MaxPrice}."];
        }

        if (draft.EndsAt is { } end && (end <= now || (draft.StartsAt is { } start && end <= start)))
        {
            errors["endsAt"] = ["In the future, and after the start."];
        }

        if (draft.MaxUses is < 1 or > MaxUses)
        {
            errors["maxUses"] = [$"Between 1 and {MaxUses}."];
        }

        if (draft.MaxUsesPerCustomer is < 1 || draft.MaxUsesPerCustomer > (draft.MaxUses ?? MaxUses))
        {
            errors["maxUsesPerCustomer"] = ["At least 1, and at most the coupon's uses."];
        }

        if (draft.ProductIds.Count > MaxScope || draft.ProductIds.Any(id => !GrainKeys.IsProductId(id)))
        {
            errors["productIds"] = [$"At most {MaxScope} product ids."];
        }

        if (draft.Categories.Count > MaxScope || draft.Categories.Any(c => !CatalogRules.IsCategory(c)))
        {
            errors["categories"] = [$"At most {MaxScope} category names (lowercase letters, digits or dashes)."];
        }

        if (draft.Description?.Length > MaxDescriptionLength)
        {
            errors["description"] = [$"At most {MaxDescriptionLength} characters."];
        }
        else if (!StorableText.IsStorable(draft.Description))
        {
            errors["description"] = [StorableText.Refusal];
        }

        return errors;
    }

    [GeneratedRegex("^[A-Z0-9][A-Z0-9_-]{2,31}$")]
    private static partial Regex CodePattern();
}
