using Marketplace.Testing;
using k8s;
using k8s.Models;

namespace Marketplace.Deployment.Tests;

/// <summary>
/// The manifests under k8s/ rendered like <c>kubectl kustomize</c> and checked against the deployment policy, so a
/// later change cannot drop a probe, a limit, the non-root setting or a network rule without a test failing.
/// </summary>
public sealed class KubernetesPolicyTests
{
    public static readonly TheoryData<string> Overlays = new("dev", "production");

    private static readonly string[] SecretNames = ["marketplace-db", "marketplace-auth", "marketplace-providers", "marketplace-admin", "marketplace-email", "marketplace-directory-sign-in"];

    private static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Render(string overlay)
    {
        var objects = Kustomize.Render(Path.Combine(TestEnvironment.RepositoryRoot, "k8s", "overlays", overlay));
        // Kept for a reader who wants to see what an overlay renders to (git-ignored).
        var output = Path.Combine(TestEnvironment.RepositoryRoot, ".test-data", "k8s");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, overlay + ".yaml"), Kustomize.ToYaml(objects));
        return objects;
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_workload_has_limits_runs_as_non_root_on_a_read_only_filesystem_with_a_pinned_image(string overlay)
    {
        var objects = Render(overlay);
        var workloads = objects.Where(o => Kustomize.PodSpec(o) is not null).ToList();
        Assert.Contains(workloads, o => o is V1Deployment { Metadata.Name: "silo" });
        Assert.Contains(workloads, o => o is V1Deployment { Metadata.Name: "web" });
        Assert.Contains(workloads, o => o is V1Job { Metadata.Name: "marketplace-migrate" });

        var failures = new List<string>();
        foreach (var workload in workloads)
        {
            var name = $"{workload.Kind}/{workload.Metadata.Name}";
            var pod = Kustomize.PodSpec(workload)!;
            if (pod.SecurityContext?.RunAsNonRoot != true || pod.SecurityContext.RunAsUser is null or 0)
            {
                failures.Add($"{name}: the pod must set runAsNonRoot and a non-zero runAsUser");
            }

            if (pod.AutomountServiceAccountToken != false)
            {
                failures.Add($"{name}: the pod talks to no Kubernetes API; automountServiceAccountToken must be false");
            }

            foreach (var container in Kustomize.Containers(workload))
            {
                var where = $"{name} container {container.Name}";
                var (_, tag) = Kustomize.SplitImage(container.Image);
                if (tag is null || tag == "latest")
                {
                    failures.Add($"{where}: image {container.Image} is not pinned");
                }

                foreach (var resource in new[] { "cpu", "memory" })
                {
                    if (container.Resources?.Limits?.ContainsKey(resource) != true)
                    {
                        failures.Add($"{where}: no {resource} limit");
                    }

                    if (container.Resources?.Requests?.ContainsKey(resource) != true)
                    {
                        failures.Add($"{where}: no {resource} request");
                    }
                }

                var security = container.SecurityContext;
                if (security?.AllowPrivilegeEscalation != false || security.ReadOnlyRootFilesystem != true
                    || security.Capabilities?.Drop?.Contains("ALL") != true || security.RunAsUser == 0 || security.Privileged == true)
                {
                    failures.Add($"{where}: needs allowPrivilegeEscalation false, readOnlyRootFilesystem true and capabilities drop ALL");
                }
            }

            if (workload is V1Deployment or V1StatefulSet)
            {
                foreach (var container in pod.Containers.Where(c => c.ReadinessProbe is null || c.LivenessProbe is null))
                {
                    failures.Add($"{name} container {container.Name}: needs readiness and liveness probes");
                }
            }
        }

        foreach (var o in objects.Where(o => o.Kind != "Namespace" && o.Metadata.NamespaceProperty is null))
        {
            failures.Add($"{o.Kind}/{o.Metadata.Name}: no namespace");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silos_are_configured_for_kubernetes_and_scale_between_two_and_ten(string overlay)
    {
        var objects = Render(overlay);
        var silo = Single<V1Deployment>(objects, "silo");
        var pod = silo.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);

        Assert.True(pod.TerminationGracePeriodSeconds >= 60, "grains need time to deactivate on SIGTERM");
        Assert.Equal("metadata.name", Env(container, "POD_NAME").ValueFrom.FieldRef.FieldPath);
        Assert.Equal("status.podIP", Env(container, "POD_IP").ValueFrom.FieldRef.FieldPath);
        var config = Single<V1ConfigMap>(objects, Assert.Single(container.EnvFrom).ConfigMapRef.Name);
        Assert.False(string.IsNullOrEmpty(config.Data["Orleans__ClusterId"]));
        Assert.False(string.IsNullOrEmpty(config.Data["Orleans__ServiceId"]));
        Assert.True(int.Parse(config.Data["Orleans__ShutdownTimeoutSeconds"]) < pod.TerminationGracePeriodSeconds);
        Assert.Equal("/health/ready", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/health/live", container.LivenessProbe.HttpGet.Path);
        Assert.Equal(["--wait", "600"], Assert.Single(pod.InitContainers).Args);
        Assert.Equal(0, int.Parse(silo.Spec.Strategy.RollingUpdate.MaxUnavailable.Value));
        Assert.Null(silo.Spec.Replicas);

        ScrapedOnItsMetricsPort(silo);
        HasDisruptionBudgetAndAutoscaler(objects, silo, minReplicas: overlay == "production" ? 3 : 2);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Web_hosts_are_reached_through_the_ingress_with_websockets_and_metrics_stay_inside(string overlay)
    {
        var objects = Render(overlay);
        var web = Single<V1Deployment>(objects, "web");
        var container = Assert.Single(web.Spec.Template.Spec.Containers);
        var httpPort = container.Ports.Single(p => p.Name == "http").ContainerPort;
        var metricsPort = container.Ports.Single(p => p.Name == "metrics").ContainerPort;
        Assert.Equal(metricsPort.ToString(), Env(container, "Metrics__Port").Value);
        Assert.Contains(metricsPort.ToString(), Env(container, "ASPNETCORE_HTTP_PORTS").Value.Split(';'));

        var service = Single<V1Service>(objects, "web");
        var servicePort = Assert.Single(service.Spec.Ports);
        Assert.Equal("http", servicePort.TargetPort.Value);
        var ingress = Single<V1Ingress>(objects, "web");
        var backends = ingress.Spec.Rules.SelectMany(r => r.Http.Paths).Select(p => p.Backend.Service).ToList();
        Assert.All(backends, b => Assert.Equal(("web", "http"), (b.Name, b.Port.Name)));
        Assert.True(int.Parse(ingress.Metadata.Annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600);
        Assert.Equal("cookie", ingress.Metadata.Annotations["nginx.ingress.kubernetes.io/affinity"]);
        Assert.DoesNotContain(objects.OfType<V1Service>(), s => s.Spec.Ports.Any(p => p.TargetPort?.Value == "metrics" || p.TargetPort?.Value == metricsPort.ToString()));
        Assert.NotEqual(httpPort, metricsPort);

        ScrapedOnItsMetricsPort(web);
        HasDisruptionBudgetAndAutoscaler(objects, web, minReplicas: 2);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Network_policies_open_only_the_paths_the_system_uses(string overlay)
    {
        var policies = Render(overlay).OfType<V1NetworkPolicy>().ToList();
        var network = new NetworkPolicies(policies);
        Dictionary<string, string> Pod(string component) => new() { ["app.kubernetes.io/name"] = "marketplace", ["app.kubernetes.io/component"] = component };
        var silo = Pod("silo");
        var web = Pod("web");
        var stranger = new Dictionary<string, string> { ["app"] = "something-else" };

        Assert.Contains(policies, p => p.Spec.PodSelector.MatchLabels is null or { Count: 0 } && p.Spec.PodSelector.MatchExpressions is null
            && p.Spec.PolicyTypes.Contains("Ingress") && p.Spec.PolicyTypes.Contains("Egress") && p.Spec.Ingress is null && p.Spec.Egress is null);
        Assert.True(network.Allows(web, silo, 30000), "web hosts reach the silo gateways");
        Assert.True(network.Allows(silo, silo, 11111), "silos reach each other");
        Assert.False(network.Allows(web, silo, 11111), "web hosts do not join the silo mesh");
        Assert.False(network.Allows(stranger, silo, 30000), "nothing else reaches a gateway");
        Assert.False(network.Allows(stranger, web, 8080), "other pods do not bypass the ingress");
        Assert.False(network.Allows(silo, web, 9464), "metrics are for the monitoring namespace");
        Assert.True(network.AllowsFromNamespace("ingress-nginx", web, 8080), "the ingress controller reaches the web hosts");
        Assert.True(network.AllowsFromNamespace("monitoring", web, 9464), "Prometheus scrapes the web hosts");
        Assert.True(network.AllowsFromNamespace("monitoring", silo, 8080), "Prometheus scrapes the silos");
        Assert.False(network.AllowsFromNamespace("ingress-nginx", silo, 30000), "the ingress controller does not reach silos");
        foreach (var component in new[] { "silo", "web", "migrator" })
        {
            Assert.True(network.AllowsEgress(Pod(component), 5432), $"{component} reaches Postgres");
        }

        Assert.True(network.AllowsEgress(web, 587) && network.AllowsEgress(web, 465), "web hosts hand emails to the SMTP relay");
        Assert.False(network.AllowsEgress(silo, 587), "silos send no email");
        Assert.False(network.AllowsEgress(Pod("migrator"), 587), "the migrator sends no email");

        if (overlay == "dev")
        {
            var postgres = Pod("postgres");
            Assert.True(network.Allows(silo, postgres, 5432) && network.Allows(web, postgres, 5432) && network.Allows(Pod("migrator"), postgres, 5432));
            Assert.False(network.Allows(Pod("sandbox"), postgres, 5432), "the sandbox has no business in the database");
            Assert.False(network.Allows(stranger, postgres, 5432));
            Assert.True(network.Allows(postgres, postgres, 5432), "each PostgreSQL pod copies and streams from the other");
        }
    }

    [Fact]
    public void The_dev_database_is_a_primary_and_a_standby_and_the_processes_use_whichever_takes_writes()
    {
        var objects = Render("dev");
        var postgres = Single<V1StatefulSet>(objects, "postgres");
        Assert.Equal(2, postgres.Spec.Replicas);
        var container = Assert.Single(postgres.Spec.Template.Spec.Containers);
        Assert.Equal(["bash", "/scripts/start.sh"], container.Command);
        var scripts = Single<V1ConfigMap>(objects, "postgres-scripts");
        Assert.Contains("pg_rewind", scripts.Data["start.sh"]);
        Assert.Contains("host replication all all scram-sha-256", scripts.Data["pg_hba.conf"]);
        Assert.Equal("None", Single<V1Service>(objects, "postgres").Spec.ClusterIP);

        var connection = new Npgsql.NpgsqlConnectionStringBuilder(Single<V1Secret>(objects, "marketplace-db").StringData["connection-string"]);
        Assert.Equal("postgres-0.postgres,postgres-1.postgres", connection.Host);
        Assert.Equal("read-write", connection.TargetSessionAttributes);
    }

    [Fact]
    public void Production_web_hosts_know_their_public_address_and_their_smtp_relay_whose_account_is_a_secret()
    {
        var objects = Render("production");
        var container = Assert.Single(Single<V1Deployment>(objects, "web").Spec.Template.Spec.Containers);
        var config = Single<V1ConfigMap>(objects, Assert.Single(container.EnvFrom).ConfigMapRef.Name);

        // A production web host refuses to start without either: emails carry absolute links and need a relay.
        Assert.StartsWith("https://", config.Data["Marketplace__PublicUrl"], StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(config.Data["Email__Smtp__Host"]));
        Assert.Equal("587", config.Data["Email__Smtp__Port"]);
        Assert.Equal("StartTls", config.Data["Email__Smtp__Security"]);
        Assert.Equal("marketplace-email", Env(container, "Email__Smtp__Password").ValueFrom.SecretKeyRef.Name);
    }

    [Fact]
    public void Production_commits_no_secret_values()
    {
        var objects = Render("production");
        Assert.DoesNotContain(objects, o => o is V1Secret);
        var failures = new List<string>();
        foreach (var container in objects.SelectMany(Kustomize.Containers))
        {
            foreach (var env in container.Env ?? [])
            {
                if (System.Text.RegularExpressions.Regex.IsMatch(env.Name, "(?i)password|secret|key|token|connectionstring") && env.Value is not null)
                {
                    failures.Add($"{container.Name}: {env.Name} has a literal value");
                }

                if (env.ValueFrom?.SecretKeyRef is { } reference && !SecretNames.Contains(reference.Name))
                {
                    failures.Add($"{container.Name}: {env.Name} reads Secret {reference.Name}, which docs/operations.md does not describe");
                }
            }

            var (name, _) = Kustomize.SplitImage(container.Image);
            if (!name.Split('/')[0].Contains('.', StringComparison.Ordinal))
            {
                failures.Add($"{container.Name}: image {container.Image} is not from a registry");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        var operations = File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "docs", "operations.md"));
        Assert.All(SecretNames, secret => Assert.Contains(secret, operations, StringComparison.Ordinal));
    }

    [Fact]
    public void The_renderer_refuses_what_it_does_not_understand()
    {
        var folder = Directory.CreateTempSubdirectory("kustomize-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "config.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: \"1\"\n");
            File.WriteAllText(Path.Combine(folder, "kustomization.yaml"),
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [config.yaml]\nconfigMapGenerator: []\n");
            Assert.ThrowsAny<Exception>(() => Kustomize.Render(folder));

            File.WriteAllText(Path.Combine(folder, "kustomization.yaml"),
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: n\nresources: [config.yaml]\n" +
                "patches:\n- target: {kind: ConfigMap, name: c}\n  patch: |-\n    - op: replace\n      path: /data/a\n      value: \"2\"\n");
            var map = Assert.IsType<V1ConfigMap>(Assert.Single(Kustomize.Render(folder)));
            Assert.Equal(("2", "n"), (map.Data["a"], map.Metadata.NamespaceProperty));

            File.WriteAllText(Path.Combine(folder, "kustomization.yaml"),
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [config.yaml]\n" +
                "patches:\n- target: {kind: ConfigMap, name: other}\n  patch: |-\n    - op: replace\n      path: /data/a\n      value: \"2\"\n");
            Assert.Throws<InvalidDataException>(() => Kustomize.Render(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static T Single<T>(IEnumerable<IKubernetesObject<V1ObjectMeta>> objects, string name) =>
        Assert.Single(objects.OfType<T>(), o => ((IKubernetesObject<V1ObjectMeta>)o!).Metadata.Name == name);

    private static V1EnvVar Env(V1Container container, string name) => Assert.Single(container.Env, e => e.Name == name);

    private static void ScrapedOnItsMetricsPort(V1Deployment deployment)
    {
        var annotations = deployment.Spec.Template.Metadata.Annotations;
        Assert.Equal("true", annotations["prometheus.io/scrape"]);
        Assert.Equal("/metrics", annotations["prometheus.io/path"]);
        Assert.Contains(deployment.Spec.Template.Spec.Containers.SelectMany(c => c.Ports), p => p.ContainerPort.ToString() == annotations["prometheus.io/port"]);
    }

    private static void HasDisruptionBudgetAndAutoscaler(IReadOnlyList<IKubernetesObject<V1ObjectMeta>> objects, V1Deployment deployment, int minReplicas)
    {
        var labels = deployment.Spec.Template.Metadata.Labels;
        var budget = Assert.Single(objects.OfType<V1PodDisruptionBudget>(), b => b.Spec.Selector.MatchLabels.All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value));
        Assert.True(budget.Spec.MaxUnavailable is not null || budget.Spec.MinAvailable is not null);
        var autoscaler = Assert.Single(objects.OfType<V2HorizontalPodAutoscaler>(), h => h.Spec.ScaleTargetRef.Kind == "Deployment" && h.Spec.ScaleTargetRef.Name == deployment.Metadata.Name);
        Assert.Equal((minReplicas, 10), (autoscaler.Spec.MinReplicas, autoscaler.Spec.MaxReplicas));
        Assert.Contains(autoscaler.Spec.Metrics, m => m.Resource?.Name == "cpu");
    }
}
