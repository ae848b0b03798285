namespace Marketplace.Grains.Finance;

/// <summary>
/// Tax arithmetic, documented so a receipt can be checked by hand: rates are parts per million (19 % = 190,000;
/// 8.875 % = 88,750), the tax is computed per line and rounded half-up to the currency's minor unit (a peso for CLP, a
/// cent for USD), and an order's tax is the sum of its lines'. A tax-inclusive price already holds its tax:
/// tax = total · r / (1 + r). A tax-exclusive price gets it on top: tax = total · r.
/// </summary>
public static class TaxRules
{
    public const int Million = 1_000_000;

    /// <summary>The highest rate a store or region may carry (50 %).</summary>
    public const int MaxRatePpm = 500_000;

    /// <summary>The tax of one line of <paramref name="lineTotal"/> minor units.</summary>
    public static long OfLine(long lineTotal, int ratePpm, bool included)
    {
        if (ratePpm <= 0 || lineTotal <= 0)
        {
            return 0;
        }

        // Half-up of n / d is floor((2n + d) / 2d), exactly, in 128-bit integers.
        var numerator = (Int128)lineTotal * ratePpm;
        Int128 denominator = included ? Million + ratePpm : Million;
        return (long)((2 * numerator + denominator) / (2 * denominator));
    }
}
