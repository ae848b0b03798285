using System.Text.RegularExpressions;
using System.Xml.Linq;
using Marketplace.Testing;

namespace Marketplace.Deployment.Tests;

/// <summary>
/// The container images, checked statically (there is no Docker engine to build them here): multi-stage builds on
/// pinned base images, no SDK in the runtime image, a numeric non-root user, health checks, no secrets, and a restore
/// step that copies every project the build needs.
/// </summary>
public sealed partial class DockerfileTests
{
    /// <summary>Every process the system runs gets an image.</summary>
    public static readonly TheoryData<string> Processes = new("Silo", "Web", "Migrator", "Sandbox");

    private static string Source(string process) => Path.Combine(TestEnvironment.RepositoryRoot, "src", process);

    [Fact]
    public void Every_process_project_has_an_image()
    {
        var executables = Directory.GetDirectories(Path.Combine(TestEnvironment.RepositoryRoot, "src"))
            .Where(dir => Directory.GetFiles(dir, "*.csproj").Any(IsExecutable))
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal);
        Assert.Equal(Processes.Select(p => p.Data).Order(StringComparer.Ordinal), executables);
    }

    [Theory]
    [MemberData(nameof(Processes))]
    public void The_image_is_built_in_stages_from_pinned_bases_and_runs_unprivileged(string process)
    {
        var instructions = Parse(File.ReadAllText(Path.Combine(Source(process), "Dockerfile")));
        var stages = instructions.Where(i => i.Verb == "FROM").ToList();
        Assert.True(stages.Count >= 2, "a build stage and a runtime stage");
        var stageNames = stages.Select(s => s.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(a => a.Length == 3).Select(a => a[2]).ToHashSet();
        foreach (var stage in stages)
        {
            var image = stage.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            if (stageNames.Contains(image))
            {
                continue;
            }

            Assert.Matches(PinnedImage(), image);
        }

        var runtime = instructions.SkipWhile(i => i != stages[^1]).ToList();
        var runtimeBase = runtime[0].Arguments.Split(' ')[0];
        Assert.DoesNotContain("/sdk", runtimeBase, StringComparison.Ordinal);
        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/(aspnet|runtime):10\.0\.\d+$", runtimeBase);

        var user = Assert.Single(runtime, i => i.Verb == "USER").Arguments;
        Assert.Matches(@"^[1-9]\d*(:[1-9]\d*)?$", user);
        Assert.True(runtime.FindIndex(i => i.Verb == "USER") < runtime.FindIndex(i => i.Verb == "ENTRYPOINT"));
        Assert.Contains($"\"Marketplace.{process}.dll\"", Assert.Single(runtime, i => i.Verb == "ENTRYPOINT").Arguments, StringComparison.Ordinal);
        Assert.DoesNotContain(runtime, i => i.Verb == "RUN");
    }

    [Theory]
    [MemberData(nameof(Processes))]
    public void Servers_have_a_health_check_on_their_health_endpoint(string process)
    {
        var healthCheck = Assert.Single(Parse(File.ReadAllText(Path.Combine(Source(process), "Dockerfile"))), i => i.Verb == "HEALTHCHECK").Arguments;
        if (process == "Migrator")
        {
            Assert.Equal("NONE", healthCheck);
            return;
        }

        Assert.Contains("/health/live", healthCheck, StringComparison.Ordinal);
        Assert.Matches(@"--interval=\d+s", healthCheck);
    }

    [Theory]
    [MemberData(nameof(Processes))]
    public void No_secret_is_baked_into_the_image(string process)
    {
        foreach (var instruction in Parse(File.ReadAllText(Path.Combine(Source(process), "Dockerfile"))).Where(i => i.Verb is "ENV" or "ARG" or "LABEL"))
        {
            foreach (Match assignment in Assignment().Matches(instruction.Arguments))
            {
                Assert.DoesNotMatch("(?i)password|secret|signingkey|apikey|api_key|token|connectionstring|marketplace_db", assignment.Groups["name"].Value);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Processes))]
    public void The_restore_step_copies_every_project_the_build_needs(string process)
    {
        var instructions = Parse(File.ReadAllText(Path.Combine(Source(process), "Dockerfile")));
        var restore = instructions.FindIndex(i => i.Verb == "RUN" && i.Arguments.Contains("dotnet restore", StringComparison.Ordinal));
        Assert.True(restore > 0, "a separate restore step, so package layers are cached");
        var copied = instructions.Take(restore).Where(i => i.Verb == "COPY").SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1)).ToHashSet();

        foreach (var file in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props" })
        {
            Assert.Contains(file, copied);
        }

        foreach (var project in ProjectClosure(Path.Combine(Source(process), $"Marketplace.{process}.csproj"), asTheImageBuildsIt: true))
        {
            Assert.Contains(Path.GetRelativePath(TestEnvironment.RepositoryRoot, project).Replace('\\', '/'), copied);
        }
    }

    /// <summary>
    /// The Online Marketplace benchmark module is never in an image: a host builds it next to itself only while the
    /// MSBuild property BenchmarkModule is not false, and every image restores and publishes with it false.
    /// </summary>
    [Theory]
    [MemberData(nameof(Processes))]
    public void The_image_leaves_the_benchmark_module_out(string process)
    {
        var host = Path.Combine(Source(process), $"Marketplace.{process}.csproj");
        Assert.DoesNotContain(ProjectClosure(host, asTheImageBuildsIt: true), IsBenchmarkModule);
        if (!ProjectClosure(host, asTheImageBuildsIt: false).Any(IsBenchmarkModule))
        {
            return;
        }

        var builds = Parse(File.ReadAllText(Path.Combine(Source(process), "Dockerfile")))
            .Where(i => i.Verb == "RUN" && (i.Arguments.Contains("dotnet restore", StringComparison.Ordinal)
                                            || i.Arguments.Contains("dotnet publish", StringComparison.Ordinal)))
            .ToList();
        Assert.Equal(2, builds.Count);
        Assert.All(builds, run => Assert.Matches(@"[/-]p:BenchmarkModule=false(\s|$)", run.Arguments));
    }

    [Fact]
    public void The_build_context_leaves_out_local_outputs_and_data()
    {
        var ignored = File.ReadAllLines(Path.Combine(TestEnvironment.RepositoryRoot, ".dockerignore")).Select(l => l.Trim()).ToHashSet();
        Assert.Superset(new HashSet<string> { "**/bin/", "**/obj/", ".git/", ".data/", ".test-data/" }, ignored);
    }

    private static bool IsExecutable(string project)
    {
        var xml = XDocument.Load(project);
        return xml.Root!.Attribute("Sdk")?.Value == "Microsoft.NET.Sdk.Web"
            || xml.Descendants("OutputType").Any(e => e.Value == "Exe");
    }

    private static bool IsBenchmarkModule(string project) =>
        project.Contains($"{Path.DirectorySeparatorChar}OnlineMarketplace{Path.DirectorySeparatorChar}", StringComparison.Ordinal);

    /// <summary>
    /// Every project <paramref name="project"/> builds. As the image builds it, references under the condition
    /// <c>'$(BenchmarkModule)' != 'false'</c> (on themselves or their item group) are left out.
    /// </summary>
    private static IEnumerable<string> ProjectClosure(string project, bool asTheImageBuildsIt)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next))
            {
                continue;
            }

            foreach (var reference in XDocument.Load(next).Descendants("ProjectReference")
                         .Where(r => !asTheImageBuildsIt || !OnlyWithBenchmarkModule(r)))
            {
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(next)!, reference.Attribute("Include")!.Value.Replace('\\', '/'))));
            }
        }

        return seen;
    }

    private static bool OnlyWithBenchmarkModule(XElement reference) =>
        new[] { reference, reference.Parent! }.Any(e => e.Attribute("Condition")?.Value.Replace(" ", "", StringComparison.Ordinal)
            == "'$(BenchmarkModule)'!='false'");

    private sealed record Instruction(string Verb, string Arguments);

    /// <summary>Instructions with their continuation lines joined and comments dropped.</summary>
    private static List<Instruction> Parse(string dockerfile)
    {
        var instructions = new List<Instruction>();
        var current = "";
        foreach (var raw in dockerfile.Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (line.StartsWith('#') || (line.Length == 0 && current.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                current += line[..^1] + " ";
                continue;
            }

            current += line;
            var space = current.IndexOf(' ', StringComparison.Ordinal);
            instructions.Add(new Instruction(current[..space].ToUpperInvariant(), current[(space + 1)..].Trim()));
            current = "";
        }

        return instructions;
    }

    /// <summary>A registry image with an exact version (major.minor.patch) or a digest; never a floating or latest tag.</summary>
    [GeneratedRegex(@"^[a-z0-9.\-/]+(:\d+\.\d+\.\d+[a-z0-9.\-]*|@sha256:[0-9a-f]{64})$")]
    private static partial Regex PinnedImage();

    [GeneratedRegex(@"(?<name>[A-Za-z_][A-Za-z0-9_]*)=")]
    private static partial Regex Assignment();
}
