using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Contracts.Insights;
using Marketplace.Testing;
using Marketplace.Web.Insights;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static Marketplace.Web.Tests.ShopSteps;

namespace Marketplace.Web.Tests;

/// <summary>
/// Page events from real requests, through the warehouse's ETL, to the store's and the admin's reports; and the
/// visitor's say in being recorded.
/// </summary>
[Collection(OrdersWebCollection.Name)]
public sealed class InsightsTests(OrdersWebFixture fixture)
{
    private const string Browser = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

    [Fact]
    public async Task A_store_reads_its_sales_and_funnel_after_the_etl_and_nobody_elses()
    {
        using var store = fixture.CreateClient();
        var owner = await store.RegisterAsync("seller", "Datos del Sur");
        store.UseToken(owner.AccessToken);
        Browse(store);
        (await store.PutAsJsonAsync($"/api/sellers/{owner.SellerId}", new { name = "Datos del Sur", requiresConfirmation = false })).EnsureSuccessStatusCode();
        var productId = await store.CreateProductAsync(owner.SellerId!);

        var (shopper, buyer) = await ShopperAsync(fixture);
        Browse(shopper);
        (await shopper.GetAsync($"/api/products/{productId}")).EnsureSuccessStatusCode();
        (await shopper.GetAsync("/api/search?q=colombia")).EnsureSuccessStatusCode();
        await AddAsync(shopper, productId, "CAFE-250", 2);
        using var placed = await CheckoutAsync(shopper, Guid.NewGuid().ToString("N"));
        placed.EnsureSuccessStatusCode();
        var orderId = (await placed.ReadJsonAsync()).GetProperty("orders")[0].GetProperty("orderId").GetString()!;
        await PayAsync(shopper, orderId);

        // A guest looks twice (one visitor); a browser that asks not to be tracked, a robot and the store's own staff are not counted.
        using var guest = await GuestAsync();
        (await guest.GetAsync($"/api/products/{productId}")).EnsureSuccessStatusCode();
        (await guest.GetAsync($"/api/products/{productId}")).EnsureSuccessStatusCode();
        using var private1 = await GuestAsync();
        private1.DefaultRequestHeaders.Add("Sec-GPC", "1");
        (await private1.GetAsync($"/api/products/{productId}")).EnsureSuccessStatusCode();
        using var robot = fixture.CreateClient();
        robot.DefaultRequestHeaders.UserAgent.ParseAdd("Googlebot/2.1");
        (await robot.GetAsync($"/api/products/{productId}")).EnsureSuccessStatusCode();
        (await store.GetAsync($"/api/products/{productId}")).EnsureSuccessStatusCode();

        // A click on the third search result: recorded, then on to the product's clean address.
        using (var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(fixture.BaseUrl) })
        {
            Browse(browser);
            using var click = await browser.GetAsync($"/products/{productId}/cafe-de-colombia?sq=colombia&sp=3");
            Assert.Equal(HttpStatusCode.Redirect, click.StatusCode);
            Assert.Equal($"/products/{productId}/cafe-de-colombia", click.Headers.Location?.ToString());
        }

