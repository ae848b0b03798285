using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// Refuses a declared body above the limit before anything reads it. Kestrel enforces the same limit on the bytes it
/// receives (chunked bodies included); this answers early and also holds on servers without that limit. An endpoint
/// that accepts more (image uploads) says so with <see cref="IRequestSizeLimitMetadata"/>; runs after routing.
/// </summary>
public static class RequestBodyLimit
{
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app, long maxBytes) =>
        app.Use(async (context, next) =>
        {
            var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? maxBytes;
            if (limit != maxBytes && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = limit;
            }

            if (context.Request.ContentLength > limit)
            {
                throw new BadHttpRequestException(
                    $"The request body is {context.Request.ContentLength} bytes; at most {limit} are accepted.",
                    StatusCodes.Status413PayloadTooLarge);
            }

            await next(context);
        });
}
