using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Marketplace.Deployment.Tests;

/// <summary>JSON Patch (RFC 6902) add, replace and remove, applied to a typed Kubernetes object through its JSON form.</summary>
public static class JsonPatch
{
    public static IKubernetesObject<V1ObjectMeta> Apply(IKubernetesObject<V1ObjectMeta> target, JsonArray operations)
    {
        var document = JsonNode.Parse(KubernetesJson.Serialize(target))!;
        foreach (var operation in operations.Select(o => o!.AsObject()))
        {
            var op = (string)operation["op"]!;
            var path = (string)operation["path"]!;
            var segments = path.Split('/').Skip(1).Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToList();
            var parent = segments.SkipLast(1).Aggregate(document, (node, segment) => Step(node, segment, path));
            var last = segments[^1];
            switch (op, parent)
            {
                case ("add", JsonArray array):
                    var value = operation["value"]?.DeepClone();
                    if (last == "-")
                    {
                        array.Add(value);
                    }
                    else
                    {
                        array.Insert(Index(last, array.Count + 1, path), value);
                    }

                    break;
                case ("add", JsonObject obj):
                    obj[last] = operation["value"]?.DeepClone();
                    break;
                case ("replace", JsonArray array):
                    array[Index(last, array.Count, path)] = operation["value"]?.DeepClone();
                    break;
                case ("replace", JsonObject obj) when obj.ContainsKey(last):
                    obj[last] = operation["value"]?.DeepClone();
                    break;
                case ("remove", JsonArray array):
                    array.RemoveAt(Index(last, array.Count, path));
                    break;
                case ("remove", JsonObject obj) when obj.Remove(last):
                    break;
                default:
                    throw new InvalidDataException($"Cannot {op} {path}.");
            }
        }

        // JSON is YAML, so the same loader turns the patched document back into its typed object.
        return Kustomize.Load(document.ToJsonString()).Single();
    }

    private static JsonNode Step(JsonNode node, string segment, string path) => node switch
    {
        JsonObject obj when obj[segment] is { } child => child,
        JsonArray array => array[Index(segment, array.Count, path)]!,
        _ => throw new InvalidDataException($"{path}: '{segment}' does not exist."),
    };

    private static int Index(string segment, int count, string path) =>
        int.TryParse(segment, out var i) && i >= 0 && i < count ? i : throw new InvalidDataException($"{path}: no element {segment}.");
}
