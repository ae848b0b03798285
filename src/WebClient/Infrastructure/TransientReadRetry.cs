namespace Marketplace.WebClient.Infrastructure;

/// <summary>
/// Retries a read that hit a transient cluster failure: a silo leaving (scale-in, rolling update) can fail the calls in
/// flight to its grains, and the next attempt activates them elsewhere. Only GET requests are retried; they change
/// nothing, so repeating them is always safe. Writes report 503 and rely on their own idempotency for the client's retry.
/// </summary>
public static class TransientReadRetry
{
    private static readonly TimeSpan[] Delays = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400)];

    public static TBuilder RetryTransientReads<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (!HttpMethods.IsGet(http.Request.Method))
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

    private static bool IsTransient(Exception e) =>
        e is OrleansException or TimeoutException || e is DomainException { Kind: DomainErrorKind.Unavailable };
}
