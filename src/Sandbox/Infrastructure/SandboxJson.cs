using System.Text.Json;
using System.Text.Json.Serialization;

namespace Marketplace.Sandbox.Infrastructure;

public static class SandboxJson
{
    /// <summary>camelCase, nulls left out, and numbers only as JSON numbers (an amount never comes from a string).</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
