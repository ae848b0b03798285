namespace Marketplace.WebClient.Infrastructure;

/// <summary>
/// Refuses a declared body above the limit before anything reads it. Kestrel enforces the same limit on the bytes it
/// receives (chunked bodies included); this answers early and also holds on servers without that limit.
/// </summary>
public static class RequestBodyLimit
{
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app, long maxBytes) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.ContentLength > maxBytes)
            {
                throw new BadHttpRequestException(
                    $"The request body is {context.Request.ContentLength} bytes; at most {maxBytes} are accepted.",
                    StatusCodes.Status413PayloadTooLarge);
            }

            await next(context);
        });
}
