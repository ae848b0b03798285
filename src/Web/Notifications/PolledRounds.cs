namespace Marketplace.Web.Notifications;

/// <summary>A background worker's loop over the database: rounds back to back while there is work, a pause when idle.</summary>
public static class PolledRounds
{
    /// <summary>
    /// Runs <paramref name="round"/> until the host stops. A round answers whether it found work (then the next one
    /// starts at once); a round that fails is reported and followed by the idle pause, so a failing database is not
    /// hammered.
    /// </summary>
    public static async Task RunAsync(
        Func<CancellationToken, Task<bool>> round, Func<TimeSpan> pause, Action<Exception> failed, TimeProvider clock, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var busy = false;
            try
            {
                busy = await round(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                failed(e);
            }

            if (!busy)
            {
                try
                {
                    await Task.Delay(pause(), clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
