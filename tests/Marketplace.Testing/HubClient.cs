using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Marketplace.Testing;

/// <summary>One event a hub client received, with the moment it arrived.</summary>
public sealed record HubEvent(string Name, JsonElement Payload, DateTimeOffset ReceivedAt);

/// <summary>
/// A real SignalR .NET client of <c>/hubs/market</c> over WebSockets that records every event it receives. It
/// reconnects by itself and then watches its products again, as the web UI does.
/// </summary>
public sealed class HubClient : IAsyncDisposable
{
    public static readonly string[] EventNames = ["StockChanged", "CartChanged", "Notification", "OrderChanged"];

    private readonly HubConnection connection;
    private readonly Lock gate = new();
    private readonly List<HubEvent> events = [];
    private readonly HashSet<string> watched = new(StringComparer.Ordinal);
    private TaskCompletionSource arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HubClient(string baseUrl, Func<string?> token)
    {
        connection = new HubConnectionBuilder()
            .WithUrl(baseUrl.TrimEnd('/') + "/hubs/market", o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult(token());
            })
            .WithAutomaticReconnect(new ForeverRetry())
            .Build();
        foreach (var name in EventNames)
        {
            connection.On<JsonElement>(name, payload => Record(name, payload));
        }

        connection.Reconnected += async _ =>
        {
            string[] products;
            lock (gate)
            {
                products = [.. watched];
            }

            foreach (var product in products)
            {
                await connection.InvokeAsync("WatchProduct", product);
            }

            await SubscriptionsAsync();
            Reconnections++;
        };
    }

    public HubConnectionState State => connection.State;

    public int Reconnections { get; private set; }

    /// <summary>Connects; throws (for example a 401) when the hub refuses.</summary>
    public static async Task<HubClient> ConnectAsync(string baseUrl, string? token) => await ConnectAsync(baseUrl, () => token);

    public static async Task<HubClient> ConnectAsync(string baseUrl, Func<string?> token)
    {
        var client = new HubClient(baseUrl, token);
        try
        {
            await client.connection.StartAsync();
            // The hub subscribes an account to its own events while the connection starts; this waits for that.
            await client.SubscriptionsAsync();
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }

        return client;
    }

    /// <summary>The topics the hub relays to this connection.</summary>
    public Task<IReadOnlyList<string>> SubscriptionsAsync() => connection.InvokeAsync<IReadOnlyList<string>>("Subscriptions");

    public async Task WatchAsync(string productId)
    {
        await connection.InvokeAsync("WatchProduct", productId);
        lock (gate)
        {
            watched.Add(productId);
        }
    }

    public async Task UnwatchAsync(string productId)
    {
        lock (gate)
        {
            watched.Remove(productId);
        }

        await connection.InvokeAsync("UnwatchProduct", productId);
    }

    public IReadOnlyList<HubEvent> Received(string? name = null)
    {
        lock (gate)
        {
            return events.Where(e => name is null || e.Name == name).ToList();
        }
    }

    /// <summary>Waits for an event of that name matching <paramref name="match"/> (received before or after the call).</summary>
    public async Task<JsonElement> WaitForAsync(string name, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Task next;
            lock (gate)
            {
                if (events.FirstOrDefault(e => e.Name == name && (match is null || match(e.Payload))) is { } found)
                {
                    return found.Payload;
                }

                next = arrived.Task;
            }

            var left = deadline - DateTimeOffset.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"No matching {name} within the timeout; received: {Describe()}");
            }

            await Task.WhenAny(next, Task.Delay(left));
        }
    }

    public async ValueTask DisposeAsync() => await connection.DisposeAsync();

    private void Record(string name, JsonElement payload)
    {
        lock (gate)
        {
            events.Add(new HubEvent(name, payload.Clone(), DateTimeOffset.UtcNow));
            var signal = arrived;
            arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            signal.SetResult();
        }
    }

    private string Describe()
    {
        lock (gate)
        {
            return events.Count == 0 ? "nothing" : string.Join("; ", events.TakeLast(10).Select(e => $"{e.Name} {e.Payload.GetRawText()}"));
        }
    }

    /// <summary>Retries every half second for as long as the test runs (a restarted web host takes a few seconds).</summary>
    private sealed class ForeverRetry : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) => TimeSpan.FromMilliseconds(500);
    }
}
