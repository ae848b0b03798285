using System.Globalization;
using System.IO.Compression;
using CsvHelper;
using Marketplace.Grains.Questions;
using Marketplace.Grains.Reviews;
using Marketplace.Grains.Storage;
using Npgsql;

namespace Marketplace.Grains.Insights;

/// <summary>How many rows each file of a graph export holds (nodes or relationships).</summary>
public sealed record GraphExportCounts(IReadOnlyDictionary<string, int> Files);

/// <summary>
/// The monthly graph export: a zip of CSV files in the openCypher bulk-import layout (Neo4j's <c>neo4j-admin database
/// import</c> reads it as is; the headers name each node file's id space and label, and each relationship file's start,
/// end and type). Nodes: the customers, orders, questions and reviews of the month, with every store, listed product
/// and category; relationships: PLACED, CONTAINS, SOLD_BY, BOUGHT (paid orders), SELLS, IN_CATEGORY, ASKED, ABOUT,
/// REVIEWED, REVIEW_OF. Customers are ids only: no names or addresses leave the marketplace this way.
/// </summary>
public sealed class GraphExport(NpgsqlDataSource db)
{
    /// <summary>The files of an export, nodes first (an import reads them in this order).</summary>
    public static readonly IReadOnlyList<string> FileNames =
    [
        "customers.csv", "stores.csv", "products.csv", "categories.csv", "orders.csv", "questions.csv", "reviews.csv",
        "placed.csv", "contains.csv", "sold_by.csv", "bought.csv", "sells.csv", "in_category.csv", "asked.csv", "about.csv",
        "reviewed.csv", "review_of.csv",
    ];

    public async Task<GraphExportCounts> WriteAsync(DateOnly month, Stream zip, CancellationToken ct = default)
    {
        var from = new DateTimeOffset(month.Year, month.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var until = from.AddMonths(1);
        var graph = new Graph();
        await ReadCatalogAsync(graph, ct);
        await ReadOrdersAsync(graph, from, until, ct);
        await ReadFeedbackAsync(graph, from, until, ct);

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        using var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true);
        void Write(string name, string[] header, IEnumerable<string[]> rows)
        {
            using var stream = archive.CreateEntry(name, CompressionLevel.Optimal).Open();
            using var csv = CsvWriter.Create(stream, null, true);
            csv.WriteHeader(header);
            var count = 0;
            foreach (var row in rows)
            {
                csv.WriteRecord(row);
                count++;
            }

            counts[name] = count;
        }

        static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

        Write("customers.csv", ["customerId:ID(Customer)", ":LABEL"], graph.Customers.Order(StringComparer.Ordinal).Select(c => new[] { c, "Customer" }));
        Write("stores.csv", ["storeId:ID(Store)", "name", "status", ":LABEL"],
            graph.Stores.Values.OrderBy(s => s.Id, StringComparer.Ordinal).Select(s => new[] { s.Id, s.Name, s.Status, "Store" }));
        Write("products.csv", ["productId:ID(Product)", "title", "price:long", "currency", ":LABEL"],
            graph.Products.Values.OrderBy(p => p.Id, StringComparer.Ordinal).Select(p => new[] { p.Id, p.Title, Number(p.Price), p.Currency, "Product" }));
        Write("categories.csv", ["name:ID(Category)", ":LABEL"],
            graph.Products.Values.Select(p => p.Category).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
                .Select(c => new[] { c, "Category" }));
        Write("orders.csv", ["orderId:ID(Order)", "status", "total:long", "currency", "placedAt:datetime", ":LABEL"],
            graph.Orders.Select(o => new[] { o.Id, o.Status, Number(o.Total), o.Currency, Time(o.PlacedAt), "Order" }));
        Write("questions.csv", ["questionId:ID(Question)", "text", "askedAt:datetime", "answered:boolean", ":LABEL"],
            graph.Questions.Select(q => new[] { q.Id, q.Text, Time(q.At), q.Answered ? "true" : "false", "Question" }));
        Write("reviews.csv", ["reviewId:ID(Review)", "rating:int", "text", "createdAt:datetime", ":LABEL"],
            graph.Reviews.Select(r => new[] { r.Id, Number(r.Rating), r.Text, Time(r.At), "Review" }));

        Write("placed.csv", [":START_ID(Customer)", ":END_ID(Order)", ":TYPE"], graph.Orders.Select(o => new[] { o.BuyerId, o.Id, "PLACED" }));
        Write("contains.csv", [":START_ID(Order)", ":END_ID(Product)", "quantity:int", ":TYPE"],
            graph.Lines.Select(l => new[] { l.OrderId, l.ProductId, Number(l.Quantity), "CONTAINS" }));
        Write("sold_by.csv", [":START_ID(Order)", ":END_ID(Store)", ":TYPE"], graph.Orders.Select(o => new[] { o.Id, o.SellerId, "SOLD_BY" }));
        Write("bought.csv", [":START_ID(Customer)", ":END_ID(Product)", "orderId", "quantity:int", ":TYPE"],
            graph.Lines.Where(l => l.Paid).Select(l => new[] { l.BuyerId, l.ProductId, l.OrderId, Number(l.Quantity), "BOUGHT" }));
        Write("sells.csv", [":START_ID(Store)", ":END_ID(Product)", ":TYPE"],
            graph.Products.Values.Where(p => graph.Stores.ContainsKey(p.SellerId)).OrderBy(p => p.Id, StringComparer.Ordinal)
                .Select(p => new[] { p.SellerId, p.Id, "SELLS" }));
        Write("in_category.csv", [":START_ID(Product)", ":END_ID(Category)", ":TYPE"],
            graph.Products.Values.Where(p => p.Category.Length > 0).OrderBy(p => p.Id, StringComparer.Ordinal).Select(p => new[] { p.Id, p.Category, "IN_CATEGORY" }));
        Write("asked.csv", [":START_ID(Customer)", ":END_ID(Question)", ":TYPE"], graph.Questions.Select(q => new[] { q.AuthorId, q.Id, "ASKED" }));
        Write("about.csv", [":START_ID(Question)", ":END_ID(Product)", ":TYPE"], graph.Questions.Select(q => new[] { q.Id, q.ProductId, "ABOUT" }));
        Write("reviewed.csv", [":START_ID(Customer)", ":END_ID(Review)", ":TYPE"], graph.Reviews.Select(r => new[] { r.AuthorId, r.Id, "REVIEWED" }));
        Write("review_of.csv", [":START_ID(Review)", ":END_ID(Product)", ":TYPE"], graph.Reviews.Select(r => new[] { r.Id, r.ProductId, "REVIEW_OF" }));

        using (var readme = new StreamWriter(archive.CreateEntry("import.txt").Open()))
        {
            await readme.WriteAsync(ImportNote(month));
        }

        return new GraphExportCounts(counts);
    }

