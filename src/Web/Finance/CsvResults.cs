using System.Globalization;
using System.Text;
using CsvHelper;

namespace Marketplace.Web.Finance;

/// <summary>
/// CSV answers: a request asks for one with <c>Accept: text/csv</c> or by a path ending in <c>.csv</c>; the rows are
/// written by CsvHelper (RFC 4180 quoting; the row types are <c>[CsvRecord]</c>, mapped at compile time), with a header,
/// as a download named after what it holds.
/// </summary>
public static class CsvResults
{
    public const string MediaType = "text/csv";

    public static bool Wanted(HttpRequest request) =>
        request.Path.Value?.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) == true
        || request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(MediaType, StringComparison.OrdinalIgnoreCase));

    public static IResult File<T>(IEnumerable<T> rows, string fileName)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, null, true))
        {
            csv.WriteRecords(rows);
        }

        return TypedResults.File(Encoding.UTF8.GetBytes(text.ToString()), MediaType + "; charset=utf-8", fileName);
    }

    /// <summary>An amount in major units with the currency's decimals, as a spreadsheet or a bank reads it ("8990", "12.50").</summary>
    public static string Amount(long minorUnits, string currency) => Shared.Money.Input(minorUnits, currency, CultureInfo.InvariantCulture);
}
