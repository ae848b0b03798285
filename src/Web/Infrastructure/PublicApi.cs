namespace Marketplace.Web.Infrastructure;

/// <summary>
/// The read-only endpoints other sites use (search, stores, products, images): anonymous, callable from any origin
/// without credentials, and rate limited per client address like every public read.
/// </summary>
public static class PublicApi
{
    public const string CorsPolicy = "public-read";

    public static IServiceCollection AddPublicApiCors(this IServiceCollection services) =>
        services.AddCors(o => o.AddPolicy(CorsPolicy, p => p
            .AllowAnyOrigin()
            .WithMethods("GET", "HEAD")
            .AllowAnyHeader()
            .WithExposedHeaders("ETag")
            .SetPreflightMaxAge(TimeSpan.FromHours(1))));
}
