using System.Globalization;
using System.Text.Json;
using Marketplace.Contracts.Common;
using Marketplace.OnlineMarketplace.Contracts;
using Marketplace.ServiceDefaults;
using Microsoft.AspNetCore.Http;

namespace Marketplace.OnlineMarketplace.Web;

/// <summary>
/// A benchmark request body. The benchmark's driver sends snake_case for ingested rows and whole products, PascalCase
/// for cart items and checkouts and camelCase for price updates, so fields are found by name with case and
/// underscores ignored ("seller_id", "SellerId" and "sellerId" are one field). Numbers may come as JSON strings, as the
/// reference implementation accepts them. Every getter records what is wrong instead of throwing, so one answer lists
/// every bad field.
/// </summary>
public sealed class OmBody
{
    public const int MaxTextLength = 10_000;

    private readonly Dictionary<string, JsonElement> fields;

    private OmBody(Dictionary<string, JsonElement> fields) => this.fields = fields;

    public Dictionary<string, string[]> Errors { get; } = [];

    public bool IsValid => Errors.Count == 0;

    /// <summary>Reads a JSON object body; answers the problem instead when it is not one.</summary>
    public static async Task<(OmBody? Body, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasJsonContentType())
        {
            return (null, ProblemResults.Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type",
                "Send the body as application/json."));
        }

        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, Malformed("The body must be a JSON object."));
            }

            var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                // Clone: the values outlive the document.
                fields[Normalize(property.Name)] = property.Value.Clone();
            }

            return (new OmBody(fields), null);
        }
        catch (JsonException)
        {
            return (null, Malformed("The body is not valid JSON."));
        }
    }

    /// <summary>A required 32-bit integer, at least <paramref name="min"/>.</summary>
    public int Int(string name, int min = 0, int max = int.MaxValue)
    {
        var value = Number(name, required: true);
        if (value is null)
        {
            return 0;
        }

        if (value != decimal.Truncate(value.Value) || value < min || value > max)
        {
            Errors[name] = [$"A whole number between {min} and {max}."];
            return 0;
        }

        return (int)value.Value;
    }

    /// <summary>An amount in the benchmark's currency, as minor units; missing means 0 unless required.</summary>
    public long Money(string name, bool required)
    {
        var value = Number(name, required);
        if (value is null)
        {
            return 0;
        }

        if (value < 0 || value > 10_000_000_000m)
        {
            Errors[name] = ["An amount between 0 and 10,000,000,000."];
            return 0;
        }

        return OmKeys.MinorUnits(value.Value);
    }

    /// <summary>Text, or null when absent; numbers are taken as their digits (ids and versions arrive either way).</summary>
    public string? Text(string name, bool required = false, int maxLength = MaxTextLength)
    {
        string? text = null;
        if (fields.TryGetValue(Normalize(name), out var element))
        {
            text = element.ValueKind switch
            {
                JsonValueKind.String => element.GetString(),
                JsonValueKind.Number => element.GetRawText(),
                JsonValueKind.Null => null,
                _ => Wrong(name, "A string."),
            };
        }

        if (text is not null && text.Length > maxLength)
        {
            Errors[name] = [$"At most {maxLength} characters."];
            return null;
        }

        if (!StorableText.IsStorable(text))
        {
            Errors[name] = [StorableText.Refusal];
            return null;
        }

        if (required && string.IsNullOrWhiteSpace(text) && !Errors.ContainsKey(name))
        {
            Errors[name] = ["Required."];
        }

        return text;
    }

    /// <summary>A flag; JSON true/false, or the benchmark's product status text ("approved" is active).</summary>
    public bool Active(string name)
    {
        if (!fields.TryGetValue(Normalize(name), out var element))
        {
            return true;
        }

        return element.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String => element.GetString() is not ("deleted" or "inactive" or "false"),
            _ => true,
        };
    }

    public IResult ValidationProblem() => TypedResults.ValidationProblem(Errors);

    private decimal? Number(string name, bool required)
    {
        if (!fields.TryGetValue(Normalize(name), out var element) || element.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Errors[name] = ["Required."];
            }

            return null;
        }

        if (element.ValueKind == JsonValueKind.Number && element.TryGetDecimal(out var number))
        {
            return number;
        }

        if (element.ValueKind == JsonValueKind.String
            && decimal.TryParse(element.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        Errors[name] = ["A number."];
        return null;
    }

    private string? Wrong(string name, string message)
    {
        Errors[name] = [message];
        return null;
    }

    private static string Normalize(string name) => name.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();

    private static IResult Malformed(string detail) =>
        ProblemResults.Problem(StatusCodes.Status400BadRequest, "malformed-body", detail);
}
