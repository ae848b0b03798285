using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// Text the database cannot keep (<see cref="StorableText"/>) is refused where requests come in, once: query values
/// and form fields by <see cref="UseStorableInput"/>, JSON strings by <see cref="Converter"/> while the body is read.
/// The answer is a 400 validation problem naming the field; nothing behind the edge sees the text.
/// </summary>
public static class StorableInput
{
    /// <summary>The <c>code</c> of the answer; its field names are as the client sent them.</summary>
    public const string ProblemCode = "unstorable-text";

    /// <summary>Reads JSON strings (values and dictionary keys) as the built-in converter does, refusing what cannot be stored.</summary>
    public static JsonConverter<string> Converter { get; } = new StorableStringConverter();

    public static IApplicationBuilder UseStorableInput(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            // An error page re-running the pipeline for this request has been through here already.
            if (context.Features.Get<IExceptionHandlerFeature>() is null && await RefusalAsync(context.Request) is { } problem)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>()
                    .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
                return;
            }

            await next(context);
        });

    /// <summary>
    /// The answer to a request with text that cannot be stored in a query or form field; null when all can. (The path
    /// never holds such text: the server refuses a request whose path decodes to a NUL, and invalid UTF-8 decodes to
    /// U+FFFD, so route values need no look.)
    /// </summary>
    private static async Task<ProblemDetails?> RefusalAsync(HttpRequest request)
    {
        foreach (var (name, values) in request.Query)
        {
            if (!StorableText.IsStorable(name) || !AllStorable(values))
            {
                return Problem(name);
            }
        }

        if (!request.HasFormContentType)
        {
            return null;
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
        }
        catch (InvalidDataException e)
        {
            // ASP.NET Core's reader of URL-encoded forms refuses a NUL itself, without saying where; a malformed
            // multipart body or one past the form limits ends here too.
            return new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "Bad request",
                Detail = "The form could not be read: " + e.Message,
                Type = "https://httpstatuses.io/400",
                Extensions = { ["code"] = "unreadable-form" },
            };
        }

        foreach (var (name, values) in form)
        {
            if (!StorableText.IsStorable(name) || !AllStorable(values))
            {
                return Problem(name);
            }
        }

        foreach (var file in form.Files)
        {
            if (!StorableText.IsStorable(file.Name) || !StorableText.IsStorable(file.FileName))
            {
                return Problem(file.Name);
            }
        }

        return null;
    }

    private static bool AllStorable(Microsoft.Extensions.Primitives.StringValues values)
    {
        foreach (var value in values)
        {
            if (!StorableText.IsStorable(value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The answer for text that cannot be stored, keyed like every validation problem.</summary>
    public static HttpValidationProblemDetails Problem(string field) =>
        new(new Dictionary<string, string[]> { [Printable(field)] = [StorableText.Refusal] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more fields are invalid.",
            Detail = $"The field '{Printable(field)}' holds text that cannot be stored.",
            Type = "https://httpstatuses.io/400",
            Extensions = { ["code"] = ProblemCode },
        };

    /// <summary>A field name that itself carries the bad character is echoed with it escaped.</summary>
    private static string Printable(string field) =>
        StorableText.IsStorable(field) ? field : JsonEncodedText.Encode(field).Value;

    /// <summary>What a JSON string that cannot be stored raises; the serializer adds where it was ("$.items[0].title").</summary>
    public sealed class UnstorableTextException() : JsonException(StorableText.Refusal);

    private sealed class StorableStringConverter : JsonConverter<string>
    {
        public override bool HandleNull => false;

        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Checked(reader.GetString());

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value);

        public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Checked(reader.GetString())!;

        public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
            writer.WritePropertyName(value);

        private static string? Checked(string? text) =>
            StorableText.IsStorable(text) ? text : throw new UnstorableTextException();
    }
}
