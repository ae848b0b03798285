using System.IO.Compression;
using CsvHelper;
using Marketplace.Grains.Insights;
using Marketplace.Grains.Questions;
using Marketplace.Grains.Reviews;
using Marketplace.Grains.Storage;
using Marketplace.Testing;

namespace Marketplace.Grains.Tests;

/// <summary>The monthly graph export, parsed back: its nodes and relationships are the database's, in the import layout.</summary>
public sealed class GraphExportTests : IAsyncLifetime
{
    private static readonly DateOnly Month = new(2026, 10, 1);
    private TestDatabase db = null!;

    public async ValueTask InitializeAsync() => db = await TestDatabase.CreateAsync("graph");

    public async ValueTask DisposeAsync() => await db.DisposeAsync();

    [Fact]
    public async Task A_months_export_holds_the_months_orders_questions_and_reviews_and_the_whole_catalog()
    {
        // Orders from mid-September to mid-November: only October's belong to the export.
        await new InsightsWorkload("g", 900, Stores: 6, Buyers: 200, ProductsPerStore: 8, Month.AddDays(-15), Days: 60)
            .WriteAsync(db.DataSource, TestContext.Current.CancellationToken);
        await Execute("""
            INSERT INTO store_directory (seller_id, name, status, product_count, created_at, updated_at, state_version)
            SELECT 'slr_g_' || n, 'Store ' || n, 'active', 8, now(), now(), 1 FROM generate_series(1, 7) n
            """);
        await Execute("""
            INSERT INTO search_products (product_id, seller_id, title, category, currency, price, in_stock, created_at, updated_at, state_version, document)
            SELECT 'prd_g_' || s || '_' || p, 'slr_g_' || s, 'Product ' || p, CASE WHEN p % 2 = 0 THEN 'coffee' ELSE 'tea' END, 'CLP', 1000 * p, true,
                   now(), now(), 1, to_tsvector('simple', 'product')
            FROM generate_series(1, 6) s, generate_series(1, 8) p
            """);
        var october = new DateTimeOffset(2026, 10, 5, 12, 0, 0, TimeSpan.Zero);
        await SaveState("questions", "prd_g_1_1", new QuestionsState
        {
            SellerId = "slr_g_1", ProductTitle = "Product 1",
            Questions =
            [
                new QuestionState { QuestionId = "q1", AskerId = "usr_g_1", Text = "¿Es molido, \"fino\"?", AskedAt = october, Answer = "Sí" },
                new QuestionState { QuestionId = "q2", AskerId = "usr_g_2", Text = "Hidden", AskedAt = october, Hidden = true },
                new QuestionState { QuestionId = "q3", AskerId = "usr_g_3", Text = "September", AskedAt = october.AddMonths(-1) },
            ],
        });
        await SaveState("reviews", "prd_g_2_3", new ReviewsState
        {
            SellerId = "slr_g_2", ProductTitle = "Product 3",
            Reviews =
            [
                new ReviewState { ReviewId = "r1", AuthorId = "usr_new_reviewer", Rating = 5, Text = "Muy bueno, gracias", CreatedAt = october.AddDays(3) },
                new ReviewState { ReviewId = "r2", AuthorId = "usr_g_4", Rating = 2, Text = "November", CreatedAt = october.AddMonths(1) },
            ],
        });

        using var zip = new MemoryStream();
        var counts = await new GraphExport(db.DataSource).WriteAsync(Month, zip, TestContext.Current.CancellationToken);
        var files = Read(zip);

        Assert.Equal(GraphExport.FileNames.Order(), files.Keys.Order());
        Assert.All(files, f => Assert.Equal(counts.Files[f.Key], f.Value.Count - 1));
        const string inMonth = "placed_at >= '2026-10-01' AND placed_at < '2026-11-01'";
        var orders = await Count($"order_listings WHERE {inMonth}");
        Assert.InRange(orders, 300, 600);
        Assert.Equal(orders, Rows(files, "orders.csv"));
        Assert.Equal(orders, Rows(files, "placed.csv"));
        Assert.Equal(orders, Rows(files, "sold_by.csv"));
        Assert.Equal(await Count($"order_listing_lines JOIN order_listings USING (order_id) WHERE {inMonth}"), Rows(files, "contains.csv"));
        Assert.Equal(await Count($"order_listing_lines JOIN order_listings USING (order_id) WHERE {inMonth} AND paid_at IS NOT NULL"), Rows(files, "bought.csv"));
        // Buyers of the month, the one who asked (already a buyer or not) and the new reviewer.
        var customers = await Count($"""
            (SELECT buyer_id FROM order_listings WHERE {inMonth} UNION SELECT 'usr_g_1' UNION SELECT 'usr_new_reviewer') c
            """);
        Assert.Equal(customers, Rows(files, "customers.csv"));
        Assert.Equal(7, Rows(files, "stores.csv"));
        Assert.Equal(await Count("(SELECT product_id FROM search_products UNION SELECT product_id FROM order_listing_lines l JOIN order_listings o USING (order_id) WHERE o.placed_at >= '2026-10-01' AND o.placed_at < '2026-11-01') p"),
            Rows(files, "products.csv"));
        Assert.Equal(48, Rows(files, "sells.csv"));
        Assert.Equal(2, Rows(files, "categories.csv"));
        Assert.Equal(48, Rows(files, "in_category.csv"));
        Assert.Equal((1, 1, 1), (Rows(files, "questions.csv"), Rows(files, "asked.csv"), Rows(files, "about.csv")));
        Assert.Equal((1, 1, 1), (Rows(files, "reviews.csv"), Rows(files, "reviewed.csv"), Rows(files, "review_of.csv")));

        // The import layout: typed headers, and text with commas and quotes kept as it was.
        Assert.Equal(["questionId:ID(Question)", "text", "askedAt:datetime", "answered:boolean", ":LABEL"], files["questions.csv"][0]);
        Assert.Equal(["q1", "¿Es molido, \"fino\"?", "2026-10-05T12:00:00Z", "true", "Question"], files["questions.csv"][1]);
        Assert.Equal([":START_ID(Customer)", ":END_ID(Product)", "orderId", "quantity:int", ":TYPE"], files["bought.csv"][0]);
        // Every relationship ends at nodes the export holds.
        var ids = files.Where(f => f.Value[0][0].Contains(":ID(", StringComparison.Ordinal)).SelectMany(f => f.Value.Skip(1).Select(r => r[0])).ToHashSet();
        Assert.All(files.Where(f => f.Value[0][0].StartsWith(":START_ID", StringComparison.Ordinal)).SelectMany(f => f.Value.Skip(1)),
            r => Assert.True(ids.Contains(r[0]) && ids.Contains(r[1]), string.Join(",", r)));
    }