        await fixture.Factory.Services.GetRequiredService<EventRecorder>().FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM analytics_events WHERE product_id = @p AND kind = 'searchClick' AND search_query = 'colombia' AND position = 3", ("p", productId)));
        Assert.Equal(3L, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM analytics_events WHERE product_id = @p AND kind = 'productView'", ("p", productId)));
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM analytics_events WHERE visitor_id = @v", ("v", owner.UserId)));
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM analytics_events WHERE visitor_id = @v AND kind = 'search' AND search_query = 'colombia' AND result_count > 0",
            ("v", buyer.UserId)));

        await fixture.Client.GetGrain<IWarehouseGrain>(0).Run();
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        var sales = await store.GetFromJsonAsync<JsonElement>($"/api/seller/reports/sales?from={today}&to={today}&interval=day");
        var point = Assert.Single(sales.GetProperty("series").EnumerateArray());
        Assert.Equal((today, "CLP", 1L, 2L, 17_980L), (point.GetProperty("start").GetString(), point.GetProperty("currency").GetString(),
            point.GetProperty("orders").GetInt64(), point.GetProperty("units").GetInt64(), point.GetProperty("gross").GetInt64()));

        var funnel = await store.GetFromJsonAsync<JsonElement>("/api/seller/reports/funnel");
        var steps = funnel.GetProperty("store");
        Assert.Equal((2L, 1L, 1L, 1L), (steps.GetProperty("views").GetInt64(), steps.GetProperty("carts").GetInt64(),
            steps.GetProperty("orders").GetInt64(), steps.GetProperty("paid").GetInt64()));
        Assert.Equal(productId, funnel.GetProperty("products")[0].GetProperty("productId").GetString());

        var top = await store.GetFromJsonAsync<JsonElement>("/api/seller/reports/top-products");
        Assert.Equal((productId, 17_980L), (top.GetProperty("items")[0].GetProperty("productId").GetString(), top.GetProperty("items")[0].GetProperty("gross").GetInt64()));

        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/api/seller/reports/sales?from={today}&to={today}"))
        {
            request.Headers.Accept.ParseAdd("text/csv");
            using var csv = await store.SendAsync(request);
            Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
            var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Equal(["Start,Currency,Orders,Units,Gross", $"{today},CLP,1,2,17980"], lines);
        }

        // Another store reads its own (empty) figures, whatever it asks for.
        using var other = fixture.CreateClient();
        other.UseToken((await other.RegisterAsync("seller", "Otra Tienda")).AccessToken);
        var theirs = await other.GetFromJsonAsync<JsonElement>($"/api/seller/reports/sales?from={today}&to={today}&sellerId={owner.SellerId}");
        Assert.Empty(theirs.GetProperty("series").EnumerateArray());
        Assert.Equal(0L, (await other.GetFromJsonAsync<JsonElement>("/api/seller/reports/funnel")).GetProperty("store").GetProperty("views").GetInt64());

        using var admin = fixture.CreateClient();
        admin.UseToken(await admin.LoginAsync(TestSecrets.AdminEmail, TestSecrets.AdminPassword));
        var gmv = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/reports/gmv?from={today}&to={today}");
        var clp = gmv.GetProperty("series").EnumerateArray().Single(s => s.GetProperty("currency").GetString() == "CLP");
        Assert.True(clp.GetProperty("points")[0].GetProperty("gmv").GetInt64() >= 17_980);
        var stores = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/reports/stores?from={today}&to={today}&limit=500");
        Assert.Contains(stores.GetProperty("items").EnumerateArray(), s => s.GetProperty("sellerId").GetString() == owner.SellerId);

        foreach (var bad in new[] { "from=2026-13-01", "to=yesterday", "interval=hour", "interval=1", "interval=week,month", "interval=%20week", "from=2026-12-02&to=2026-12-01", "from=2000-01-01&to=2026-01-01" })
        {
            using var refused = await store.GetAsync($"/api/seller/reports/sales?{bad}");
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
    }

    [Fact]
    public async Task An_admin_exports_a_months_graph_and_the_warehouse_as_parquet_and_downloads_them()
    {
        using var admin = fixture.CreateClient();
        admin.UseToken(await admin.LoginAsync(TestSecrets.AdminEmail, TestSecrets.AdminPassword));
        await fixture.Client.GetGrain<IWarehouseGrain>(0).Run();
        var month = DateTime.UtcNow.ToString("yyyy-MM");

        using (var bad = await admin.PostAsJsonAsync("/api/admin/exports/graph", new { month = "2026-13" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        var graph = await FinishedAsync(admin, await admin.PostAsJsonAsync("/api/admin/exports/graph", new { month }));
        var zipFile = Assert.Single(graph.GetProperty("files").EnumerateArray());
        Assert.Equal($"graph-{month}.zip", zipFile.GetProperty("name").GetString());
        await using (var zip = await admin.GetStreamAsync(zipFile.GetProperty("url").GetString()))
        using (var archive = new System.IO.Compression.ZipArchive(zip))
        {
            Assert.Contains(archive.Entries, e => e.Name == "bought.csv");
            using var orders = new StreamReader(archive.GetEntry("orders.csv")!.Open());
            Assert.StartsWith("orderId:ID(Order),", await orders.ReadLineAsync(TestContext.Current.CancellationToken));
        }

        var parquet = await FinishedAsync(admin, await admin.PostAsync("/api/admin/exports/parquet", null));
        var files = parquet.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(Grains.Insights.Warehouse.Tables.Select(t => t + ".parquet").Order(), files.Select(f => f.GetProperty("name").GetString()).Order());
        var facts = await admin.GetByteArrayAsync(files.Single(f => f.GetProperty("name").GetString() == "fact_order.parquet").GetProperty("url").GetString());
        // A Parquet file begins and ends with its magic number.
        Assert.Equal("PAR1", System.Text.Encoding.ASCII.GetString(facts, 0, 4));
        Assert.Equal("PAR1", System.Text.Encoding.ASCII.GetString(facts, facts.Length - 4, 4));
    }

    /// <summary>Follows an accepted export until it is done.</summary>
    private static async Task<JsonElement> FinishedAsync(HttpClient admin, HttpResponseMessage accepted)
    {
        using (accepted)
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            var path = accepted.Headers.Location!.ToString();
            var export = await EventuallyAsync(admin, path, e => e.GetProperty("status").GetString() is "done" or "failed");
            Assert.Equal("done", export.GetProperty("status").GetString());
            return export;
        }
    }

    [Fact]
    public async Task A_visitor_who_opts_out_is_erased_and_no_longer_recorded()
    {
        using var store = fixture.CreateClient();
        var sellerId = await store.CreateStoreAsync("Privada");
        var productId = await store.CreateProductAsync(sellerId);
        using var guest = await GuestAsync();
        (await guest.GetAsync($"/api/products/{productId}")).EnsureSuccessStatusCode();
        var recorder = fixture.Factory.Services.GetRequiredService<EventRecorder>();
        await recorder.FlushAsync(TestContext.Current.CancellationToken);
        var guestId = await fixture.Database.ScalarAsync<string>("SELECT visitor_id FROM analytics_events WHERE product_id = @p", ("p", productId));
        Assert.NotNull(guestId);

        using (var optOut = await guest.PutAsJsonAsync("/api/insights/consent", new { record = false }))
        {
            Assert.Equal(HttpStatusCode.NoContent, optOut.StatusCode);
        }

        (await guest.GetAsync($"/api/products/{productId}")).EnsureSuccessStatusCode();
        await recorder.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM analytics_events WHERE visitor_id = @v", ("v", guestId!)));
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM analytics_erasures WHERE visitor_id = @v", ("v", guestId!)));

        (await guest.PutAsJsonAsync("/api/insights/consent", new { record = true })).EnsureSuccessStatusCode();
        (await guest.GetAsync($"/api/products/{productId}")).EnsureSuccessStatusCode();
        await recorder.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM analytics_events WHERE visitor_id = @v", ("v", guestId!)));
    }

    [Fact]
    public async Task A_deleted_account_takes_its_page_events_with_it_and_cannot_sign_in_again()
    {
        using var store = fixture.CreateClient();
        var sellerId = await store.CreateStoreAsync("Borrar");
        var productId = await store.CreateProductAsync(sellerId);
        var (shopper, account) = await ShopperAsync(fixture);
        Browse(shopper);
        (await shopper.GetAsync($"/api/products/{productId}")).EnsureSuccessStatusCode();
        await fixture.Factory.Services.GetRequiredService<EventRecorder>().FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM analytics_events WHERE visitor_id = @v", ("v", account.UserId)));

        using (var wrong = await shopper.PostAsJsonAsync("/api/me/delete", new { password = "not-my-password-1" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
            Assert.Equal("wrong-password", (await wrong.ReadJsonAsync()).GetProperty("code").GetString());
        }

        using (var sellerDeletes = await store.PostAsJsonAsync("/api/me/delete", new { password = TestSecrets.Password }))
        {
            Assert.Equal(HttpStatusCode.Conflict, sellerDeletes.StatusCode);
        }

        using (var deleted = await shopper.PostAsJsonAsync("/api/me/delete", new { password = TestSecrets.Password }))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM analytics_events WHERE visitor_id = @v", ("v", account.UserId)));
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM analytics_erasures WHERE visitor_id = @v", ("v", account.UserId)));
        using var again = fixture.CreateClient();
        using var login = await again.PostAsJsonAsync("/api/auth/login", new { email = account.Email, password = TestSecrets.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Fact]
    public async Task Events_beyond_a_full_buffer_are_dropped_and_counted_without_waiting()
    {
        var recorder = new EventRecorder(fixture.Database.DataSource, Options.Create(new RecordingOptions { BufferCapacity = 5 }), TimeProvider.System,
            NullLogger<EventRecorder>.Instance);
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        http.Request.Headers.UserAgent = Browser;
        var product = "prd_buffer_" + Guid.NewGuid().ToString("N");

        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
        {
            recorder.Record(http, new PageEvent(PageEventKinds.ProductView, product, "slr_buffer"));
        }

        // Twenty calls into a full buffer return at once (the flusher is not even running here).
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"Recording took {watch.Elapsed}.");
        Assert.Equal(15, recorder.Dropped);
        await recorder.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal(5L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM analytics_events WHERE product_id = @p", ("p", product)));
    }

    private static void Browse(HttpClient http) => http.DefaultRequestHeaders.UserAgent.ParseAdd(Browser);

    private async Task<HttpClient> GuestAsync()
    {
        var guest = fixture.CreateClient();
        Browse(guest);
        var token = (await (await guest.PostAsync("/api/auth/guest", null)).ReadJsonAsync()).GetProperty("accessToken").GetString()!;
        guest.UseToken(token);
        return guest;
    }
}
