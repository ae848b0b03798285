using Marketplace.Contracts.Orders;

namespace Marketplace.Grains.Orders;

/// <summary>What a shipping address needs before a carrier can take it.</summary>
public static class AddressRules
{
    public const int MaxFieldLength = 200;

    /// <summary>Field errors keyed by JSON path under <paramref name="prefix"/>; empty when the address is usable.</summary>
    public static Dictionary<string, string[]> Check(PostalAddress? address, string prefix)
    {
        var errors = new Dictionary<string, string[]>();
        if (address is null)
        {
            errors[prefix] = ["Required."];
            return errors;
        }

        Required(errors, prefix + ".name", address.Name);
        Required(errors, prefix + ".line1", address.Line1);
        Required(errors, prefix + ".city", address.City);
        Optional(errors, prefix + ".region", address.Region);
        Optional(errors, prefix + ".postalCode", address.PostalCode);
        Optional(errors, prefix + ".phone", address.Phone);
        if (address.Country is not { Length: 2 } country || !country.All(char.IsAsciiLetterUpper))
        {
            errors[prefix + ".country"] = ["A two-letter ISO 3166 code in capitals, e.g. DE."];
        }

        return errors;
    }

    private static void Required(Dictionary<string, string[]> errors, string path, string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxFieldLength)
        {
            errors[path] = [$"Required, at most {MaxFieldLength} characters."];
        }
        else if (!StorableText.IsStorable(value))
        {
            errors[path] = [StorableText.Refusal];
        }
    }

    private static void Optional(Dictionary<string, string[]> errors, string path, string? value)
    {
        if (value?.Length > MaxFieldLength)
        {
            errors[path] = [$"At most {MaxFieldLength} characters."];
        }
        else if (!StorableText.IsStorable(value))
        {
            errors[path] = [StorableText.Refusal];
        }
    }
}
