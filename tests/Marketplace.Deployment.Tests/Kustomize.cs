using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;
using k8s;
using k8s.Models;

namespace Marketplace.Deployment.Tests;

/// <summary>
/// Renders a kustomization the way <c>kubectl kustomize</c> does, for the plain features the project's overlays are kept
/// to: <c>resources</c> (files and folders), <c>patches</c> (JSON 6902 operations with a kind/name target), <c>images</c>
/// and <c>namespace</c>. Anything else in a kustomization file is refused rather than ignored, so the policy tests
/// never pass over a feature they do not understand. Objects are loaded with KubernetesClient's YAML loader.
/// </summary>
public static class Kustomize
{
    private static readonly IDeserializer KustomizationReader = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .Build();

    /// <summary>Kinds that have no namespace, so the namespace transformer leaves them alone.</summary>
    private static readonly HashSet<string> ClusterScoped = ["Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass"];

    public static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Render(string folder)
    {
        var file = Path.Combine(folder, "kustomization.yaml");
        var kustomization = KustomizationReader.Deserialize<Kustomization>(File.ReadAllText(file))
            ?? throw new InvalidDataException($"{file} is empty.");
        if (kustomization.Kind != "Kustomization")
        {
            throw new InvalidDataException($"{file} is not a Kustomization.");
        }

        var objects = new List<IKubernetesObject<V1ObjectMeta>>();
        foreach (var resource in kustomization.Resources)
        {
            var path = Path.GetFullPath(Path.Combine(folder, resource));
            objects.AddRange(Directory.Exists(path) ? Render(path) : Load(File.ReadAllText(path)));
        }

        foreach (var patch in kustomization.Patches)
        {
            var operations = ToJson(ParseYaml(patch.Patch ?? throw new InvalidDataException($"{file}: only inline patches are used.")))
                as JsonArray ?? throw new InvalidDataException($"{file}: a patch must be a list of JSON 6902 operations.");
            var matched = 0;
            for (var i = 0; i < objects.Count; i++)
            {
                if (objects[i].Kind == patch.Target.Kind && objects[i].Metadata.Name == patch.Target.Name)
                {
                    objects[i] = JsonPatch.Apply(objects[i], operations);
                    matched++;
                }
            }

            if (matched == 0)
            {
                throw new InvalidDataException($"{file}: the patch for {patch.Target.Kind}/{patch.Target.Name} matches nothing.");
            }
        }

        foreach (var image in kustomization.Images)
        {
            foreach (var container in objects.SelectMany(Containers))
            {
                var (name, tag) = SplitImage(container.Image);
                if (name == image.Name)
                {
                    container.Image = (image.NewName ?? name) + (image.Digest is { } digest ? "@" + digest : ":" + (image.NewTag ?? tag));
                }
            }
        }

        if (kustomization.Namespace is { } ns)
        {
            foreach (var o in objects)
            {
                if (o.Kind == "Namespace")
                {
                    o.Metadata.Name = ns;
                }
                else if (!ClusterScoped.Contains(o.Kind))
                {
                    o.Metadata.NamespaceProperty = ns;
                }
            }
        }

        return objects;
    }

    /// <summary>The rendered objects as one YAML stream, as <c>kubectl kustomize</c> prints them.</summary>
    public static string ToYaml(IEnumerable<IKubernetesObject<V1ObjectMeta>> objects) =>
        string.Join("---\n", objects.Select(o => KubernetesYaml.Serialize(o).TrimEnd() + "\n"));

    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> Load(string yaml) =>
        KubernetesYaml.LoadAllFromString(yaml).Select(o => o as IKubernetesObject<V1ObjectMeta>
            ?? throw new InvalidDataException($"{o.GetType().Name} is not a Kubernetes object with metadata."));

    /// <summary>The pod template of a workload, or null for objects that run nothing.</summary>
    public static V1PodSpec? PodSpec(IKubernetesObject<V1ObjectMeta> o) => o switch
    {
        V1Deployment d => d.Spec.Template.Spec,
        V1StatefulSet s => s.Spec.Template.Spec,
        V1DaemonSet d => d.Spec.Template.Spec,
        V1Job j => j.Spec.Template.Spec,
        V1CronJob c => c.Spec.JobTemplate.Spec.Template.Spec,
        V1Pod p => p.Spec,
        _ => null,
    };

    public static IEnumerable<V1Container> Containers(IKubernetesObject<V1ObjectMeta> o) =>
        PodSpec(o) is { } spec ? spec.Containers.Concat(spec.InitContainers ?? []) : [];

    /// <summary>Splits "registry:5000/team/app:1.2" into its name and tag (null without one); a digest counts as the tag.</summary>
    public static (string Name, string? Tag) SplitImage(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            return (image[..at], image[(at + 1)..]);
        }

        var colon = image.LastIndexOf(':');
        return colon > image.LastIndexOf('/') ? (image[..colon], image[(colon + 1)..]) : (image, null);
    }

    private static YamlNode ParseYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Single().RootNode;
    }

    /// <summary>YAML to JSON with YAML's own typing: plain scalars may be numbers, booleans or null; quoted ones are text.</summary>
    internal static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c =>
            KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } plain => Plain(plain.Value),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new InvalidDataException($"Unexpected YAML node {node.NodeType}."),
    };

    private static JsonNode? Plain(string? value) => value switch
    {
        null or "" or "~" or "null" => null,
        "true" => JsonValue.Create(true),
        "false" => JsonValue.Create(false),
        _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
        _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
        _ => JsonValue.Create(value),
    };

    private sealed class Kustomization
    {
        public string? ApiVersion { get; set; }

        public string? Kind { get; set; }

        public string? Namespace { get; set; }

        public List<string> Resources { get; set; } = [];

        public List<ImageRule> Images { get; set; } = [];

        public List<PatchRule> Patches { get; set; } = [];
    }

    private sealed class ImageRule
    {
        public string Name { get; set; } = "";

        public string? NewName { get; set; }

        public string? NewTag { get; set; }

        public string? Digest { get; set; }
    }

    private sealed class PatchRule
    {
        public PatchTarget Target { get; set; } = new();

        public string? Patch { get; set; }
    }

    private sealed class PatchTarget
    {
        public string Kind { get; set; } = "";

        public string Name { get; set; } = "";
    }
}
