using Microsoft.AspNetCore.Http;

namespace Marketplace.OnlineMarketplace.Web;

/// <summary>
/// Where the payment provider and the carrier send their webhooks for the module's orders: the web host's public
/// address (<c>Marketplace:PublicUrl</c>, the setting the host reads for its own orders), or else the request's origin.
/// </summary>
public sealed class OmWebhookUrls
{
    public const string Section = "Marketplace";

    public string? PublicUrl { get; set; }

    public string Resolve(HttpRequest request, string path)
    {
        var origin = PublicUrl is { Length: > 0 } configured ? configured.TrimEnd('/') : $"{request.Scheme}://{request.Host}";
        return origin + path;
    }
}
