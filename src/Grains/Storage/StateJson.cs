using System.Text.Json;
using System.Text.Json.Serialization;

namespace Marketplace.Grains.Storage;

/// <summary>
/// How grain state is written as JSON: properties as the C# types name them, enums as camelCase strings, no .NET type
/// names, so a state class can be renamed or moved without touching stored rows. Rows written by earlier versions of the
/// silo (Orleans' System.Text.Json storage serializer with the same enum converter) read back unchanged.
/// </summary>
public static class StateJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static string Serialize<T>(T state) => JsonSerializer.Serialize(state, Options);

    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)
        ?? throw new JsonException($"Stored state of {typeof(T).Name} is null.");

    /// <summary>An enum value as stored and as the API names it (camelCase).</summary>
    public static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions();
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
