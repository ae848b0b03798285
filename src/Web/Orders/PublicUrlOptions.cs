namespace Marketplace.Web.Orders;

/// <summary>
/// Where the outside world reaches this web host (configuration <c>Marketplace:PublicUrl</c>): the payment page sends
/// the buyer back here and providers deliver webhooks here. Without it, the request's own origin is used.
/// </summary>
public sealed class PublicUrlOptions
{
    public const string Section = "Marketplace";

    public string? PublicUrl { get; set; }

    public string Resolve(HttpRequest request, string path)
    {
        var origin = PublicUrl is { Length: > 0 } configured ? configured.TrimEnd('/') : $"{request.Scheme}://{request.Host}";
        return origin + path;
    }
}
