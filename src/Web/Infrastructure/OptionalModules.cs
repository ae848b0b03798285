using Marketplace.ServiceDefaults;
using Marketplace.ServiceDefaults.Modules;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// The optional modules of the web host. The Online Marketplace benchmark module is loaded only when
/// <c>OnlineMarketplace:Enabled</c> (refused in Production); without it, its whole prefix answers 404 problem details.
/// </summary>
public static class OptionalModules
{
    /// <summary>Loads the benchmark module's web side when it is switched on, and adds its services; none otherwise.</summary>
    public static IReadOnlyList<IWebModule> AddBenchmarkModule(this WebApplicationBuilder builder)
    {
        if (!BenchmarkModule.IsEnabled(builder.Configuration, builder.Environment))
        {
            return [];
        }

        var modules = ModuleLoader.Load<IWebModule>(builder.Services, BenchmarkModule.WebAssembly, BenchmarkModule.EnabledKey);
        foreach (var module in modules)
        {
            module.AddServices(builder.Services);
        }

        return modules;
    }

    public static IEndpointRouteBuilder MapBenchmarkModule(this IEndpointRouteBuilder routes, IReadOnlyList<IWebModule> modules)
    {
        if (modules.Count == 0)
        {
            routes.Map(BenchmarkModule.RoutePrefix + "/{**rest}", () => ApiProblems.Problem(StatusCodes.Status404NotFound, "module-off",
                "The Online Marketplace benchmark module is off (OnlineMarketplace:Enabled).")).ExcludeFromDescription();
        }

        foreach (var module in modules)
        {
            module.Map(routes);
        }

        return routes;
    }
}
