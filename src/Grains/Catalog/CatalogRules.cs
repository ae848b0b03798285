using System.Text.RegularExpressions;
using Marketplace.Grains.Common;

namespace Marketplace.Grains.Catalog;

/// <summary>
/// The domain rules for stores and products, kept pure so they are tested without a cluster. The web host checks
/// shapes (required fields, lengths); these rules are the authority and run inside the grain on every write.
/// </summary>
public static partial class CatalogRules
{
    public const int MaxTitleLength = 200;
    public const int MaxDescriptionLength = 10_000;
    public const int MaxStoreNameLength = 120;
    public const int MaxVariants = 100;
    public const int MaxOptionsPerVariant = 10;
    public const int MaxOptionLength = 60;
    public const int MaxStockPerSku = 1_000_000;
    public const int MaxUrlLength = 500;
    public const int MaxImages = 10;
    public const int MaxAttributes = 30;
    public const int MaxAttributeNameLength = 40;
    public const int MaxAttributeValueLength = 200;

    /// <summary>Upper bound for a price in minor units (10^12 leaves room for totals in a long).</summary>
    public const long MaxPrice = 1_000_000_000_000;

    /// <summary>
    /// The longest return window a store may give: no longer than payouts hold an order's money (Finance:ReturnWindow,
    /// 30 days by default), so a refund inside the window never drives a store's balance below zero.
    /// </summary>
    public const int MaxReturnWindowDays = 30;

    public static IReadOnlyDictionary<string, string[]> Validate(StoreDraft draft)
    {
        var errors = new ErrorCollector();
        CheckText(errors, "name", draft.Name, MaxStoreNameLength, required: true);
        CheckText(errors, "description", draft.Description, MaxDescriptionLength, required: false);
        if (!Currencies.IsSupported(draft.Currency))
        {
            errors.Add("currency", $"'{draft.Currency}' is not a supported ISO 4217 currency code.");
        }

        CheckUrl(errors, "logoUrl", draft.LogoUrl);
        if (draft.TaxRatePpm is < 0 or > Finance.TaxRules.MaxRatePpm)
        {
            errors.Add("taxRate", $"A percentage between 0 and {Finance.TaxRules.MaxRatePpm / 10_000}.");
        }

        if (draft.ReturnWindowDays is < 0 or > MaxReturnWindowDays)
        {
            errors.Add("returnWindowDays", $"Between 0 (no returns) and {MaxReturnWindowDays} days.");
        }

        var contact = draft.Contact ?? StoreContact.Empty;
        CheckText(errors, "contact.email", contact.Email, 254, required: false);
        if (contact.Email is { Length: > 0 } email && (!email.Contains('@', StringComparison.Ordinal) || email.Any(char.IsWhiteSpace)))
        {
            errors.Add("contact.email", "Not an email address.");
        }

        CheckText(errors, "contact.phone", contact.Phone, 40, required: false);
        CheckUrl(errors, "contact.website", contact.Website);
        CheckText(errors, "contact.address", contact.Address, 200, required: false);
        CheckText(errors, "contact.city", contact.City, 100, required: false);
        CheckText(errors, "contact.country", contact.Country, 100, required: false);
        CheckText(errors, "contact.taxId", contact.TaxId, 40, required: false);
        return errors.Result;
    }

