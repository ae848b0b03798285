using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace Marketplace.ServiceDefaults;

/// <summary>
/// The shape of every refusal the web host and its modules answer: problem details with a stable, machine-readable
/// <c>code</c> beside the status.
/// </summary>
public static class ProblemResults
{
    public static ProblemHttpResult Problem(int status, string code, string detail) =>
        TypedResults.Problem(statusCode: status, detail: detail, type: $"https://httpstatuses.io/{status}",
            title: ReasonPhrases.GetReasonPhrase(status), extensions: new Dictionary<string, object?> { ["code"] = code });
}
