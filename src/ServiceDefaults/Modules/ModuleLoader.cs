using System.Reflection;
using System.Runtime.Loader;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Marketplace.ServiceDefaults.Modules;

/// <summary>
/// Loads an optional module (such as the Online Marketplace benchmark's) by assembly name, only when its setting is on.
/// No host references a module's assemblies: a build may leave them out (the container images do), so a host finds them
/// next to its own and tells Orleans about their grain interfaces, grain classes and serializers itself, as Orleans does
/// for the assemblies a host references.
/// </summary>
public static class ModuleLoader
{
    // A module's own dependencies (its contracts) sit next to it and are not in the host's dependency list either.
    static ModuleLoader() => AssemblyLoadContext.Default.Resolving += NextToHost;

    /// <summary>
    /// Loads <paramref name="assemblyName"/>, registers its Orleans metadata with <paramref name="services"/>, and answers
    /// the modules of type <typeparamref name="T"/> it declares. Fails with the reason when the assembly is not there.
    /// </summary>
    public static IReadOnlyList<T> Load<T>(IServiceCollection services, string assemblyName, string settingKey)
        where T : class
    {
        Assembly assembly;
        try
        {
            assembly = AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName(assemblyName));
        }
        catch (FileNotFoundException)
        {
            throw new InvalidOperationException(
                $"{settingKey} is on, but {assemblyName}.dll is not in {AppContext.BaseDirectory}: this build was made without " +
                $"the module (as the container images are). Turn {settingKey} off, or run a build that includes the module.");
        }

        // The module's application parts name the assemblies whose Orleans metadata it builds on (its contracts).
        var parts = assembly.GetCustomAttributes<ApplicationPartAttribute>()
            .Select(part => AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName(part.AssemblyName)))
            .Prepend(assembly)
            .Distinct()
            .ToList();
        services.AddSerializer(serializer =>
        {
            foreach (var part in parts)
            {
                serializer.AddAssembly(part);
            }
        });

        var modules = assembly.GetCustomAttributes<MarketplaceModuleAttribute>()
            .Where(declared => typeof(T).IsAssignableFrom(declared.Type))
            .Select(declared => (T)Activator.CreateInstance(declared.Type)!)
            .ToList();
        return modules.Count > 0
            ? modules
            : throw new InvalidOperationException($"{assemblyName} declares no {typeof(T).Name} ([assembly: MarketplaceModule(...)]).");
    }

    private static Assembly? NextToHost(AssemblyLoadContext context, AssemblyName name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, name.Name + ".dll");
        return File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
    }
}
