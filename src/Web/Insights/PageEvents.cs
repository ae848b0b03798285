namespace Marketplace.Web.Insights;

/// <summary>The kinds of page events the web hosts record (order steps come from the orders themselves).</summary>
public static class PageEventKinds
{
    public const string ProductView = "productView";
    public const string Search = "search";
    public const string SearchClick = "searchClick";
    public const string AddToCart = "addToCart";
    public const string Checkout = "checkout";
    public const string Question = "question";
    public const string Review = "review";
}

/// <summary>Something a visitor did, as a request handler reports it to the <see cref="EventRecorder"/>.</summary>
public sealed record PageEvent(
    string Kind, string? ProductId = null, string? SellerId = null, string? Query = null, int? ResultCount = null,
    int? Position = null, int? Quantity = null, string? Currency = null);

/// <summary>A page event with who did it and when, waiting in the buffer to be written.</summary>
public sealed record RecordedEvent(PageEvent Event, string VisitorId, DateTimeOffset At, string Language);

/// <summary>
/// Whether a request's events may be recorded: not when the browser asks not to be tracked (Do-Not-Track or Global
/// Privacy Control), not for robots, not for an admin, and not when store staff look at their own store (they would
/// swell its funnel).
/// </summary>
public static class RecordingRules
{
    private static readonly string[] RobotWords =
        ["bot", "crawl", "spider", "slurp", "curl/", "wget/", "python-requests", "httpclient", "go-http-client", "okhttp", "libwww", "scrapy", "facebookexternalhit", "preview"];

    public static bool Allowed(IHeaderDictionary headers, Caller? caller, string? sellerId)
    {
        if (headers["DNT"] == "1" || headers["Sec-GPC"] == "1")
        {
            return false;
        }

        if (IsRobot(headers.UserAgent.ToString()))
        {
            return false;
        }

        return caller is null || (!caller.IsAdmin && !caller.IsIntegration && (sellerId is null || !caller.ActsFor(sellerId)));
    }

    /// <summary>A client that says it is a robot, a script's HTTP library, or says nothing at all.</summary>
    public static bool IsRobot(string userAgent) =>
        string.IsNullOrWhiteSpace(userAgent) || RobotWords.Any(w => userAgent.Contains(w, StringComparison.OrdinalIgnoreCase));
}

/// <summary>Reporting page events from request handlers and pages.</summary>
public static class PageEventRecording
{
    /// <summary>Hands the event to the host's recorder (which decides whether the visitor may be recorded).</summary>
    public static void RecordEvent(this HttpContext http, PageEvent e) => http.RequestServices.GetService<EventRecorder>()?.Record(http, e);
}
