using System.Globalization;
using System.Text;
using CsvHelper;
using Marketplace.Web.Shared;

namespace Marketplace.Web.Catalog;

/// <summary>A problem with one cell (or row, without a column) of an imported file; line 1 is the header.</summary>
public sealed record ImportError(int Line, string? Column, string Message);

/// <summary>A product read from the file: its first line, each variant's line, and its images as the file names them.</summary>
/// <param name="Images">The image column's references ("/media/{key}" or a key) in order; null when the file has no such column.</param>
public sealed record ImportedRow(string Handle, int Line, IReadOnlyList<int> VariantLines, ProductDraft Draft, IReadOnlyList<string>? Images);

/// <summary>What reading a file gave: its products, every problem found, and how many data rows it had.</summary>
public sealed record CatalogFile(IReadOnlyList<ImportedRow> Products, IReadOnlyList<ImportError> Errors, int Rows);

/// <summary>
/// The catalog spreadsheet (CSV, UTF-8, a header row): one row per variant; rows with the same <c>handle</c> are one
/// product, whose fields come from its first row (later rows leave them empty or repeat them). Prices are in the
/// currency's units with its decimals ("8990" CLP, "12.50" USD); options and attributes read <c>name=value; name=value</c>;
/// images are <c>/media/…</c> paths (or keys) of uploaded images, separated by <c>|</c>. Reading only checks shape; the
/// catalog's rules are the grains'. Export writes the same columns, so a file exported and imported again changes nothing.
/// </summary>
public static class CatalogCsv
{
    public const string Handle = "handle";
    public const string Title = "title";
    public const string Description = "description";
    public const string Category = "category";
    public const string Status = "status";
    public const string Currency = "currency";
    public const string Price = "price";
    public const string Sku = "sku";
    public const string Options = "options";
    public const string VariantPrice = "variant_price";
    public const string Stock = "stock";
    public const string Images = "images";
    public const string Attributes = "attributes";

    /// <summary>The columns in the order export writes them.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        [Handle, Title, Description, Category, Status, Currency, Price, Sku, Options, VariantPrice, Stock, Images, Attributes];

    private static readonly string[] Required = [Handle, Title, Category, Currency, Price, Sku, Stock];

    /// <summary>Product fields: given on a product's first row, empty or the same on its others.</summary>
    private static readonly string[] ProductFields = [Title, Description, Category, Status, Currency, Price, Images, Attributes];

    public const int MaxRows = 50_000;
    public const int MaxHandleLength = 100;
    public const int MaxErrors = 500;