    private static Dictionary<string, List<string[]>> Read(MemoryStream zip)
    {
        zip.Position = 0;
        using var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
        var files = new Dictionary<string, List<string[]>>(StringComparer.Ordinal);
        foreach (var entry in archive.Entries.Where(e => e.Name.EndsWith(".csv", StringComparison.Ordinal)))
        {
            using var text = new StreamReader(entry.Open());
            using var csv = CsvReader.Create(text, new CsvReaderOptions { HasHeader = false }, false);
            var rows = new List<string[]>();
            while (csv.Read())
            {
                rows.Add(Enumerable.Range(0, csv.FieldCount).Select(i => csv.GetString(i)).ToArray());
            }

            files[entry.Name] = rows;
        }

        Assert.Contains(archive.Entries, e => e.Name == "import.txt");
        return files;
    }

    private static int Rows(Dictionary<string, List<string[]>> files, string name) => files[name].Count - 1;

    private async Task<long> Count(string from) => (await db.ScalarAsync<long>($"SELECT count(*) FROM {from}"));

    private async Task Execute(string sql)
    {
        await using var command = db.DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private async Task SaveState<T>(string stateName, string key, T state)
    {
        await using var command = db.DataSource.CreateCommand("INSERT INTO grain_states (grain_type, grain_key, version, payload) VALUES ($1, $2, 1, $3::json)");
        command.Parameters.Add(new() { Value = stateName });
        command.Parameters.Add(new() { Value = key });
        command.Parameters.Add(new() { Value = StateJson.Serialize(state) });
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
