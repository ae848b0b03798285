using System.Net;
using System.Text.Json;
using Marketplace.Testing;

namespace Marketplace.System.Tests;

/// <summary>
/// The warehouse's ETL across a crash: the only silo, which holds the warehouse, is killed with SIGKILL in the middle of
/// a rebuild and started again under the same name (so it reopens the same, half-loaded file). The run after it resumes
/// from the marks the file kept, and in the end every order, line and event of PostgreSQL is in the warehouse exactly
/// once: row counts equal, and the marketplace's GMV report equals the same sum in SQL.
/// </summary>
public sealed class WarehouseCrashTests(ITestOutputHelper output)
{
    private static readonly TimeSpan PaymentTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Killing_the_warehouse_silo_during_a_load_leaves_every_order_step_in_the_warehouse_exactly_once()
    {
        await using var database = await TestDatabase.CreateAsync("warehousecrash");
        // History large enough that loading it takes several seconds.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await new InsightsWorkload("crash", 40_000, Stores: 20, Buyers: 4000, ProductsPerStore: 30, today.AddDays(-60), Days: 59)
            .WriteAsync(database.DataSource, TestContext.Current.CancellationToken);
        await using var cluster = await ProcessCluster.StartAsync("warehousecrash", database.ConnectionString, siloSettings: new Dictionary<string, string>
        {
            ["Orders__PaymentTimeout"] = PaymentTimeout.ToString(),
            ["Orders__RetryDelay"] = "00:00:01",
        });
        var silo = cluster.StartSilo("silo-1");
        var web = cluster.StartWebHost("web-1", new Dictionary<string, string>
        {
            ["MARKETPLACE_ADMIN_EMAIL"] = TestSecrets.AdminEmail,
            ["MARKETPLACE_ADMIN_PASSWORD"] = TestSecrets.AdminPassword,
            ["Auth__RequireTwoFactorForAdmins"] = "false",
        });
        await ProcessCluster.WaitReadyAsync(silo, web);
        using var http = new HttpClient { BaseAddress = web.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var admin = await http.LoginAsync(TestSecrets.AdminEmail, TestSecrets.AdminPassword);

        // Real orders too, whose steps come from their grains' state.
        var shop = await ProcessCluster.OpenStoreAsync(http, 3, 300, 4);
        var load = CheckoutLoad.Start(web.BaseAddress, shop.Tokens, shop.Products);
        await Task.Delay(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        await load.StopAsync();
        Assert.True(load.OrderIds().Count > 5, load.Summary);
        await CheckoutLoad.AssertSettledAsync(database, load.OrderIds(), PaymentTimeout);

        var (started, _) = await http.SendAsync(admin, HttpMethod.Post, "/api/admin/etl/run", new { rebuild = true });
        Assert.Equal(HttpStatusCode.Accepted, started);
        var partial = await UntilAsync(http, admin, s => s.GetProperty("running").GetBoolean() && Rows(s, "fact_event") > 0, TimeSpan.FromSeconds(60));
        output.WriteLine($"killing {silo.Name} with {Rows(partial, "fact_event")} events and {Rows(partial, "fact_order")} orders loaded");
        await silo.KillAsync();

        var again = cluster.StartSilo("silo-1");
        await ProcessCluster.WaitReadyAsync(again);
        await UntilAsync(http, admin, s => s.GetProperty("silo").GetString() == "silo-1", TimeSpan.FromSeconds(60));
        var resumed = await UntilAsync(http, admin, s => !s.GetProperty("running").GetBoolean(), TimeSpan.FromSeconds(5));
        Assert.True(Rows(resumed, "fact_event") >= Rows(partial, "fact_event"), "The file lost what was committed before the kill.");
        (started, _) = await http.SendAsync(admin, HttpMethod.Post, "/api/admin/etl/run", new { rebuild = false });
        Assert.Equal(HttpStatusCode.Accepted, started);
        var done = await UntilAsync(http, admin, s => !s.GetProperty("running").GetBoolean()
            && s.GetProperty("lastRun").ValueKind == JsonValueKind.Object && !s.GetProperty("lastRun").GetProperty("rebuilt").GetBoolean(), TimeSpan.FromSeconds(120));
        output.WriteLine("after the resumed run: " + done.GetProperty("rows"));

        Assert.Equal(await database.ScalarAsync<long>("SELECT count(*) FROM order_listings"), Rows(done, "fact_order"));
        Assert.Equal(await database.ScalarAsync<long>("SELECT count(*) FROM order_listing_lines"), Rows(done, "fact_order_line"));
        Assert.Equal(await database.ScalarAsync<long>("SELECT (SELECT count(*) FROM order_events) + (SELECT count(*) FROM analytics_events)"),
            Rows(done, "fact_event"));

        // Counted once, not twice: the GMV report over everything equals SQL's sum.
        var (status, gmv) = await http.SendAsync(admin, HttpMethod.Get, $"/api/admin/reports/gmv?from={today.AddDays(-61):yyyy-MM-dd}&to={today:yyyy-MM-dd}&interval=month");
        Assert.Equal(HttpStatusCode.OK, status);
        var points = gmv.GetProperty("series").EnumerateArray().SelectMany(s => s.GetProperty("points").EnumerateArray()).ToList();
        Assert.Equal(await database.ScalarAsync<long>("SELECT count(*) FROM order_listings WHERE paid_at IS NOT NULL"), points.Sum(p => p.GetProperty("orders").GetInt64()));
        Assert.Equal(await database.ScalarAsync<decimal>("SELECT sum(total) FROM order_listings WHERE paid_at IS NOT NULL"), points.Sum(p => p.GetProperty("gmv").GetInt64()));
    }

    private static long Rows(JsonElement status, string table) => status.GetProperty("rows").GetProperty(table).GetInt64();

    private static async Task<JsonElement> UntilAsync(HttpClient http, string token, Func<JsonElement, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var (status, json) = await http.SendAsync(token, HttpMethod.Get, "/api/admin/etl");
            if (status == HttpStatusCode.OK && done(json))
            {
                return json;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The warehouse did not get there in {timeout}: {(int)status} {json}");
            await Task.Delay(200);
        }
    }
}
