namespace Marketplace.Web.Infrastructure;

/// <summary>
/// Asks the cluster again when a request's grain call timed out or met another transient failure, where asking again
/// cannot do anything twice: GET requests, creates that carry an Idempotency-Key on endpoints marked
/// <see cref="IdempotentWithKey"/> (the grain answers a repeated key with what the first attempt did, or finishes it),
/// and writes marked <see cref="RepeatableWrite"/>, whose grain is given the request's <see cref="OperationId"/>.
/// A call in flight to a silo that stops or dies can be lost without an answer; the retry reaches the grain where it
/// lives now. Other writes report 503 and leave the decision to the client. (Calls the cluster refused outright are
/// already sent again one level down, by the grain call filter.)
/// </summary>
public static class TransientRetry
{
    private static readonly TimeSpan[] Delays = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400)];

    /// <summary>Endpoint metadata: the request may be repeated with no second effect (with a key, only when it has one).</summary>
    private sealed record Repeatable(bool OnlyWithIdempotencyKey);

    public static TBuilder IdempotentWithKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new Repeatable(OnlyWithIdempotencyKey: true));

    public static TBuilder RepeatableWrite<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new Repeatable(OnlyWithIdempotencyKey: false));

    /// <summary>One id per HTTP request, the same for every attempt this filter makes, for grains to recognise a repeat.</summary>
    public static string OperationId(HttpContext http)
    {
        const string key = "mk.operation";
        if (http.Items.TryGetValue(key, out var id) && id is string known)
        {
            return known;
        }

        var created = Guid.NewGuid().ToString("N");
        http.Items[key] = created;
        return created;
    }

    public static TBuilder RetryTransientFailures<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (!CanRepeat(http))
            {
                return await next(context);
            }

            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    return await next(context);
                }
                catch (Exception e) when (attempt < Delays.Length && IsTransient(e) && !http.RequestAborted.IsCancellationRequested)
                {
                    await Task.Delay(Delays[attempt], http.RequestAborted);
                }
            }
        });

    private static bool CanRepeat(HttpContext http) =>
        HttpMethods.IsGet(http.Request.Method)
        || http.GetEndpoint()?.Metadata.GetMetadata<Repeatable>() is { } repeatable
            && (!repeatable.OnlyWithIdempotencyKey || http.Request.Headers.ContainsKey(Idempotency.HeaderName));

    private static bool IsTransient(Exception e) =>
        e is OrleansException or TimeoutException || e is DomainException { Kind: DomainErrorKind.Unavailable };
}
