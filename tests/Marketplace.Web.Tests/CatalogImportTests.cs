using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Marketplace.Testing;

namespace Marketplace.Web.Tests;

/// <summary>Catalog spreadsheets through the real API and the web host's background runner into the real grains.</summary>
[Collection(WebCollection.Name)]
public sealed class CatalogImportTests(WebFixture fixture)
{
    private const string Header = "handle,title,description,category,status,currency,price,sku,options,variant_price,stock,images,attributes";

    [Fact]
    public async Task A_catalog_imported_exported_and_imported_again_comes_back_unchanged()
    {
        using var store = fixture.CreateClient();
        var storeId = await store.CreateStoreAsync("Round Trip");
        var file = Catalog(200);
        var rows = file.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
        Assert.InRange(rows, 450, 600);

        var check = await ImportAsync(store, file, dryRun: true);
        Assert.Equal("done", check.GetProperty("status").GetString());
        Assert.Equal(200, check.GetProperty("total").GetInt32());
        Assert.Equal(0, check.GetProperty("created").GetInt32());
        Assert.Empty(await ExportRowsAsync(store)); // a dry run writes nothing

        var imported = await ImportAsync(store, file);
        Assert.Equal(("done", 200, 200, 0), (imported.GetProperty("status").GetString(), imported.GetProperty("processed").GetInt32(),
            imported.GetProperty("created").GetInt32(), imported.GetProperty("errors").GetArrayLength()));

        // What the file says is what the products are.
        var exported = await ExportRowsAsync(store);
        Assert.Equal(Normalized(Parse(file)), Normalized(exported));
        var formula = exported.First(r => r["handle"] == "item-008");
        Assert.StartsWith("'=HYPERLINK(", formula["title"], StringComparison.Ordinal);
        var titles = new List<string>();
        for (var page = 1; page <= 2; page++)
        {
            var products = await store.GetFromJsonAsync<JsonElement>($"/api/sellers/{storeId}/products?pageSize=100&page={page}");
            titles.AddRange(products.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("title").GetString()!));
        }

        Assert.Contains(titles, t => t.StartsWith("=HYPERLINK(", StringComparison.Ordinal)); // stored as given, neutralized only in the file

        // Export, import again: every product unchanged, none duplicated.
        var again = await ImportAsync(store, ToCsv(exported));
        Assert.Equal(("done", 0, 0, 200), (again.GetProperty("status").GetString(), again.GetProperty("created").GetInt32(),
            again.GetProperty("updated").GetInt32(), again.GetProperty("unchanged").GetInt32()));
        Assert.Equal(Normalized(exported), Normalized(await ExportRowsAsync(store)));

