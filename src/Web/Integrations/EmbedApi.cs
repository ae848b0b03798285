using System.Reflection;
using System.Security.Cryptography;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Marketplace.Web.Integrations;

/// <summary>The script other sites include to show the marketplace's products (see Embed/marketplace.js).</summary>
public static class EmbedApi
{
    public const string ScriptPath = "/embed/marketplace.js";

    private const string ContentType = "application/javascript; charset=utf-8";

    private static readonly Lazy<(byte[] Bytes, EntityTagHeaderValue ETag)> Script = new(LoadScript);

    public static IEndpointRouteBuilder MapEmbedApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(ScriptPath, GetScript)
            .WithName("GetEmbedScript")
            .WithTags("Embed")
            .WithSummary("The product widget script for other sites")
            .ExcludeFromDescription()
            .AllowAnonymous()
            .RequireCors(PublicApi.CorsPolicy);
        return routes;
    }

    private static FileContentHttpResult GetScript(HttpResponse response)
    {
        var (bytes, etag) = Script.Value;
        // The URL stays the same across releases, so pages get a new version within minutes; the ETag makes the
        // revalidation after that a 304.
        response.Headers.CacheControl = "public, max-age=300";
        response.Headers.XContentTypeOptions = "nosniff";
        // Pages that isolate themselves (Cross-Origin-Embedder-Policy) load only scripts that say they may be embedded.
        response.Headers["Cross-Origin-Resource-Policy"] = "cross-origin";
        return TypedResults.Bytes(bytes, ContentType, entityTag: etag);
    }

    private static (byte[] Bytes, EntityTagHeaderValue ETag) LoadScript()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Embed/marketplace.js")
            ?? throw new InvalidOperationException("The embed script is not embedded.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.ToArray();
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes))[..32];
        return (bytes, new EntityTagHeaderValue($"\"{hash}\""));
    }
}
