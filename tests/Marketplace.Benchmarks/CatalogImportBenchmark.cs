using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.Testing;

namespace Marketplace.Benchmarks;

/// <summary>
/// A store imports a generated catalog spreadsheet (10,000 rows by default: 5,000 products of two variants) through the
/// real API into a silo and a web host in their own processes, PostgreSQL with fsync on: the time from upload to
/// "done", rows and products per second, CPU per process, database transactions and the size of the store's grain state.
/// Then the same file again (every product unchanged), the export, and the export imported back.
/// </summary>
public static class CatalogImportBenchmark
{
    public static async Task RunAsync(BenchmarkOptions options)
    {
        var rows = options.Products ?? 10_000;
        const int variants = 2;
        var products = rows / variants;
        await using var database = await TestDatabase.CreateAsync("bench_catalog");
        var data = Environment.GetEnvironmentVariable("MARKETPLACE_BENCH_DATA") is { Length: > 0 } folder
            ? folder
            : Path.Combine(TestEnvironment.RepositoryRoot, ".bench-data");
        await using var cluster = await ProcessCluster.StartAsync("catalog", database.ConnectionString, logFolder: Path.Combine(data, "logs"));
        var silo = cluster.StartSilo("silo-1");
        var web = cluster.StartWebHost("web-1");
        await ProcessCluster.WaitReadyAsync(silo, web);
        using var http = new HttpClient { BaseAddress = web.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        var storeId = await http.CreateStoreAsync("Bench Catalog");
        var file = Generate(products, variants);
        Console.WriteLine($"catalog import benchmark: {products:N0} products × {variants} variants = {products * variants:N0} rows " +
                          $"({file.Length / 1048576.0:F1} MB), a silo process and a web host process, {Environment.ProcessorCount} cores");
        var postgres = await PostgresStatistics.ServerProcessIdAsync(database);

        await MeasureAsync("import (all new)", http, database, postgres, silo, web, file, products * variants, storeId);
        await MeasureAsync("the same file again (all unchanged)", http, database, postgres, silo, web, file, products * variants, storeId);

        var clock = Stopwatch.StartNew();
        var exported = await http.GetByteArrayAsync("/api/seller/catalog/export");
        Console.WriteLine($"  export: {clock.Elapsed.TotalSeconds:F1} s, {exported.Length / 1048576.0:F1} MB");
        await MeasureAsync("the export imported back", http, database, postgres, silo, web, exported, products * variants, storeId);
        var state = await database.ScalarAsync<long>($"SELECT octet_length(payload::text)::bigint FROM grain_states WHERE grain_type = 'seller' AND grain_key = '{storeId}'");
        Console.WriteLine($"  the store's grain state: {state / 1024.0:F0} KB (its register of {products:N0} products)");
    }

    private static async Task MeasureAsync(
        string what, HttpClient http, TestDatabase database, int postgres, ProcessHost silo, ProcessHost web, byte[] file, int rows, string storeId)
    {
        var before = await PostgresStatistics.ReadAsync(database);
        var cpu = (Silo: CpuTime.Of(silo.Id), Web: CpuTime.Of(web.Id), Postgres: CpuTime.Tree(postgres));
        var clock = Stopwatch.StartNew();
        using var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(content, "file", "catalog.csv");
        var queued = await (await http.PostAsync("/api/seller/catalog/imports", form)).ReadJsonAsync();
        var id = queued.GetProperty("id").GetString();
        JsonElement status;
        while (true)
        {
            status = await http.GetFromJsonAsync<JsonElement>($"/api/seller/catalog/imports/{id}");
            if (status.GetProperty("status").GetString() is "done" or "failed" or "cancelled")
            {
                break;
            }

            await Task.Delay(100);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var after = await PostgresStatistics.ReadAsync(database);
        Console.WriteLine($"  {what}: {status.GetProperty("status").GetString()} in {seconds:F1} s = {rows / seconds:N0} rows/s, " +
                          $"{status.GetProperty("total").GetInt32() / seconds:N0} products/s (created {status.GetProperty("created")}, updated " +
                          $"{status.GetProperty("updated")}, unchanged {status.GetProperty("unchanged")}, failed {status.GetProperty("failed")}, " +
                          $"{status.GetProperty("errors").GetArrayLength()} errors)");
        Console.WriteLine($"    CPU s: silo {CpuTime.Of(silo.Id) - cpu.Silo:F1}, web host {CpuTime.Of(web.Id) - cpu.Web:F1}, " +
                          $"PostgreSQL {CpuTime.Tree(postgres) - cpu.Postgres:F1}; database transactions {after.Commits - before.Commits:N0} " +
                          $"({(after.Commits - before.Commits) / (double)rows:F2} per row)");
        _ = storeId;
    }

    /// <summary>A catalog of coffee: every product two sizes, prices in pesos, a description with commas and quotes.</summary>
    private static byte[] Generate(int products, int variants)
    {
        var text = new StringBuilder("handle,title,description,category,status,currency,price,sku,options,variant_price,stock\n");
        for (var p = 0; p < products; p++)
        {
            for (var v = 0; v < variants; v++)
            {
                var first = v == 0;
                text.Append(CultureInfo.InvariantCulture, $"cafe-{p:D5},")
                    .Append(first ? $"Café de origen {p}," : ",")
                    .Append(first ? "\"Tueste medio, notas de \"\"cacao\"\" y panela\"," : ",")
                    .Append(first ? "coffee,published,CLP," : ",,,")
                    .Append(first ? (5_000 + p % 100 * 10).ToString(CultureInfo.InvariantCulture) : "")
                    .Append(CultureInfo.InvariantCulture, $",CAFE-{p:D5}-{v},size={250 * (v + 1)} g,")
                    .Append(v == 0 ? "" : (9_000 + p % 100 * 10).ToString(CultureInfo.InvariantCulture))
                    .Append(CultureInfo.InvariantCulture, $",{10 + p % 50}\n");
            }
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