        // A changed price and a new variant update the product in place.
        var changed = exported.Select(r => new Dictionary<string, string>(r)).ToList();
        changed.First(r => r["handle"] == "item-001" && r["title"].Length > 0)["price"] = "12345";
        changed.Add(new Dictionary<string, string>(changed.First(r => r["handle"] == "item-002")) { ["sku"] = "ITEM-002-NEW", ["title"] = "", ["price"] = "", ["description"] = "", ["category"] = "", ["status"] = "", ["currency"] = "", ["images"] = "", ["attributes"] = "", ["options"] = "size=5 kg" });
        var updated = await ImportAsync(store, ToCsv(changed));
        Assert.Equal((0, 2, 198), (updated.GetProperty("created").GetInt32(), updated.GetProperty("updated").GetInt32(), updated.GetProperty("unchanged").GetInt32()));
        var after = await ExportRowsAsync(store);
        Assert.Equal("12345", after.First(r => r["handle"] == "item-001" && r["title"].Length > 0)["price"]);
        Assert.Contains(after, r => r["sku"] == "ITEM-002-NEW");
        Assert.Equal(200, after.Select(r => r["handle"]).Distinct().Count());
    }

    [Fact]
    public async Task A_malformed_file_gets_a_report_per_row_and_nothing_is_imported()
    {
        using var store = fixture.CreateClient();
        await store.CreateStoreAsync("Bad Files");

        var wrongColumns = await ImportAsync(store, "handle,title,prize,sku,stock\nx,Tea,100,T-1,5\n");
        Assert.Equal("failed", wrongColumns.GetProperty("status").GetString());
        var headerErrors = Errors(wrongColumns);
        Assert.Contains(headerErrors, e => e is (1, "prize", _));
        Assert.Contains(headerErrors, e => e is (1, "currency", _));

        var bad = string.Join('\n',
            Header,
            "tea,Green tea,,tea,published,CLP,4990,TEA-1,,,10,,",
            "tea,,,,,,,TEA-1,,,5,,",                                  // line 3: the same SKU twice in one product
            "mug,Mug,,kitchen,published,CLP,12.5,MUG-1,,,3,,",       // line 4: CLP has no decimals
            "pot,Pot,,kitchen,sold,CLP,9990,POT-1,,,three,,",        // line 5: unknown status, stock not a number
            "pot,Other pot,,,,,,POT-2,,,1,,",                        // line 6: differs from the product's first row
            "cup,Cup,,kitchen,published,XXX,500,CUP-1,size,,1,,",    // line 7: unknown currency, options not pairs
            "big," + new string('T', 201) + ",,kitchen,draft,CLP,100,B-1,,,1,,", // line 8: the grains' rule: title too long
            "img,Img,,kitchen,draft,CLP,100,I-1,,,1,/media/nothing.png,",        // line 9: an image nobody uploaded
            "") + "\n";
        var report = await ImportAsync(store, bad);
        Assert.Equal("failed", report.GetProperty("status").GetString());
        var errors = Errors(report);
        Assert.Contains(errors, e => e is (3, "sku", _));
        Assert.Contains(errors, e => e is (4, "price", _));
        Assert.Contains(errors, e => e is (5, "status", _));
        Assert.Contains(errors, e => e is (5, "stock", _));
        Assert.Contains(errors, e => e is (6, "title", _));
        Assert.Contains(errors, e => e is (7, "currency", _));
        Assert.Contains(errors, e => e is (7, "options", _));
        Assert.DoesNotContain(errors, e => e.Line == 8); // shape is fine; the rules are checked once the shape is
        Assert.Empty(await ExportRowsAsync(store));

        // Shape right, rules broken: the store's grain names the cell, and still nothing is written.
        var rules = await ImportAsync(store, string.Join('\n', Header, "big," + new string('T', 201) + ",,kitchen,draft,CLP,100,B-1,,,1,,",
            "img,Img,,kitchen,draft,CLP,100,I-1,,,1,/media/nothing.png,", "ok,Fine,,kitchen,draft,CLP,100,OK-1,,,1,,") + "\n");
        Assert.Equal("failed", rules.GetProperty("status").GetString());
        Assert.Contains(Errors(rules), e => e is (2, "title", _));
        Assert.Contains(Errors(rules), e => e is (3, "images", _));
        Assert.Empty(await ExportRowsAsync(store));
    }

    [Fact]
    public async Task The_upload_has_a_limit_of_its_own_and_the_rest_of_the_api_keeps_its_megabyte()
    {
        using var store = fixture.CreateClient();
        await store.CreateStoreAsync("Big Files");
        using var tooBig = await UploadAsync(store, new byte[50 * 1024 * 1024], dryRun: true);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);

        // Two megabytes are fine here, and too much for any other endpoint.
        var twoMegabytes = Encoding.UTF8.GetBytes(Header + "\n" + string.Concat(Enumerable.Range(0, 20_000).Select(i =>
            $"h{i},Title {i},{new string('d', 60)},c,draft,CLP,100,S{i},,,1,,\n")));
        Assert.True(twoMegabytes.Length > 2 * 1024 * 1024);
        using var accepted = await UploadAsync(store, twoMegabytes, dryRun: true);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        using var elsewhere = await store.PostAsync("/api/cart/items", new ByteArrayContent(twoMegabytes) { Headers = { ContentType = new("application/json") } });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, elsewhere.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await store.PostAsync("/api/seller/catalog/imports", new StringContent("x"))).StatusCode);
    }

    [Fact]
    public async Task An_import_can_be_cancelled_and_keeps_what_it_imported()
    {
        using var store = fixture.CreateClient();
        await store.CreateStoreAsync("Cancelled");
        using var queued = await UploadAsync(store, Encoding.UTF8.GetBytes(Catalog(1_500)), dryRun: false);
        var id = (await queued.ReadJsonAsync()).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.Accepted, (await store.PostAsync($"/api/seller/catalog/imports/{id}/cancel", null)).StatusCode);
        var ended = await WaitAsync(store, id!);
        Assert.Equal("cancelled", ended.GetProperty("status").GetString());
        var processed = ended.GetProperty("processed").GetInt32();
        Assert.True(processed < 1_500, $"{processed} of 1500 imported");
        Assert.Equal(processed, (await ExportRowsAsync(store)).Select(r => r["handle"]).Distinct().Count());
        Assert.Equal(HttpStatusCode.Conflict, (await store.PostAsync($"/api/seller/catalog/imports/{id}/cancel", null)).StatusCode);

        using var other = fixture.CreateClient();
        await other.CreateStoreAsync("Other");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/seller/catalog/imports/{id}")).StatusCode);
    }

    /// <summary>A catalog of <paramref name="products"/> products of 1 to 4 variants, with the text a spreadsheet makes hard.</summary>
    private static string Catalog(int products)
    {
        var rows = new List<Dictionary<string, string>>();
        for (var p = 0; p < products; p++)
        {
            var usd = p % 5 == 0;
            var variants = 1 + p % 4;
            for (var v = 0; v < variants; v++)
            {
                var first = v == 0;
                rows.Add(new Dictionary<string, string>
                {
                    ["handle"] = $"item-{p:D3}",
                    ["title"] = !first ? "" : p == 8 ? "=HYPERLINK(\"http://evil.example\",\"click\")" : $"Café \"{p}\", tostado",
                    ["description"] = first && p % 3 == 0 ? $"Line one, with a comma\nline two of {p}" : "",
                    ["category"] = first ? (p % 2 == 0 ? "coffee" : "tea") : "",
                    ["status"] = first ? (p % 7 == 0 ? "draft" : "published") : "",
                    ["currency"] = first ? (usd ? "USD" : "CLP") : "",
                    ["price"] = first ? (usd ? $"{10 + p % 9}.{p % 10}0" : (4_990 + p).ToString(CultureInfo.InvariantCulture)) : "",
                    ["sku"] = $"ITEM-{p:D3}-{v}",
                    ["options"] = $"size={250 * (v + 1)} g; grind={(v % 2 == 0 ? "whole" : "ground")}",
                    ["variant_price"] = v == 2 ? (usd ? "25.00" : "15990") : "",
                    ["stock"] = (p * 3 + v) % 40 + "",
                    ["images"] = "",
                    ["attributes"] = first && p % 4 == 0 ? "origin=Huila; roast=-medium" : "",
                });
            }
        }

        return ToCsv(rows);
    }

    private static string ToCsv(IEnumerable<Dictionary<string, string>> rows)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, null, true))
        {
            csv.WriteHeader(Header.Split(','));
            foreach (var row in rows)
            {
                csv.WriteRecord(Header.Split(',').Select(c => row.GetValueOrDefault(c) ?? "").ToArray());
            }
        }

        return text.ToString();
    }

    private static List<Dictionary<string, string>> Parse(string file)
    {
        using var csv = CsvReader.Create(new StringReader(file), new CsvReaderOptions { HasHeader = false }, false);
        var rows = new List<Dictionary<string, string>>();
        string[]? header = null;
        while (csv.Read())
        {
            var cells = Enumerable.Range(0, csv.FieldCount).Select(i => csv.GetString(i)).ToArray();
            if (header is null)
            {
                header = cells;
                continue;
            }

            rows.Add(header.Zip(cells).ToDictionary(p => p.First, p => p.Second));
        }

        return rows;
    }

    /// <summary>Rows as comparable text: the formula cell as the file wrote it (export adds the apostrophe), sorted by handle and SKU.</summary>
    private static List<string> Normalized(List<Dictionary<string, string>> rows) => rows
        .Select(r => string.Join("|", Header.Split(',').Select(c => c == "title" && r[c].StartsWith("'=", StringComparison.Ordinal) ? r[c][1..] : r[c])))
        .Order(StringComparer.Ordinal)
        .ToList();

    private static async Task<List<Dictionary<string, string>>> ExportRowsAsync(HttpClient store)
    {
        using var response = await store.GetAsync("/api/seller/catalog/export");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        return Parse(await response.Content.ReadAsStringAsync());
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient store, byte[] file, bool dryRun)
    {
        var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(content, "file", "catalog.csv");
        return await store.PostAsync($"/api/seller/catalog/imports?dryRun={(dryRun ? "true" : "false")}", form);
    }

    private static async Task<JsonElement> ImportAsync(HttpClient store, string file, bool dryRun = false)
    {
        using var queued = await UploadAsync(store, Encoding.UTF8.GetBytes(file), dryRun);
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        return await WaitAsync(store, (await queued.ReadJsonAsync()).GetProperty("id").GetString()!);
    }

    private static async Task<JsonElement> WaitAsync(HttpClient store, string id)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var status = await store.GetFromJsonAsync<JsonElement>($"/api/seller/catalog/imports/{id}");
            if (status.GetProperty("status").GetString() is "done" or "failed" or "cancelled")
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, "The import did not end: " + status);
            await Task.Delay(100);
        }
    }

    private static List<(int Line, string? Column, string Message)> Errors(JsonElement status) => status.GetProperty("errors").EnumerateArray()
        .Select(e => (e.GetProperty("line").GetInt32(), e.GetProperty("column").GetString(), e.GetProperty("message").GetString()!))
        .ToList();
}
