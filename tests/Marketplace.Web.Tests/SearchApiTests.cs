using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Grains.Catalog;
using Marketplace.Grains.Storage;

namespace Marketplace.Web.Tests;

[Collection(WebCollection.Name)]
public sealed class SearchApiTests(WebFixture fixture)
{
    private readonly HttpClient http = fixture.CreateClient();

    [Fact]
    public async Task Search_ignores_accents_and_case_matches_prefixes_and_filters()
    {
        var store = await CatalogAsync();

        Assert.Equal(["Café de Colombia"], Titles(await SearchAsync($"q=cafe&sellerId={store}")));
        Assert.Equal(["Café de Colombia"], Titles(await SearchAsync($"q=CAFÉ&sellerId={store}")));
        Assert.Equal(["Zapatillas running", "Zapatos de cuero"], Titles(await SearchAsync($"q=zapa&sellerId={store}")).Order());
        Assert.Equal(["Zapatos de cuero"], Titles(await SearchAsync($"q=zapa&sellerId={store}&inStock=true")));
        Assert.Equal(["Zapatillas running"], Titles(await SearchAsync($"q=zapa&sellerId={store}&maxPrice=40000&currency=CLP")));
        Assert.Equal(["Leather boots"], Titles(await SearchAsync($"q=cuero&sellerId={store}&currency=USD")));
        // Attributes and variant options are searchable too.
        Assert.Equal(["Café de Colombia"], Titles(await SearchAsync($"q=huila&sellerId={store}")));
        Assert.Empty(Titles(await SearchAsync($"q=secreto&sellerId={store}")));
    }

    [Fact]
    public async Task Results_are_ranked_sorted_paged_and_come_with_facets()
    {
        var store = await CatalogAsync();

        var byPrice = await SearchAsync($"sellerId={store}&sort=priceAsc");
        Assert.Equal([8990L, 12000, 39990, 45990], byPrice.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("price").GetInt64()));
        var descending = await SearchAsync($"sellerId={store}&sort=priceDesc");
        Assert.Equal(45990, descending.GetProperty("items")[0].GetProperty("price").GetInt64());

        // "cuero" is in one title and in another product's description: the title ranks first.
        Assert.Equal("Zapatos de cuero", Titles(await SearchAsync($"q=cuero&sellerId={store}"))[0]);

        var page2 = await SearchAsync($"sellerId={store}&sort=priceAsc&page=2&pageSize=1");
        Assert.Equal(4, page2.GetProperty("total").GetInt32());
        Assert.Equal(2, page2.GetProperty("page").GetInt32());
        Assert.Equal(["Leather boots"], Titles(page2));

