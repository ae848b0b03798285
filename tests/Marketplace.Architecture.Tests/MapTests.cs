using System.Reflection;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnitV3;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace Marketplace.Architecture.Tests;

/// <summary>
/// The map in docs/architecture.md, held against the compiled code: which project may use which, and inside the web
/// host which areas may use which. A dependency the map forbids fails here, naming the types involved.
/// </summary>
public sealed class MapTests
{
    private const string Web = "Marketplace.Web";

    /// <summary>The web host's areas that serve a part of the product (the others are the ground they stand on).</summary>
    private static readonly string[] ProductAreas =
        ["Catalog", "Search", "Cart", "Orders", "Returns", "Community", "Notifications", "Finance", "Promotions", "SellerConsole", "Admin", "Integrations", "Realtime"];

    /// <summary>What every area may build on: cross-cutting HTTP, page chrome, accounts (with single sign-on) and media.</summary>
    private static readonly string[] GroundAreas = ["Infrastructure", "Shared", "Accounts", "OpenId", "Media"];

    private static readonly Lazy<ArchUnitNET.Domain.Architecture> WebHost = new(() =>
        new ArchLoader().LoadAssemblies(Assembly.Load(Web)).Build());

    public static TheoryData<string, string[]> ProjectReferences => new()
    {
        { "Marketplace.Contracts", [] },
        { "Marketplace.ServiceDefaults", [] },
        { "Marketplace.Sandbox", [] },
        // Email (outbox, templates, sender) knows nothing of the product: the web host gives it links and recipients.
        { "Marketplace.Email", [] },
        { "Marketplace.Grains", ["Marketplace.Contracts"] },
        { "Marketplace.Migrator", ["Marketplace.Contracts", "Marketplace.Grains"] },
        { "Marketplace.Silo", ["Marketplace.Contracts", "Marketplace.Grains", "Marketplace.ServiceDefaults"] },
        // The web host names the demo only where it seeds, which runs only when Demo:Seed is on.
        { Web, ["Marketplace.Contracts", "Marketplace.ServiceDefaults", "Marketplace.Email", "Marketplace.Demo"] },
        { "Marketplace.Demo", ["Marketplace.Contracts"] },
        // The benchmark module: the hosts load it by name when it is switched on and never name it (see below).
        { "Marketplace.OnlineMarketplace.Contracts", ["Marketplace.Contracts"] },
        { "Marketplace.OnlineMarketplace.Grains", ["Marketplace.Contracts", "Marketplace.Grains", "Marketplace.ServiceDefaults", "Marketplace.OnlineMarketplace.Contracts"] },
        { "Marketplace.OnlineMarketplace.Web", ["Marketplace.Contracts", "Marketplace.ServiceDefaults", "Marketplace.OnlineMarketplace.Contracts"] },
    };

    [Theory]
    [MemberData(nameof(ProjectReferences))]
    public void A_project_uses_only_the_projects_the_map_allows(string project, string[] allowed)
    {
        var used = Assembly.Load(project).GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(name => name.StartsWith("Marketplace.", StringComparison.Ordinal))
            .ToList();
        Assert.True(used.All(allowed.Contains), $"{project} uses {string.Join(", ", used.Except(allowed))}, which the map does not allow");
    }

    [Theory]
    [InlineData("Marketplace.Silo")]
    [InlineData(Web)]
    public void The_hosts_carry_no_trace_of_the_benchmark_module(string host)
    {
        // Orleans' code generation names every referenced Orleans assembly as an application part of the host, which
        // would load it at start-up; the hosts only copy the module next to themselves, so no attribute may name it.
        var assembly = Assembly.Load(host);
        var named = assembly.GetReferencedAssemblies().Select(a => a.Name!)
            .Concat(assembly.GetCustomAttributesData().SelectMany(a => a.ConstructorArguments).Select(a => a.Value as string ?? ""))
            .Where(name => name.StartsWith("Marketplace.OnlineMarketplace", StringComparison.Ordinal))
            .Distinct()
            .ToList();
        Assert.True(named.Count == 0, $"{host} names {string.Join(", ", named)}");
    }

    [Theory]
    [InlineData("Marketplace.Contracts")]
    [InlineData("Marketplace.Grains")]
    [InlineData("Marketplace.Email")]
    public void State_owners_their_contracts_and_the_email_sender_know_nothing_of_HTTP_hosting(string project)
    {
        var web = Assembly.Load(project).GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(name => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal))
            .ToList();
        Assert.True(web.Count == 0, $"{project} references {string.Join(", ", web)}");
    }

    /// <summary>Each ground area with the product areas it may still use, and why.</summary>
    public static TheoryData<string, string[]> Ground => new()
    {
        { "Infrastructure", [] },
        { "Shared", [] },
        { "Media", [] },
        // Signing up as a seller opens the seller's store in the same request (RegisterRequest carries a StoreRequest).
        { "Accounts", ["Catalog"] },
    };

    [Theory]
    [MemberData(nameof(Ground))]
    public void The_ground_areas_do_not_depend_on_product_areas(string area, string[] allowed)
    {
        var forbidden = ProductAreas.Except(allowed).ToList();
        var productAreas = Types().That().ResideInNamespaceOrBelow($"{Web}.{forbidden[0]}");
        foreach (var other in forbidden.Skip(1))
        {
            productAreas = productAreas.Or().ResideInNamespaceOrBelow($"{Web}.{other}");
        }

        Types().That().ResideInNamespaceOrBelow($"{Web}.{area}")
            .Should().NotDependOnAny(productAreas)
            .Because("areas build on the ground, never the other way round")
            .Check(WebHost.Value);
    }

    public static TheoryData<string> Areas => new(ProductAreas.Concat(GroundAreas));

    [Theory]
    [MemberData(nameof(Areas))]
    public void Pages_are_adapters_that_no_other_code_depends_on(string area)
    {
        Types().That().ResideInNamespaceOrBelow(Web).And().DoNotResideInNamespaceOrBelow($"{Web}.{area}.Pages")
            .Should().NotDependOnAny(Types().That().ResideInNamespaceOrBelow($"{Web}.{area}.Pages"))
            .Because("a use case both the API and a page need lives once, outside the page")
            .Check(WebHost.Value);
    }
}
