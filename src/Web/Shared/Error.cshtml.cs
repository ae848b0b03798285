using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Shared;

/// <summary>The page a person sees for a missing page or a failure, with the request id that finds it in the logs.</summary>
[IgnoreAntiforgeryToken]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class ErrorModel : MarketplacePage
{
    public string Heading { get; private set; } = "";

    public string Explanation { get; private set; } = "";

    public string RequestId { get; private set; } = "";

    public void OnGet(int? code) => Describe(code);

    public void OnPost(int? code) => Describe(code);

    private void Describe(int? code)
    {
        RequestId = Activity.Current?.TraceId.ToString() is { } trace && trace != default(ActivityTraceId).ToString()
            ? $"{HttpContext.TraceIdentifier} ({trace})"
            : HttpContext.TraceIdentifier;
        var status = code ?? StatusFromException();
        Response.StatusCode = status;
        var staleForm = HttpContext.Features.Get<Microsoft.AspNetCore.Antiforgery.IAntiforgeryValidationFeature>() is { IsValid: false };
        (Heading, Explanation) = status switch
        {
            StatusCodes.Status400BadRequest when staleForm => (T["This page was out of date"].Value,
                T["You signed in or out since it was opened, or it was open for a long time. Go back, reload the page and try again."].Value),
            StatusCodes.Status404NotFound => (T["Page not found"].Value, T["There is nothing at this address. It may have been moved or taken down."].Value),
            StatusCodes.Status403Forbidden => (T["Not allowed"].Value, T["Your account may not open this page."].Value),
            StatusCodes.Status400BadRequest => (T["That did not work"].Value, T["The request was not valid. Go back and try again."].Value),
            StatusCodes.Status429TooManyRequests => (T["Too many requests"].Value, T["Please wait a moment and try again."].Value),
            StatusCodes.Status503ServiceUnavailable => (T["Temporarily unavailable"].Value, T["The marketplace is busy or restarting. Please try again in a moment; nothing was lost."].Value),
            _ => (T["Something went wrong"].Value, T["An error on our side stopped this page. Please try again; if it keeps happening, tell us the request id below."].Value),
        };
    }

    private int StatusFromException() => HttpContext.Features.Get<IExceptionHandlerFeature>()?.Error switch
    {
        null => StatusCodes.Status500InternalServerError,
        DomainException { Kind: DomainErrorKind.NotFound } => StatusCodes.Status404NotFound,
        DomainException { Kind: DomainErrorKind.Forbidden } => StatusCodes.Status403Forbidden,
        DomainException { Kind: DomainErrorKind.Unavailable } => StatusCodes.Status503ServiceUnavailable,
        DomainException => StatusCodes.Status400BadRequest,
        TimeoutException or OrleansException => StatusCodes.Status503ServiceUnavailable,
        BadHttpRequestException bad => bad.StatusCode,
        _ => StatusCodes.Status500InternalServerError,
    };
}