        var faceted = await SearchAsync($"sellerId={store}&category=shoes");
        Assert.Equal(3, faceted.GetProperty("total").GetInt32());
        var categories = faceted.GetProperty("facets").GetProperty("category").EnumerateArray()
            .ToDictionary(f => f.GetProperty("value").GetString()!, f => f.GetProperty("count").GetInt32());
        // The category facet ignores the category filter, so the other choice stays visible with its count.
        Assert.Equal(new Dictionary<string, int> { ["shoes"] = 3, ["coffee"] = 1 }, categories);
        // The seller facet ignores the seller filter too: other stores with shoes may be listed; ours has three.
        var seller = faceted.GetProperty("facets").GetProperty("seller").EnumerateArray()
            .Single(f => f.GetProperty("value").GetString() == store);
        Assert.Equal(3, seller.GetProperty("count").GetInt32());
        Assert.StartsWith("Search store", seller.GetProperty("label").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changes_become_searchable_within_two_seconds()
    {
        var store = await CatalogAsync();
        var product = await CreateAsync(store, "Tetera de hierro", "kitchen", 25990, "CLP", stock: 2);

        var watch = Stopwatch.StartNew();
        using (var put = new HttpRequestMessage(HttpMethod.Put, $"/api/products/{product}")
               {
                   Content = JsonContent.Create(Product("Tetera japonesa de hierro fundido", "kitchen", 25990, "CLP", 2)),
               })
        {
            put.Headers.IfMatch.Add(EntityTagHeaderValue.Any);
            (await http.SendAsync(put)).EnsureSuccessStatusCode();
        }

        while (Titles(await SearchAsync($"q=japonesa&sellerId={store}")).Length == 0 && watch.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(50);
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"searchable after {watch.ElapsedMilliseconds} ms");

        // Selling out and archiving show up as well.
        (await http.PutAsJsonAsync($"/api/products/{product}/stock", new { items = new[] { new { sku = "A", onHand = 0 } } })).EnsureSuccessStatusCode();
        await SearchUntilAsync($"q=japonesa&sellerId={store}", r => !r.GetProperty("items")[0].GetProperty("inStock").GetBoolean());
        (await http.DeleteAsync($"/api/products/{product}")).EnsureSuccessStatusCode();
        await SearchUntilAsync($"q=japonesa&sellerId={store}", r => Titles(r).Length == 0);
    }

    [Fact]
    public async Task A_change_that_commits_after_later_ones_still_reaches_the_index()
    {
        var store = await CatalogAsync();
        var product = (await SearchAsync($"q=colombia&sellerId={store}")).GetProperty("items")[0].GetProperty("productId").GetString()!;

        // A read-model write whose transaction starts first and commits last: its rows carry an older transaction id
        // than changes the index has already taken in.
        await using var slow = await fixture.Database.DataSource.OpenConnectionAsync();
        await using var transaction = await slow.BeginTransactionAsync();
        await using (var update = new Npgsql.NpgsqlCommand(
            "UPDATE search_products SET document = document || ' ''tardio'':1', change_xid = pg_current_xact_id() WHERE product_id = $1",
            slow, transaction))
        {
            update.Parameters.Add(new() { Value = product });
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        var committed = false;
        try
        {
            var later = await CreateAsync(store, "Tetera esmaltada", "kitchen", 19990, "CLP", stock: 1);
            await SearchUntilAsync($"q=esmaltada&sellerId={store}", r => Titles(r).Length == 1);

            await transaction.CommitAsync();
            committed = true;
            await SearchUntilAsync($"q=tardio&sellerId={store}", r => r.GetProperty("items").EnumerateArray()
                .Select(i => i.GetProperty("productId").GetString()).SequenceEqual([product]));
            Assert.NotEqual(product, later);
        }
        finally
        {
            if (!committed)
            {
                await transaction.RollbackAsync();
            }

            // The row was written behind the grain's back; project it from grain state again so the read model stays
            // what a reindex builds (another test compares the two).
            await new ReadModelRebuilder(fixture.Database.DataSource).RebuildAsync(new SearchReadModel());
        }
    }

    [Fact]
    public async Task Products_of_a_suspended_store_disappear_from_search()
    {
        var store = await CatalogAsync();
        using var admin = await fixture.CreateAdminClientAsync();
        (await admin.PostAsJsonAsync($"/api/admin/stores/{store}/suspend", new { reason = "Review" })).EnsureSuccessStatusCode();
        await SearchUntilAsync($"sellerId={store}", r => r.GetProperty("total").GetInt32() == 0);
        (await admin.PostAsync($"/api/admin/stores/{store}/reinstate", null)).EnsureSuccessStatusCode();
        await SearchUntilAsync($"sellerId={store}", r => r.GetProperty("total").GetInt32() == 4);
    }

    [Fact]
    public async Task Reindexing_from_grain_state_gives_exactly_the_incrementally_maintained_read_model()
    {
        await CatalogAsync();
        const string Snapshot = """
            SELECT coalesce(string_agg(concat_ws('|', product_id, seller_id, title, category, currency, price, image_key, in_stock,
                                                 created_at, updated_at, state_version, rating_sum, rating_count, document),
                                       E'\n' ORDER BY product_id), '')
            FROM search_products
            """;
        var incremental = await fixture.Database.ScalarAsync<string>(Snapshot);
        var count = await new ReadModelRebuilder(fixture.Database.DataSource).RebuildAsync(new SearchReadModel());
        var rebuilt = await fixture.Database.ScalarAsync<string>(Snapshot);

        Assert.True(count >= 4);
        Assert.Equal(incremental, rebuilt);
    }

    [Theory]
    [InlineData("sort=cheapest")]
    [InlineData("minPrice=-5")]
    [InlineData("minPrice=10&maxPrice=5")]
    [InlineData("sellerId=123")]
    [InlineData("category=Not%20A%20Category")]
    [InlineData("inStock=maybe")]
    [InlineData("page=abc")]
    [InlineData("page=101&pageSize=100")]
    public async Task Bad_search_parameters_get_a_400_problem(string query)
    {
        var response = await http.GetAsync("/api/search?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Query_text_cannot_inject_tsquery_syntax()
    {
        var response = await http.GetAsync("/api/search?q=" + Uri.EscapeDataString("caf & | ! ( ) :* ' \\ <-> zapa"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>A store of its own with four published products and a draft.</summary>
    private async Task<string> CatalogAsync()
    {
        var store = await http.CreateStoreAsync("Search store " + Guid.NewGuid().ToString("N")[..6]);
        await CreateAsync(store, "Café de Colombia", "coffee", 8990, "CLP", stock: 5,
            description: "Tueste medio, notas de panela", attributes: new() { ["origin"] = "Huila" });
        await CreateAsync(store, "Zapatos de cuero", "shoes", 45990, "CLP", stock: 3);
        await CreateAsync(store, "Zapatillas running", "shoes", 39990, "CLP", stock: 0);
        await CreateAsync(store, "Leather boots", "shoes", 12000, "USD", stock: 1, description: "Botas de cuero for rainy days");
        await CreateAsync(store, "Café secreto", "coffee", 10990, "CLP", stock: 5, status: "draft");
        await SearchUntilAsync($"sellerId={store}", r => r.GetProperty("total").GetInt32() == 4);
        return store;
    }

    private async Task<string> CreateAsync(string store, string title, string category, long price, string currency, int stock,
        string? description = null, Dictionary<string, string>? attributes = null, string status = "published") =>
        await http.CreateProductAsync(store, Product(title, category, price, currency, stock, description, attributes, status));

    private static object Product(string title, string category, long price, string currency, int stock, string? description = null,
        Dictionary<string, string>? attributes = null, string status = "published") => new
        {
            title,
            description,
            category,
            currency,
            price,
            status,
            attributes,
            variants = new object[] { new { sku = "A", options = new { size = "M" }, stock } },
        };

    private async Task<JsonElement> SearchAsync(string query)
    {
        var response = await http.GetAsync("/api/search?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>Searches until the answer satisfies the condition: the index follows the read model within seconds.</summary>
    private async Task<JsonElement> SearchUntilAsync(string query, Func<JsonElement, bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var result = await SearchAsync(query);
            if (condition(result))
            {
                return result;
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(2), $"search for '{query}' did not catch up within 2 s: {result}");
            await Task.Delay(50);
        }
    }

    private static string[] Titles(JsonElement result) =>
        result.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("title").GetString()!).ToArray();
}