    private static string ImportNote(DateOnly month) => $"""
        Marketplace graph export for {month:yyyy-MM}: openCypher CSV files for a bulk import. With Neo4j 5:

          neo4j-admin database import full marketplace \
            --nodes=customers.csv --nodes=stores.csv --nodes=products.csv --nodes=categories.csv --nodes=orders.csv \
            --nodes=questions.csv --nodes=reviews.csv \
            --relationships=placed.csv --relationships=contains.csv --relationships=sold_by.csv --relationships=bought.csv \
            --relationships=sells.csv --relationships=in_category.csv --relationships=asked.csv --relationships=about.csv \
            --relationships=reviewed.csv --relationships=review_of.csv

        Orders, questions and reviews are those of the month; stores, products and categories are as they were at the export.

        """;

    private async Task ReadCatalogAsync(Graph graph, CancellationToken ct)
    {
        await using (var stores = db.CreateCommand("SELECT seller_id, name, status FROM store_directory"))
        await using (var reader = await stores.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                graph.Stores[reader.GetString(0)] = new StoreNode(reader.GetString(0), reader.GetString(1), reader.GetString(2));
            }
        }

        await using (var products = db.CreateCommand("SELECT product_id, seller_id, title, category, price, currency FROM search_products"))
        await using (var reader = await products.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                graph.Products[reader.GetString(0)] = new ProductNode(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetString(5));
            }
        }
    }

    private async Task ReadOrdersAsync(Graph graph, DateTimeOffset from, DateTimeOffset until, CancellationToken ct)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT order_id, buyer_id, seller_id, status, total, currency, placed_at, paid_at IS NOT NULL
            FROM order_listings WHERE placed_at >= $1 AND placed_at < $2 ORDER BY order_id
            """) { Parameters = { new() { Value = from.UtcDateTime }, new() { Value = until.UtcDateTime } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT l.order_id, l.product_id, l.title, l.quantity, l.unit_price, o.currency, o.seller_id
            FROM order_listing_lines l JOIN order_listings o USING (order_id)
            WHERE o.placed_at >= $1 AND o.placed_at < $2 ORDER BY l.order_id, l.line_no
            """) { Parameters = { new() { Value = from.UtcDateTime }, new() { Value = until.UtcDateTime } } });
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var paid = new Dictionary<string, (string Buyer, bool Paid)>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            var order = new OrderNode(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4),
                reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6));
            graph.Orders.Add(order);
            graph.Customers.Add(order.BuyerId);
            graph.AddStore(order.SellerId);
            paid[order.Id] = (order.BuyerId, reader.GetBoolean(7));
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var (orderId, productId) = (reader.GetString(0), reader.GetString(1));
            // A product no longer listed still appears, named as the order named it.
            graph.Products.TryAdd(productId, new ProductNode(productId, reader.GetString(6), reader.GetString(2), "", reader.GetInt64(4), reader.GetString(5)));
            graph.Lines.Add(new LineEdge(orderId, paid[orderId].Buyer, productId, reader.GetInt32(3), paid[orderId].Paid));
        }
    }

    private async Task ReadFeedbackAsync(Graph graph, DateTimeOffset from, DateTimeOffset until, CancellationToken ct)
    {
        await foreach (var (productId, state) in StatesAsync<QuestionsState>("questions", ct))
        {
            foreach (var q in state.Questions.Where(q => !q.Hidden && q.AskedAt >= from && q.AskedAt < until))
            {
                graph.Questions.Add(new QuestionNode(q.QuestionId, productId, q.AskerId, q.Text, q.AskedAt, q.Answer is not null));
                graph.Customers.Add(q.AskerId);
                graph.Products.TryAdd(productId, new ProductNode(productId, state.SellerId, state.ProductTitle, "", 0, ""));
            }
        }

        await foreach (var (productId, state) in StatesAsync<ReviewsState>("reviews", ct))
        {
            foreach (var r in state.Reviews.Where(r => r.CreatedAt >= from && r.CreatedAt < until))
            {
                graph.Reviews.Add(new ReviewNode(r.ReviewId, productId, r.AuthorId, r.Rating, r.Text, r.CreatedAt));
                graph.Customers.Add(r.AuthorId);
                graph.Products.TryAdd(productId, new ProductNode(productId, state.SellerId, state.ProductTitle, "", 0, ""));
            }
        }

        graph.Questions.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        graph.Reviews.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
    }

    private async IAsyncEnumerable<(string Key, T State)> StatesAsync<T>(string stateName, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        where T : class
    {
        await using var command = db.CreateCommand("SELECT grain_key, payload FROM grain_states WHERE grain_type = $1");
        command.Parameters.Add(new() { Value = stateName });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return (reader.GetString(0), StateJson.Deserialize<T>(reader.GetString(1)));
        }
    }

    private sealed class Graph
    {
        public HashSet<string> Customers { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, StoreNode> Stores { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, ProductNode> Products { get; } = new(StringComparer.Ordinal);

        public List<OrderNode> Orders { get; } = [];

        public List<LineEdge> Lines { get; } = [];

        public List<QuestionNode> Questions { get; } = [];

        public List<ReviewNode> Reviews { get; } = [];

        /// <summary>A store an order names that the directory no longer lists still gets a node.</summary>
        public void AddStore(string sellerId) => Stores.TryAdd(sellerId, new StoreNode(sellerId, "", "unknown"));
    }

    private sealed record StoreNode(string Id, string Name, string Status);

    private sealed record ProductNode(string Id, string SellerId, string Title, string Category, long Price, string Currency);

    private sealed record OrderNode(string Id, string BuyerId, string SellerId, string Status, long Total, string Currency, DateTimeOffset PlacedAt);

    private sealed record LineEdge(string OrderId, string BuyerId, string ProductId, int Quantity, bool Paid);

    private sealed record QuestionNode(string Id, string ProductId, string AuthorId, string Text, DateTimeOffset At, bool Answered);

    private sealed record ReviewNode(string Id, string ProductId, string AuthorId, int Rating, string Text, DateTimeOffset At);
}