    public static IReadOnlyDictionary<string, string[]> Validate(ProductDraft draft)
    {
        var errors = new ErrorCollector();
        CheckText(errors, "title", draft.Title, MaxTitleLength, required: true);
        CheckText(errors, "description", draft.Description, MaxDescriptionLength, required: false);
        if (string.IsNullOrEmpty(draft.Category) || !CategoryPattern().IsMatch(draft.Category))
        {
            errors.Add("category", "Use 1-64 lowercase letters, digits or dashes (e.g. 'coffee' or 'home-office').");
        }

        if (!Currencies.IsSupported(draft.Currency))
        {
            errors.Add("currency", $"'{draft.Currency}' is not a supported ISO 4217 currency code.");
        }

        CheckPrice(errors, "price", draft.Price);
        if (draft.Status == ProductStatus.Archived || !Enum.IsDefined(draft.Status))
        {
            errors.Add("status", "A product is created or edited as 'draft' or 'published'; delete it to archive it.");
        }

        var attributes = draft.Attributes ?? new Dictionary<string, string>();
        if (attributes.Count > MaxAttributes)
        {
            errors.Add("attributes", $"A product has at most {MaxAttributes} attributes.");
        }
        else if (attributes.Any(a => string.IsNullOrWhiteSpace(a.Key) || a.Key.Length > MaxAttributeNameLength
                                     || a.Value is null || a.Value.Length > MaxAttributeValueLength))
        {
            errors.Add("attributes", $"Attribute names are 1-{MaxAttributeNameLength} characters and values at most {MaxAttributeValueLength}.");
        }
        else if (attributes.Any(a => !StorableText.IsStorable(a.Key) || !StorableText.IsStorable(a.Value)))
        {
            errors.Add("attributes", StorableText.Refusal);
        }

        if (draft.Variants is null || draft.Variants.Count == 0)
        {
            errors.Add("variants", "A product needs at least one variant (SKU).");
            return errors.Result;
        }

        if (draft.Variants.Count > MaxVariants)
        {
            errors.Add("variants", $"A product may have at most {MaxVariants} variants.");
            return errors.Result;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < draft.Variants.Count; i++)
        {
            var variant = draft.Variants[i];
            var path = $"variants[{i}]";
            if (variant is null)
            {
                errors.Add(path, "A variant is required.");
                continue;
            }

            if (string.IsNullOrEmpty(variant.Sku) || !SkuPattern().IsMatch(variant.Sku))
            {
                errors.Add($"{path}.sku", "A SKU is 1-64 characters: letters, digits, '-', '_' or '.'.");
            }
            else if (!seen.Add(variant.Sku))
            {
                errors.Add($"{path}.sku", $"SKU '{variant.Sku}' appears twice; SKUs are unique within a product.");
            }

            if (variant.Price is { } price)
            {
                CheckPrice(errors, $"{path}.price", price);
            }

            if (variant.Stock is < 0 or > MaxStockPerSku)
            {
                errors.Add($"{path}.stock", $"Stock must be between 0 and {MaxStockPerSku}.");
            }

            var options = variant.Options ?? new Dictionary<string, string>();
            if (options.Count > MaxOptionsPerVariant)
            {
                errors.Add($"{path}.options", $"A variant may have at most {MaxOptionsPerVariant} options.");
            }

            foreach (var (name, value) in options)
            {
                if (string.IsNullOrWhiteSpace(name) || name.Length > MaxOptionLength || value is null || value.Length > MaxOptionLength)
                {
                    errors.Add($"{path}.options", $"Option names and values are 1-{MaxOptionLength} characters.");
                    break;
                }

                if (!StorableText.IsStorable(name) || !StorableText.IsStorable(value))
                {
                    errors.Add($"{path}.options", StorableText.Refusal);
                    break;
                }
            }
        }

        return errors.Result;
    }

    public static IReadOnlyDictionary<string, string[]> Validate(IReadOnlyList<StockSetting> items, IReadOnlyCollection<string> knownSkus)
    {
        var errors = new ErrorCollector();
        if (items is null || items.Count == 0)
        {
            errors.Add("items", "Give at least one SKU.");
            return errors.Result;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item is null || string.IsNullOrEmpty(item.Sku))
            {
                errors.Add($"items[{i}].sku", "A SKU is required.");
                continue;
            }

            if (!knownSkus.Contains(item.Sku))
            {
                errors.Add($"items[{i}].sku", $"This product has no SKU '{item.Sku}'.");
            }
            else if (!seen.Add(item.Sku))
            {
                errors.Add($"items[{i}].sku", $"SKU '{item.Sku}' appears twice.");
            }

            if (item.OnHand is < 0 or > MaxStockPerSku)
            {
                errors.Add($"items[{i}].onHand", $"On-hand units must be between 0 and {MaxStockPerSku}.");
            }
        }

        return errors.Result;
    }

    private static void CheckText(ErrorCollector errors, string field, string? value, int maxLength, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                errors.Add(field, "This field is required.");
            }

            return;
        }

        if (value.Length > maxLength)
        {
            errors.Add(field, $"At most {maxLength} characters.");
        }
        else if (!StorableText.IsStorable(value))
        {
            errors.Add(field, StorableText.Refusal);
        }
    }

    private static void CheckUrl(ErrorCollector errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        if (value.Length > MaxUrlLength
            || !Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add(field, $"An absolute http(s) URL of at most {MaxUrlLength} characters.");
        }
    }

    private static void CheckPrice(ErrorCollector errors, string field, long price)
    {
        if (price is < 0 or > MaxPrice)
        {
            errors.Add(field, $"A price is a whole number of minor units between 0 and {MaxPrice}.");
        }
    }

    /// <summary>A category name as products carry it: 1-64 lowercase letters, digits or dashes.</summary>
    public static bool IsCategory(string? value) => !string.IsNullOrEmpty(value) && CategoryPattern().IsMatch(value);

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
    private static partial Regex CategoryPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex SkuPattern();

    private sealed class ErrorCollector
    {
        private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

        public IReadOnlyDictionary<string, string[]> Result => errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

        public void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }

            list.Add(message);
        }
    }
}
