using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Marketplace.Web.Media;

/// <summary>Uploaded images, served by content hash: a URL never changes meaning, so caches may keep it forever.</summary>
public static class MediaApi
{
    public const string Prefix = "/media/";

    public static string UrlOf(string key) => Prefix + key;

    public static IEndpointRouteBuilder MapMediaApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Prefix + "{key}", GetMedia)
            .WithName("GetMedia")
            .WithTags("Media")
            .WithSummary("An uploaded image; immutable, cacheable, with an ETag")
            .AllowAnonymous()
            .RequireCors(PublicApi.CorsPolicy);
        return routes;
    }

    private static Results<PhysicalFileHttpResult, NotFound> GetMedia(string key, HttpResponse response, IBlobStore blobs)
    {
        if (blobs.Find(key) is not { } file)
        {
            return TypedResults.NotFound();
        }

        response.Headers.CacheControl = "public, max-age=31536000, immutable";
        var contentType = Path.GetExtension(key) switch
        {
            ".png" => "image/png",
            ".webp" => "image/webp",
            _ => "image/jpeg",
        };
        // The key is the content hash, so it is the strongest possible ETag; PhysicalFile answers If-None-Match with 304.
        return TypedResults.PhysicalFile(file.FullName, contentType, lastModified: file.LastWriteTimeUtc,
            entityTag: new EntityTagHeaderValue($"\"{Path.GetFileNameWithoutExtension(key)}\""));
    }
}
