using System.Globalization;

namespace Marketplace.Web.Shared;

/// <summary>Money for people: minor units shown with the currency's own decimals (CLP none, USD two) in the reader's culture.</summary>
public static class Money
{
    public static string Format(long minorUnits, string currency, CultureInfo? culture = null)
    {
        culture ??= CultureInfo.CurrentCulture;
        var decimals = Currencies.IsSupported(currency) ? Currencies.DecimalsOf(currency) : 2;
        var value = minorUnits / (decimal)Math.Pow(10, decimals);
        var number = value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), culture);
        return Symbol(currency) is { } symbol ? symbol + number : currency + " " + number;
    }

    /// <summary>Minor units from what a person typed in a form ("8.990", "12,50", "12.50"), or null when it is not an amount.</summary>
    public static long? Parse(string? text, string currency, CultureInfo? culture = null)
    {
        culture ??= CultureInfo.CurrentCulture;
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var decimals = Currencies.IsSupported(currency) ? Currencies.DecimalsOf(currency) : 2;
        var cleaned = text.Trim().TrimStart('$').Replace(" ", "", StringComparison.Ordinal);
        // Without decimals, any separator is a thousands separator ("8.990" and "8,990" are both 8990 pesos).
        if (decimals == 0)
        {
            cleaned = cleaned.Replace(".", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal);
        }

        if (!decimal.TryParse(cleaned, NumberStyles.Number, culture, out var value) || value < 0)
        {
            return null;
        }

        var scaled = value * (decimal)Math.Pow(10, decimals);
        return scaled == decimal.Truncate(scaled) && scaled <= long.MaxValue ? (long)scaled : null;
    }

    /// <summary>A form field's value for an amount, without grouping, so it reads back unchanged.</summary>
    public static string Input(long minorUnits, string currency, CultureInfo? culture = null)
    {
        culture ??= CultureInfo.CurrentCulture;
        var decimals = Currencies.IsSupported(currency) ? Currencies.DecimalsOf(currency) : 2;
        return (minorUnits / (decimal)Math.Pow(10, decimals)).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), culture);
    }

    private static string? Symbol(string currency) => currency switch
    {
        "CLP" or "ARS" or "COP" or "MXN" or "UYU" => "$",
        "USD" => "US$",
        "EUR" => "€",
        "GBP" => "£",
        "JPY" => "¥",
        "BRL" => "R$",
        _ => null,
    };
}
