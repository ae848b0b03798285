namespace Marketplace.OnlineMarketplace.Grains;

/// <summary>
/// Grain calls made on behalf of one of the benchmark's stores or customers. The caller is set in this async flow
/// only: the grains called check it as they check any web host's caller, and the module's own caller is back once the
/// awaited call returns.
/// </summary>
internal static class OmCalls
{
    public static async Task<T> As<T>(Caller caller, Func<Task<T>> call)
    {
        CallerContext.Set(caller);
        return await call();
    }

    public static async Task As(Caller caller, Func<Task> call)
    {
        CallerContext.Set(caller);
        await call();
    }
}
