using System.Collections.Frozen;
using System.Globalization;

namespace Marketplace.Contracts.Common;

/// <summary>ISO 4217 currencies the marketplace accepts, with the number of decimals of their minor unit.</summary>
public static class Currencies
{
    private static readonly FrozenDictionary<string, int> MinorDigits = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["ARS"] = 2, ["AUD"] = 2, ["BOB"] = 2, ["BRL"] = 2, ["CAD"] = 2, ["CHF"] = 2, ["CLP"] = 0, ["CNY"] = 2,
        ["COP"] = 2, ["CRC"] = 2, ["CZK"] = 2, ["DKK"] = 2, ["EUR"] = 2, ["GBP"] = 2, ["GTQ"] = 2, ["HKD"] = 2,
        ["INR"] = 2, ["JPY"] = 0, ["KRW"] = 0, ["MXN"] = 2, ["NOK"] = 2, ["NZD"] = 2, ["PEN"] = 2, ["PLN"] = 2,
        ["PYG"] = 0, ["SEK"] = 2, ["SGD"] = 2, ["USD"] = 2, ["UYU"] = 2, ["ZAR"] = 2,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static bool IsSupported(string? code) => code is not null && MinorDigits.ContainsKey(code);

    /// <summary>Decimals of the minor unit (CLP 0, USD 2).</summary>
    public static int DecimalsOf(string code) => MinorDigits[code];

    /// <summary>An amount with its code, as an email or a notice writes it ("8.990 CLP" in Spanish, "12.50 USD" in English).</summary>
    public static string Format(long minorUnits, string currency, CultureInfo culture)
    {
        var decimals = IsSupported(currency) ? DecimalsOf(currency) : 0;
        var value = minorUnits / (decimal)Math.Pow(10, decimals);
        return value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), culture) + " " + currency;
    }
}