    /// <summary>Characters that make a spreadsheet read a cell as a formula; exported cells starting with one get a leading '.</summary>
    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];

    public static CatalogFile Read(Stream content)
    {
        var errors = new List<ImportError>();
        var rows = new List<(int Line, Dictionary<string, string> Cells)>();
        string[] header;
        using var text = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        try
        {
            using var csv = CsvReader.Create(text, new CsvReaderOptions { HasHeader = false }, false);
            if (!csv.Read())
            {
                return new CatalogFile([], [new ImportError(1, null, "The file is empty: it needs a header row and a row per variant.")], 0);
            }

            header = Enumerable.Range(0, csv.FieldCount).Select(i => csv.GetString(i).Trim().ToLowerInvariant()).ToArray();
            var headerErrors = CheckHeader(header);
            if (headerErrors.Count > 0)
            {
                return new CatalogFile([], headerErrors, 0);
            }

            var line = 1;
            while (csv.Read())
            {
                line++;
                if (line - 1 > MaxRows)
                {
                    return new CatalogFile([], [new ImportError(line, null, $"At most {MaxRows:N0} rows in one file.")], line - 1);
                }

                if (csv.FieldCount == 1 && csv.GetString(0).Length == 0)
                {
                    continue; // a blank line
                }

                if (csv.FieldCount != header.Length)
                {
                    errors.Add(new ImportError(line, null, $"The row has {csv.FieldCount} cells; the header has {header.Length}."));
                    continue;
                }

                rows.Add((line, header.Select((name, i) => (name, value: Unescape(csv.GetString(i).Trim())))
                    .ToDictionary(c => c.name, c => c.value, StringComparer.Ordinal)));
            }
        }
        catch (Exception e) when (e is CsvFormatException or CsvValidationException or DecoderFallbackException)
        {
            return new CatalogFile([], [new ImportError(rows.Count + 2, null, "The file is not valid CSV from here on: " + e.Message.Split('\n')[0])], rows.Count);
        }

        var hasImages = header.Contains(Images);
        var hasAttributes = header.Contains(Attributes);
        var products = new List<ImportedRow>();
        foreach (var group in rows.GroupBy(r => r.Cells[Handle], StringComparer.Ordinal))
        {
            if (ReadProduct(group.Key, group.ToList(), hasImages, hasAttributes, errors) is { } product)
            {
                products.Add(product);
            }

            if (errors.Count >= MaxErrors)
            {
                break;
            }
        }

        return new CatalogFile(errors.Count == 0 ? products : [], errors.OrderBy(e => e.Line).Take(MaxErrors).ToList(), rows.Count);
    }

    /// <summary>
    /// Writes products as the import reads them. A cell a spreadsheet would run as a formula (=, +, -, @…) gets a
    /// leading apostrophe, which the import takes off again.
    /// </summary>
    public static async Task WriteAsync(TextWriter output, IAsyncEnumerable<(string Handle, ProductDetails Product)> products)
    {
        using var csv = CsvWriter.Create(output, null, true);
        csv.WriteHeader(Columns.ToArray());
        await foreach (var (handle, p) in products)
        {
            for (var i = 0; i < p.Variants.Count; i++)
            {
                var v = p.Variants[i];
                var first = i == 0;
                csv.WriteRecord(new[]
                {
                    handle,
                    first ? p.Title : "",
                    first ? p.Description ?? "" : "",
                    first ? p.Category : "",
                    first ? Enum(p.Status) : "",
                    first ? p.Currency : "",
                    first ? Money.Input(p.Price, p.Currency, CultureInfo.InvariantCulture) : "",
                    v.Sku,
                    Pairs(v.Options),
                    v.Price == p.Price ? "" : Money.Input(v.Price, p.Currency, CultureInfo.InvariantCulture),
                    v.OnHand.ToString(CultureInfo.InvariantCulture),
                    first ? string.Join('|', (p.Images ?? []).Select(image => "/media/" + image.Key)) : "",
                    first ? Pairs(p.Attributes) : "",
                }.Select(Escape).ToArray());
            }
        }
    }

    private static List<ImportError> CheckHeader(string[] header)
    {
        var errors = new List<ImportError>();
        foreach (var unknown in header.Where(h => !Columns.Contains(h)))
        {
            errors.Add(new ImportError(1, unknown, $"Unknown column '{unknown}'. Columns: {string.Join(", ", Columns)}."));
        }

        foreach (var duplicate in header.GroupBy(h => h).Where(g => g.Count() > 1))
        {
            errors.Add(new ImportError(1, duplicate.Key, $"The column '{duplicate.Key}' appears twice."));
        }

        foreach (var missing in Required.Where(r => !header.Contains(r)))
        {
            errors.Add(new ImportError(1, missing, $"The column '{missing}' is missing."));
        }

        return errors;
    }

    private static ImportedRow? ReadProduct(
        string handle, List<(int Line, Dictionary<string, string> Cells)> rows, bool hasImages, bool hasAttributes, List<ImportError> errors)
    {
        var before = errors.Count;
        var (line, first) = rows[0];
        void Error(int at, string column, string message) => errors.Add(new ImportError(at, column, message));

        if (handle.Length is 0 or > MaxHandleLength || !handle.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            Error(line, Handle, $"A handle of 1 to {MaxHandleLength} letters, digits, '-', '_' or '.'.");
        }

        foreach (var (at, cells) in rows.Skip(1))
        {
            foreach (var field in ProductFields.Where(f => cells.TryGetValue(f, out var value) && value.Length > 0 && value != first.GetValueOrDefault(f)))
            {
                Error(at, field, $"Differs from line {line}, this product's first row: leave it empty or repeat it.");
            }
        }

        var currency = first[Currency].ToUpperInvariant();
        if (!Currencies.IsSupported(currency))
        {
            Error(line, Currency, "An ISO 4217 code the marketplace takes, such as CLP or USD.");
        }

        var price = Amount(first[Price], currency, line, Price, errors, required: true) ?? 0;
        var status = ProductStatus.Draft;
        if (first.GetValueOrDefault(Status) is { Length: > 0 } statusText)
        {
            if (System.Enum.GetValues<ProductStatus>().FirstOrDefault(s => Enum(s) == statusText.ToLowerInvariant()) is var known
                && Enum(known) == statusText.ToLowerInvariant())
            {
                status = known;
            }
            else
            {
                Error(line, Status, "One of: draft, published, archived.");
            }
        }

        var attributes = hasAttributes ? ReadPairs(first[Attributes], line, Attributes, errors) : null;
        var variants = new List<VariantDraft>();
        var skus = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (at, cells) in rows)
        {
            var sku = cells[Sku];
            if (sku.Length == 0)
            {
                Error(at, Sku, "Every row needs a SKU.");
            }
            else if (!skus.Add(sku))
            {
                Error(at, Sku, $"The SKU '{sku}' appears twice in product '{handle}'.");
            }

            if (!int.TryParse(cells[Stock], NumberStyles.None, CultureInfo.InvariantCulture, out var stock))
            {
                Error(at, Stock, "A whole number of units, 0 or more.");
            }

            var variantPrice = cells.GetValueOrDefault(VariantPrice) is { Length: > 0 } own ? Amount(own, currency, at, VariantPrice, errors, required: true) : null;
            var options = ReadPairs(cells.GetValueOrDefault(Options) ?? "", at, Options, errors) ?? new Dictionary<string, string>();
            variants.Add(new VariantDraft(sku, options, variantPrice, stock));
        }

        if (errors.Count > before)
        {
            return null;
        }

        var images = hasImages ? first[Images].Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : null;
        var draft = new ProductDraft(first[Title], first.GetValueOrDefault(Description) is { Length: > 0 } d ? d : null, first[Category],
            currency, price, status, variants, attributes);
        return new ImportedRow(handle, line, rows.Select(r => r.Line).ToList(), draft, images);
    }

    private static long? Amount(string text, string currency, int line, string column, List<ImportError> errors, bool required)
    {
        var decimals = Currencies.IsSupported(currency) ? Currencies.DecimalsOf(currency) : 2;
        var styles = decimals == 0 ? NumberStyles.None : NumberStyles.AllowDecimalPoint;
        if (text.Length == 0 && !required)
        {
            return null;
        }

        if (decimal.TryParse(text, styles, CultureInfo.InvariantCulture, out var value))
        {
            var scaled = value * (decimal)Math.Pow(10, decimals);
            if (scaled == decimal.Truncate(scaled) && scaled <= long.MaxValue)
            {
                return (long)scaled;
            }
        }

        errors.Add(new ImportError(line, column, decimals == 0
            ? $"A whole amount of {currency} without separators, such as 8990."
            : $"An amount of {currency} with at most {decimals} decimals and a point, such as 12.50."));
        return null;
    }

    /// <summary>"name=value; name=value" as a map; empty text is an empty map.</summary>
    private static Dictionary<string, string>? ReadPairs(string text, int line, string column, List<ImportError> errors)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !pairs.TryAdd(part[..eq].Trim(), part[(eq + 1)..].Trim()))
            {
                errors.Add(new ImportError(line, column, "Pairs like 'size=250 g; color=red', each name once."));
                return null;
            }
        }

        return pairs;
    }

    private static string Pairs(IReadOnlyDictionary<string, string>? pairs) =>
        pairs is null ? "" : string.Join("; ", pairs.Select(p => $"{p.Key}={p.Value}"));

    private static string Enum(ProductStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>A cell a spreadsheet would run as a formula, made plain text with a leading apostrophe.</summary>
    public static string Escape(string cell) => cell.Length > 0 && (FormulaStarts.Contains(cell[0]) || cell[0] == '\'') ? "'" + cell : cell;

    private static string Unescape(string cell) =>
        cell.Length > 1 && cell[0] == '\'' && (FormulaStarts.Contains(cell[1]) || cell[1] == '\'') ? cell[1..] : cell;
}
