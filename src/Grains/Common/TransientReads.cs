namespace Marketplace.Grains.Common;

/// <summary>
/// Grain-to-grain reads that survive a silo leaving. While a silo shuts down, a call to a grain it still hosts can be
/// refused (<see cref="SiloUnavailableException"/>); a moment later the grain answers from another silo. A read has no
/// effect, so it is simply asked again; writes are never retried here.
/// </summary>
internal static class TransientReads
{
    private static readonly TimeSpan[] Delays = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500)];

    public static async Task<T> ReadAsync<T>(Func<Task<T>> read)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await read();
            }
            catch (SiloUnavailableException) when (attempt < Delays.Length)
            {
                await Task.Delay(Delays[attempt]);
            }
        }
    }
}
