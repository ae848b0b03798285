namespace Marketplace.Grains.Common;

/// <summary>How every grain persists its state.</summary>
public static class StateWrites
{
    /// <summary>
    /// Writes the state; when the write fails, memory may be ahead of (or, if it did commit, behind) the database, so
    /// the activation is retired and the next call reloads from storage.
    /// </summary>
    public static async Task WriteOrReloadAsync<T>(this IPersistentState<T> state, IGrainBase grain)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            grain.DeactivateOnIdle();
            throw;
        }
    }
}
