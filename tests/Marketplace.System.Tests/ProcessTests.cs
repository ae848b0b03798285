using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Testing;

namespace Marketplace.System.Tests;

/// <summary>Real silo and web host processes, started from the build as ./marketplace up starts them.</summary>
public sealed class ProcessTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Data_written_through_the_api_survives_stopping_and_starting_every_process()
    {
        await using var database = await TestDatabase.CreateAsync("restart");
        const string ClusterId = "restart-test";
        string sellerId;
        string productId;

        await using (var silo = ProcessHost.StartSilo("silo-1", database.ConnectionString, ClusterId))
        await using (var web = ProcessHost.StartWebHost("web-1", database.ConnectionString, ClusterId))
        {
            await silo.WaitReadyAsync(StartTimeout);
            await web.WaitReadyAsync(StartTimeout);
            using var http = new HttpClient { BaseAddress = web.BaseAddress };
            sellerId = await http.CreateStoreAsync();
            productId = await CreateProductAsync(http, sellerId, stock: 20);
            (await http.PutAsJsonAsync($"/api/products/{productId}/stock", new { items = new[] { new { sku = "CAFE-250", onHand = 13 } } }))
                .EnsureSuccessStatusCode();

            await web.StopAsync();
            await silo.StopAsync();
        }

        await using (var silo = ProcessHost.StartSilo("silo-1", database.ConnectionString, ClusterId))
        await using (var web = ProcessHost.StartWebHost("web-1", database.ConnectionString, ClusterId))
        {
            await silo.WaitReadyAsync(StartTimeout);
            await web.WaitReadyAsync(StartTimeout);
            using var http = new HttpClient { BaseAddress = web.BaseAddress };
            var store = await ReadAsync(http, $"/api/sellers/{sellerId}");
            Assert.Equal("Café Ana", store.GetProperty("name").GetString());
            Assert.Equal(1, store.GetProperty("productCount").GetInt32());
            var product = await ReadAsync(http, $"/api/products/{productId}");
            Assert.Equal(13, product.GetProperty("variants")[0].GetProperty("available").GetInt32());
            Assert.Equal("Café de Colombia", product.GetProperty("title").GetString());
        }
    }

    [Fact]
    public async Task Asked_for_json_logs_each_line_is_a_json_object_and_a_request_logs_its_trace_id()
    {
        await using var database = await TestDatabase.CreateAsync("jsonlogs");
        const string ClusterId = "json-logs-test";
        var json = new Dictionary<string, string>
        {
            ["Logging__Format"] = "json",
            ["Logging__LogLevel__Microsoft.AspNetCore.Routing.EndpointMiddleware"] = "Information",
        };
        await using var silo = ProcessHost.StartSilo("silo-1", database.ConnectionString, ClusterId, json);
        await silo.WaitReadyAsync(StartTimeout);
        await using var web = ProcessHost.StartWebHost("web-1", database.ConnectionString, ClusterId, json);
        await web.WaitReadyAsync(StartTimeout);

        var traceId = Convert.ToHexStringLower(global::System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        using var http = new HttpClient { BaseAddress = web.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/search?q=cafe");
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);

        string[] lines = [];
        for (var wait = 0; wait < 50 && !lines.Any(l => l.Contains(traceId, StringComparison.Ordinal)); wait++)
        {
            await Task.Delay(100);
            lines = web.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        foreach (var process in new[] { silo, web })
        {
            var output = process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.NotEmpty(output);
            Assert.All(output, line => Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(line).RootElement.ValueKind));
        }

        var logged = JsonDocument.Parse(Assert.Single(lines, l => l.Contains(traceId, StringComparison.Ordinal)
            && l.Contains("EndpointMiddleware", StringComparison.Ordinal) && l.Contains("Executing", StringComparison.Ordinal))).RootElement;
        Assert.Equal("Information", logged.GetProperty("LogLevel").GetString());
        Assert.Contains(logged.GetProperty("Scopes").EnumerateArray(),
            scope => scope.TryGetProperty("TraceId", out var id) && id.GetString() == traceId);
    }

    [Fact]
    public async Task Two_silos_join_and_requests_keep_working_when_one_is_stopped_with_sigterm()
    {
        await using var database = await TestDatabase.CreateAsync("twosilos");
        const string ClusterId = "two-silos-test";
        await using var first = ProcessHost.StartSilo("silo-1", database.ConnectionString, ClusterId);
        await using var second = ProcessHost.StartSilo("silo-2", database.ConnectionString, ClusterId);
        await first.WaitReadyAsync(StartTimeout);
        await second.WaitReadyAsync(StartTimeout);
        await using var web = ProcessHost.StartWebHost("web-1", database.ConnectionString, ClusterId);
        await web.WaitReadyAsync(StartTimeout);

        Assert.Equal(2L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM orleans_membership WHERE deployment_id = @c AND status = 3", ("c", ClusterId)));

        using var http = new HttpClient { BaseAddress = web.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var sellerId = await http.CreateStoreAsync();
        var products = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            products.Add(await CreateProductAsync(http, sellerId, stock: 10 + i));
        }

        // Keep reading and writing while silo 1 shuts down: every request must still succeed.
        using var stop = new CancellationTokenSource();
        var failures = new List<string>();
        var succeeded = 0;
        var traffic = Task.Run(async () =>
        {
            var round = 0;
            while (!stop.IsCancellationRequested && round < 10_000)
            {
                var productId = products[round % products.Count];
                try
                {
                    var read = await http.GetAsync($"/api/products/{productId}");
                    var write = await http.PutAsJsonAsync($"/api/products/{productId}/stock", new { items = new[] { new { sku = "CAFE-1K", onHand = round % 50 } } });
                    if (read.StatusCode != HttpStatusCode.OK || write.StatusCode != HttpStatusCode.OK)
                    {
                        var detail = $"{(int)read.StatusCode}/{(int)write.StatusCode}: {await write.Content.ReadAsStringAsync()}";
                        lock (failures)
                        {
                            failures.Add(detail);
                        }
                    }
                    else
                    {
                        Interlocked.Increment(ref succeeded);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    lock (failures)
                    {
                        failures.Add(e.Message);
                    }
                }

                round++;
            }
        });

        await Task.Delay(TimeSpan.FromSeconds(2));
        await first.StopAsync(TimeSpan.FromSeconds(90));
        await Task.Delay(TimeSpan.FromSeconds(4));
        await stop.CancelAsync();
        await traffic;

        Assert.True(failures.Count == 0, $"{failures.Count} failed request(s) of {succeeded + failures.Count}: {string.Join(" | ", failures.Take(5))}"
            + $"\n--- web host ---\n{web.Tail(60)}\n--- stopped silo ---\n{first.Tail(40)}");
        Assert.True(succeeded > 20, $"only {succeeded} requests completed");
        Assert.Equal(1L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM orleans_membership WHERE deployment_id = @c AND status = 3", ("c", ClusterId)));
        Assert.Equal(6, await database.ScalarAsync<int>(
            "SELECT status FROM orleans_membership WHERE deployment_id = @c AND silo_name = 'silo-1'", ("c", ClusterId)));

        // Every product is still readable, with its stock, from the remaining silo.
        for (var i = 0; i < products.Count; i++)
        {
            var product = await ReadAsync(http, $"/api/products/{products[i]}");
            Assert.Equal(10 + i, product.GetProperty("variants")[0].GetProperty("available").GetInt32());
        }
    }

    private static Task<string> CreateProductAsync(HttpClient http, string sellerId, int stock) =>
        http.CreateProductAsync(sellerId, new
        {
            title = "Café de Colombia",
            category = "coffee",
            currency = "CLP",
            price = 8990,
            status = "published",
            variants = new object[] { new { sku = "CAFE-250", stock }, new { sku = "CAFE-1K", stock = 3 } },
        });

    private static async Task<JsonElement> ReadAsync(HttpClient http, string path)
    {
        var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
