using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Marketplace.Testing;

namespace Marketplace.System.Tests;

/// <summary>
/// <c>./marketplace up</c> itself, run as a person runs it: it keeps the installation running as an orchestrator would
/// (a killed silo comes back, a paused PostgreSQL is waited out) while shoppers buy; installations run side by side on
/// their own ports; a process that refuses its configuration stops <c>up</c> with the reason on its output. Each test
/// ends by stopping <c>up</c> with SIGTERM and finding none of its processes left.
/// </summary>
public sealed class UpTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan PaymentTimeout = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task Up_restarts_a_killed_silo_and_waits_out_a_paused_postgres_while_shoppers_check_out()
    {
        var clock = Stopwatch.StartNew();
        await using var up = MarketplaceUp.Start("supervise", ["--silos", "3", "--no-demo"], silos: 3, CheckoutLoad.UpSettings(PaymentTimeout));
        await up.WaitRunningAsync(StartTimeout);
        output.WriteLine($"up with 3 silos running after {clock.Elapsed.TotalSeconds:F1} s");
        await using var database = TestDatabase.Attach(up.ConnectionString);
        using var http = new HttpClient { BaseAddress = up.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var (products, tokens) = await ProcessCluster.OpenShopAsync(http, products: 4, stock: 500, shoppers: 6);

        var load = CheckoutLoad.Start(up.BaseAddress, tokens, products);
        await CheckoutLoad.WhileAsync(() => load.Count("paid") < 10, TimeSpan.FromSeconds(30));
        var killed = up.ProcessId("silo 2");
        Assert.True(Signals.Send(killed, Signals.Kill));
        await up.WaitForOutputAsync(new Regex($@"silo 2 \(pid {killed}\) exited with status 137 \(killed by SIGKILL\).*; restarting in 1 s"), TimeSpan.FromSeconds(10));
        output.WriteLine($"killed silo 2 (pid {killed}) after {load.Count("placed")} placed checkouts; up reported it");

        // A paused server still exists: up must wait, not take it for dead; the restarted silo waits for it too.
        await up.PausePostgresAsync(TimeSpan.FromSeconds(5));
        output.WriteLine($"PostgreSQL paused for 5 s (SIGSTOP, SIGCONT) after {load.Count("placed")} placed checkouts");
        var back = Stopwatch.StartNew();
        await up.WaitForOutputAsync(new Regex(@"silo 2 is ready again \(pid \d+\)"), TimeSpan.FromSeconds(90));
        var restarted = up.ProcessId("silo 2");
        output.WriteLine($"silo 2 ready again as pid {restarted}, {back.Elapsed.TotalSeconds:F1} s after PostgreSQL went on");
        Assert.NotEqual(killed, restarted);
        var placedBefore = load.Count("placed");
        await CheckoutLoad.WhileAsync(() => load.Count("placed") < placedBefore + 15, TimeSpan.FromSeconds(30));
        await load.StopAsync();
        output.WriteLine("load: " + load.Summary);

        Assert.False(up.HasExited, up.Output);
        Assert.DoesNotContain("PostgreSQL is not running", up.Output);
        Assert.Single(Regex.Matches(up.Output, @"exited with status"));
        var orderIds = load.OrderIds();
        Assert.True(orderIds.Count > 20, $"only {orderIds.Count} orders were placed");
        Assert.True(load.Count("paid") > 10, $"only {load.Count("paid")} payments completed");
        await CheckoutLoad.AssertSettledAsync(database, orderIds, PaymentTimeout);
        await CheckoutLoad.AssertUnitsConservedAsync(database);
        await CheckoutLoad.AssertLedgerHoldsAsync(database);
        Assert.Equal(3L, await database.ScalarAsync<long>("SELECT count(*) FROM orleans_membership WHERE status = 3"));
        output.WriteLine($"checked: {orderIds.Count} answered orders settled, units conserved; " + await database.ScalarAsync<string>(
            "SELECT string_agg(status || ' ' || n, ', ' ORDER BY status) FROM (SELECT status, count(*) n FROM order_listings GROUP BY status) s"));

        await StopAndFindNothingLeftAsync(up);
        output.WriteLine($"whole test: {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task A_process_refusing_its_configuration_stops_up_with_the_reason_on_its_output()
    {
        var clock = Stopwatch.StartNew();
        // The password holds the email's local part, which the password rules refuse.
        await using var up = MarketplaceUp.Start("refusal", ["--no-demo"], environment: new Dictionary<string, string>
        {
            ["MARKETPLACE_ADMIN_EMAIL"] = "carmen@example.com",
            ["MARKETPLACE_ADMIN_PASSWORD"] = "carmen-winter-2026",
        });
        var exitCode = await up.WaitForExitAsync(StartTimeout);
        output.WriteLine(up.Output);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("web host 1 exited during start-up with status 1", up.Output);
        Assert.Contains("Start-up refused: MARKETPLACE_ADMIN_PASSWORD is refused for the first admin carmen@example.com: " +
                        "Do not use your email address in the password.", up.Output);
        Assert.DoesNotContain("Marketplace is running", up.Output);
        await StopAndFindNothingLeftAsync(up);
        output.WriteLine($"whole test: {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task Two_installations_with_their_own_port_and_data_folder_run_side_by_side()
    {
        var clock = Stopwatch.StartNew();
        await using var first = MarketplaceUp.Start("side-a", ["--no-demo"]);
        await using var second = MarketplaceUp.Start("side-b", ["--no-demo"]);
        await Task.WhenAll(first.WaitRunningAsync(StartTimeout), second.WaitRunningAsync(StartTimeout));
        output.WriteLine($"both running after {clock.Elapsed.TotalSeconds:F1} s, on {first.Port} and {second.Port}");
        Assert.NotEqual(first.Port, second.Port);

        // A store made on one is not on the other: each answers from its own database.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        http.BaseAddress = first.BaseAddress;
        var sellerId = await http.CreateStoreAsync();
        foreach (var (up, expected) in new[] { (first, HttpStatusCode.OK), (second, HttpStatusCode.NotFound) })
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(up.BaseAddress, "/health/ready"))).StatusCode);
            Assert.Equal(expected, (await http.GetAsync(new Uri(up.BaseAddress, $"/api/sellers/{sellerId}"))).StatusCode);
            await using var database = TestDatabase.Attach(up.ConnectionString);
            // One silo in each membership table: neither joined the other's cluster.
            Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM orleans_membership WHERE status = 3"));
            output.WriteLine(Regex.Match(up.Output, @"silo 1 starting \([^)]*\)").Value);
        }

        await StopAndFindNothingLeftAsync(first);
        // The other carries on after its neighbour stopped.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(second.BaseAddress, "/health/ready"))).StatusCode);
        await StopAndFindNothingLeftAsync(second);
        output.WriteLine($"whole test: {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>SIGTERM to <c>up</c>: it exits once its processes and its PostgreSQL are stopped, and none is left.</summary>
    private async Task StopAndFindNothingLeftAsync(MarketplaceUp up)
    {
        var stopping = Stopwatch.StartNew();
        var wasRunning = !up.HasExited;
        var exitCode = await up.StopAsync();
        output.WriteLine($"up stopped {stopping.Elapsed.TotalSeconds:F1} s after SIGTERM with {exitCode}");
        if (wasRunning)
        {
            Assert.Equal(0, exitCode);
            Assert.Contains("[marketplace] stopping PostgreSQL", up.Output);
        }

        // The last server processes may take a moment to be gone after PostgreSQL's stop returned.
        var leftovers = up.Leftovers();
        for (var wait = Stopwatch.StartNew(); leftovers.Count > 0 && wait.Elapsed < TimeSpan.FromSeconds(10); leftovers = up.Leftovers())
        {
            await Task.Delay(100);
        }

        Assert.Empty(leftovers);
    }

}
