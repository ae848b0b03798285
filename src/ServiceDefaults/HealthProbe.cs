namespace Marketplace.ServiceDefaults;

/// <summary>
/// <c>--health-probe URL</c>: asks a health endpoint and exits 0 on a 2xx answer, 1 otherwise. Container images carry no
/// curl or wget, so their HEALTHCHECK runs the process's own binary in this mode.
/// </summary>
public static class HealthProbe
{
    public const string Argument = "--health-probe";

    /// <summary>Runs the probe and ends the process when the arguments ask for it; otherwise returns at once.</summary>
    public static void ExitIfAsked(string[] args)
    {
        if (args is not [Argument, ..])
        {
            return;
        }

        Environment.Exit(args.Length == 2 && Uri.TryCreate(args[1], UriKind.Absolute, out var url) ? Probe(url) : 2);
    }

    private static int Probe(Uri url)
    {
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
            using var response = http.GetAsync(url).GetAwaiter().GetResult();
            Console.WriteLine($"{url} answered {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.WriteLine($"{url} did not answer: {e.Message}");
            return 1;
        }
    }
}
