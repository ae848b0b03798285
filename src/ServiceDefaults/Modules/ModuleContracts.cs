using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.ServiceDefaults.Modules;

/// <summary>Names a type of an optional module's assembly that a host runs when it loads the module.</summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class MarketplaceModuleAttribute(Type type) : Attribute
{
    public Type Type { get; } = type;
}

/// <summary>What an optional module adds to a silo (its grains are found through the assembly's Orleans metadata).</summary>
public interface ISiloModule
{
    void AddServices(IServiceCollection services);
}

/// <summary>What an optional module adds to a web host: its services, and its endpoints.</summary>
public interface IWebModule
{
    void AddServices(IServiceCollection services);

    void Map(IEndpointRouteBuilder routes);
}
