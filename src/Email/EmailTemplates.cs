using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fluid;
using Fluid.Values;

namespace Marketplace.Email;

/// <summary>An email's three parts, ready to be put in a message.</summary>
public sealed record RenderedEmail(string Subject, string Text, string Html);

/// <summary>
/// The Liquid templates emails are written in (Templates/*.liquid, copied next to the program; an operator's folder
/// may replace any of them). A kind has one file per language, <c>&lt;kind&gt;.&lt;culture&gt;.liquid</c>, that captures
/// <c>subject</c>, <c>text</c> and <c>html</c>; <c>layout.&lt;culture&gt;.liquid</c> wraps every body with the greeting
/// line and footer. Values are HTML-encoded in the HTML part and left as they are in the others. English is the fallback.
/// </summary>
public sealed class EmailTemplates
{
    public const string FallbackCulture = "en";

    public static IReadOnlyList<string> Cultures { get; } = ["en", "es"];

    private static readonly FluidParser Parser = new();

    /// <summary>Markup characters are escaped; letters of every language stay as they are (the message is UTF-8).</summary>
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);
    private readonly TemplateOptions options = new();
    private readonly Dictionary<string, IFluidTemplate> templates;

    private EmailTemplates(Dictionary<string, IFluidTemplate> templates)
    {
        this.templates = templates;
        options.CultureInfo = CultureInfo.InvariantCulture;
    }

    /// <summary>The names of the files found (without extension), for the preview page.</summary>
    public IReadOnlyCollection<string> Names => templates.Keys;

    /// <summary>Reads every template; a template that does not parse stops the start-up with its file name and the reason.</summary>
    public static EmailTemplates Load(string folder, string? overrides = null)
    {
        var parsed = new Dictionary<string, IFluidTemplate>(StringComparer.Ordinal);
        foreach (var dir in new[] { folder, overrides }.OfType<string>().Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateFiles(dir, "*.liquid"))
            {
                if (!Parser.TryParse(File.ReadAllText(file), out var template, out var error))
                {
                    throw new InvalidOperationException($"The email template {file} does not parse: {error}");
                }

                parsed[Path.GetFileNameWithoutExtension(file)] = template;
            }
        }

        if (parsed.Count == 0)
        {
            throw new InvalidOperationException($"No email templates in {folder}.");
        }

        return new EmailTemplates(parsed);
    }

    /// <summary>The folder the built-in templates are copied to, next to the program.</summary>
    public static string BuiltInFolder => Path.Combine(AppContext.BaseDirectory, "EmailTemplates");

    public static string CultureOf(string? culture) =>
        culture is not null && Cultures.Contains(culture.Split('-')[0].ToLowerInvariant()) ? culture.Split('-')[0].ToLowerInvariant() : FallbackCulture;

    public bool Has(EmailKind kind) => templates.ContainsKey($"{kind.TemplateName}.{FallbackCulture}");

    /// <summary>Renders a kind in a culture (English when that culture has no template) with the given values.</summary>
    public async Task<RenderedEmail> RenderAsync(string kind, string culture, JsonObject model)
    {
        culture = CultureOf(culture);
        var body = Find($"{kind}.{culture}") ?? Find($"{kind}.{FallbackCulture}")
            ?? throw new InvalidOperationException($"No email template for '{kind}'.");
        var layout = Find($"layout.{culture}") ?? Find($"layout.{FallbackCulture}");

        var plain = await CaptureAsync(body, model, NullEncoder.Default, [], "subject", "text");
        var html = await CaptureAsync(body, model, Html, [], "html");
        var subject = HeaderText(plain["subject"]);
        var text = plain["text"].Trim();
        var markup = html["html"].Trim();
        if (layout is not null)
        {
            // The subject is plain text (it may name a store or a product): the layout shows it encoded like any value;
            // only the body, encoded already, is shown raw.
            var framed = (JsonObject)model.DeepClone();
            framed["subject"] = subject;
            text = (await CaptureAsync(layout, framed, NullEncoder.Default, new() { ["body"] = text }, "text"))["text"].Trim();
            markup = (await CaptureAsync(layout, framed, Html, new() { ["body"] = markup }, "html"))["html"].Trim();
        }

        return new RenderedEmail(subject, text, markup);
    }

    /// <summary>A subject is one line: line breaks and control characters become spaces, runs of spaces one.</summary>
    public static string HeaderText(string value)
    {
        var chars = value.Select(c => char.IsControl(c) ? ' ' : c).ToArray();
        return string.Join(' ', new string(chars).Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    private IFluidTemplate? Find(string name) => templates.GetValueOrDefault(name);

    /// <summary>
    /// Renders a template and answers what it captured under the given names. <paramref name="rendered"/> are parts
    /// rendered already (and encoded, for HTML) that a layout shows with the <c>raw</c> filter.
    /// </summary>
    private async Task<Dictionary<string, string>> CaptureAsync(
        IFluidTemplate template, JsonObject model, TextEncoder encoder, Dictionary<string, string> rendered, params string[] captures)
    {
        var context = new TemplateContext(options);
        foreach (var (key, value) in model)
        {
            context.SetValue(key, FluidValue.Create(Plain(value), options));
        }

        foreach (var (key, value) in rendered)
        {
            context.SetValue(key, new StringValue(value, encode: false));
        }

        // A render runs in a scope of its own, so what a capture block produced is taken as each block ends.
        var captured = captures.ToDictionary(name => name, _ => "");
        context.Captured = (name, value, _) =>
        {
            if (captured.ContainsKey(name))
            {
                captured[name] = value.ToStringValue();
            }

            return new ValueTask<FluidValue>(value);
        };
        await template.RenderAsync(context, encoder);
        return captured;
    }

    /// <summary>JSON values as the plain objects Liquid reads: maps, lists, strings, numbers and booleans.</summary>
    private static object? Plain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => Plain(p.Value)),
        JsonArray a => a.Select(Plain).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Number => decimal.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        },
        _ => null,
    };
}
