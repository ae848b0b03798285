using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace Marketplace.OnlineMarketplace.Web;

/// <summary>Refusals shaped like the web host's own (problem details with a stable <c>code</c>).</summary>
internal static class OmProblems
{
    public static ProblemHttpResult Problem(int status, string code, string detail) =>
        TypedResults.Problem(statusCode: status, detail: detail, type: $"https://httpstatuses.io/{status}",
            title: ReasonPhrases.GetReasonPhrase(status), extensions: new Dictionary<string, object?> { ["code"] = code });
}

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
