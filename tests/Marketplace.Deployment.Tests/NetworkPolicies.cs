using k8s.Models;

namespace Marketplace.Deployment.Tests;

/// <summary>
/// Answers whether a connection is allowed by a namespace's NetworkPolicies, the way a conforming network plugin
/// decides: a pod selected by no policy of a direction is open in that direction; a selected pod accepts what any
/// selecting policy's rules allow (policies add up). Peers are pods of the same namespace or whole namespaces.
/// </summary>
public sealed class NetworkPolicies(IReadOnlyList<V1NetworkPolicy> policies)
{
    /// <summary>Whether a pod with <paramref name="from"/> labels may open <paramref name="port"/> on a pod with <paramref name="to"/> labels.</summary>
    public bool Allows(IDictionary<string, string> from, IDictionary<string, string> to, int port) =>
        AllowsEgress(from, to, port) && AllowsIngress(peer => peer.PodSelector is { } pods && peer.NamespaceSelector is null && Matches(pods, from), to, port);

    /// <summary>Whether pods of namespace <paramref name="ns"/> (outside this one) may open the port on the pod.</summary>
    public bool AllowsFromNamespace(string ns, IDictionary<string, string> to, int port) =>
        AllowsIngress(peer => peer.NamespaceSelector is { } namespaces && peer.PodSelector is null
            && Matches(namespaces, new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = ns }), to, port);

    /// <summary>Whether the pod may open the port on some address outside the namespace (e.g. an external Postgres).</summary>
    public bool AllowsEgress(IDictionary<string, string> from, int port) => AllowsEgress(from, to: null, port);

    private bool AllowsIngress(Func<V1NetworkPolicyPeer, bool> peerMatches, IDictionary<string, string> to, int port)
    {
        var selecting = policies.Where(p => p.Spec.PolicyTypes.Contains("Ingress") && Matches(p.Spec.PodSelector, to)).ToList();
        return selecting.Count == 0 || selecting.Any(p => (p.Spec.Ingress ?? []).Any(rule =>
            Covers(rule.Ports, port) && (rule.FromProperty is null or { Count: 0 } || rule.FromProperty.Any(peerMatches))));
    }

    private bool AllowsEgress(IDictionary<string, string> from, IDictionary<string, string>? to, int port)
    {
        var selecting = policies.Where(p => p.Spec.PolicyTypes.Contains("Egress") && Matches(p.Spec.PodSelector, from)).ToList();
        return selecting.Count == 0 || selecting.Any(p => (p.Spec.Egress ?? []).Any(rule =>
            Covers(rule.Ports, port) && (rule.To is null or { Count: 0 } || (to is not null && rule.To.Any(peer =>
                peer.PodSelector is { } pods && peer.NamespaceSelector is null && Matches(pods, to))))));
    }

    private static bool Covers(IList<V1NetworkPolicyPort>? ports, int port) =>
        ports is null or { Count: 0 } || ports.Any(p => p.Port?.Value == port.ToString());

    private static bool Matches(V1LabelSelector selector, IDictionary<string, string> labels) =>
        (selector.MatchLabels ?? new Dictionary<string, string>()).All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value)
        && (selector.MatchExpressions ?? []).All(e => e.OperatorProperty switch
        {
            "In" => labels.TryGetValue(e.Key, out var v) && e.Values.Contains(v),
            "NotIn" => !labels.TryGetValue(e.Key, out var v) || !e.Values.Contains(v),
            "Exists" => labels.ContainsKey(e.Key),
            "DoesNotExist" => !labels.ContainsKey(e.Key),
            _ => throw new InvalidDataException($"Unknown selector operator {e.OperatorProperty}."),
        });
}
