using System.Diagnostics;
using System.Text.Json;
using Marketplace.ServiceDefaults;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Infrastructure;

/// <summary>Every error leaves the API as RFC 7807 problem details carrying the request id.</summary>
public static class ApiProblems
{
    public static IServiceCollection AddMarketplaceProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions["requestId"] = context.HttpContext.TraceIdentifier;
            if (Activity.Current?.TraceId is { } traceId)
            {
                context.ProblemDetails.Extensions["traceId"] = traceId.ToString();
            }

            // Fields named from C# members are camel-cased; a field named from what the client sent stays as sent.
            if (context.ProblemDetails is HttpValidationProblemDetails validation
                && !(validation.Extensions.TryGetValue("code", out var code) && Equals(code, StorableInput.ProblemCode)))
            {
                CamelCaseKeys(validation.Errors);
            }
        });
        services.AddExceptionHandler<ApiExceptionHandler>();
        return services;
    }

    /// <summary>Field errors are keyed by the JSON path a client sent ("items[0].onHand"), not by C# names.</summary>
    private static void CamelCaseKeys(IDictionary<string, string[]> errors)
    {
        foreach (var key in errors.Keys.ToList())
        {
            var camel = string.Join('.', key.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));
            if (camel != key)
            {
                var messages = errors[key];
                errors.Remove(key);
                errors[camel] = errors.TryGetValue(camel, out var existing) ? [.. existing, .. messages] : messages;
            }
        }
    }

    /// <summary>A refusal with a stable <c>code</c> clients can branch on, shaped like the domain refusals.</summary>
    public static ProblemHttpResult Problem(int status, string code, string detail) => ProblemResults.Problem(status, code, detail);

    /// <summary>A 404 for an id that is malformed or names nothing, without saying which.</summary>
    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"{what} was not found.",
            type: "https://httpstatuses.io/404");
}

/// <summary>Turns exceptions into problem details: domain refusals, unreadable requests, an unreachable cluster.</summary>
public sealed partial class ApiExceptionHandler(IProblemDetailsService problemDetails, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // The middleware has already pointed the request at the error page; the path the client asked for decides.
        if (Shared.WebUi.IsPage(httpContext.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? httpContext.Request.Path))
        {
            // A person's page: the exception handler middleware re-renders it as the friendly error page.
            return false;
        }

        ProblemDetails problem = exception switch
        {
            DomainException { Kind: DomainErrorKind.Validation } e => new HttpValidationProblemDetails(
                e.Errors ?? new Dictionary<string, string[]>())
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "One or more fields are invalid.",
                Detail = e.Message,
            },
            DomainException e => new ProblemDetails
            {
                Status = e.Kind switch
                {
                    DomainErrorKind.NotFound => StatusCodes.Status404NotFound,
                    DomainErrorKind.Conflict => StatusCodes.Status409Conflict,
                    DomainErrorKind.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
                    DomainErrorKind.IdempotencyMismatch => StatusCodes.Status422UnprocessableEntity,
                    DomainErrorKind.Forbidden => StatusCodes.Status403Forbidden,
                    DomainErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
                    _ => StatusCodes.Status400BadRequest,
                },
                Title = e.Kind switch
                {
                    DomainErrorKind.NotFound => "Not found",
                    DomainErrorKind.Conflict => "Conflict",
                    DomainErrorKind.PreconditionFailed => "Precondition failed",
                    DomainErrorKind.IdempotencyMismatch => "Idempotency-Key reused",
                    DomainErrorKind.Forbidden => "Forbidden",
                    DomainErrorKind.Unavailable => "Service unavailable",
                    _ => "Bad request",
                },
                Detail = e.Message,
            },
            BadHttpRequestException { InnerException: StorableInput.UnstorableTextException text } =>
                StorableInput.Problem(FieldOf(text.Path)),
            // A value the body's type cannot take (a string for a number, a lone surrogate): named like a field error.
            BadHttpRequestException { InnerException: JsonException { Path: { Length: > 1 } path } } => new HttpValidationProblemDetails(
                new Dictionary<string, string[]> { [FieldOf(path)] = ["Not a valid value for this field."] })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "One or more fields are invalid.",
                Detail = $"The request body is not valid JSON for this endpoint (at '{path}').",
            },
            BadHttpRequestException e => new ProblemDetails
            {
                Status = e.StatusCode,
                Title = e.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => "Request body too large",
                    StatusCodes.Status415UnsupportedMediaType => "Unsupported media type",
                    _ => "Bad request",
                },
                Detail = Describe(e),
            },
            TimeoutException or OrleansException => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service unavailable",
                Detail = "The marketplace could not complete the request in time. It is safe to retry.",
            },
            _ => new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "Internal server error",
                Detail = "Something went wrong on our side. The request id identifies it in our logs.",
            },
        };

        if (problem.Status >= 500)
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "1";
        }

        problem.Type = $"https://httpstatuses.io/{problem.Status}";
        if (exception is DomainException domain)
        {
            problem.Extensions["code"] = domain.Code;
        }

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    /// <summary>"$.items[0].title" as the field "items[0].title".</summary>
    private static string FieldOf(string? jsonPath) =>
        jsonPath is { Length: > 1 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";

    private static string Describe(BadHttpRequestException e) => e.InnerException switch
    {
        JsonException => "The request body is not valid JSON for this endpoint.",
        _ => e.StatusCode == StatusCodes.Status413PayloadTooLarge
            ? "The request body exceeds the size this endpoint accepts."
            : e.Message,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error in {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, PathString path);
}
