using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace Marketplace.ServiceDefaults;

/// <summary>
/// Sends a grain call again when the cluster refused it without running it: the target silo is stopping (scale-in, a
/// rolling update) or gone, or the message could not be delivered. A rejected call had no effect, so repeating it is
/// safe for reads and writes alike; a moment later the grain answers from another silo. Timeouts are not retried —
/// whether such a call ran is unknown, and that is left to the operation's own idempotency. Installed on silos (grain to
/// grain calls) and on the web host (client calls).
/// </summary>
public sealed partial class RetryRejectedCalls(ILogger<RetryRejectedCalls> logger) : IOutgoingGrainCallFilter
{
    /// <summary>About 1.5 s in all: long enough for a leaving silo's grains to activate elsewhere, short for a request.</summary>
    private static readonly TimeSpan[] Delays = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(1000)];

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        // Only the marketplace's own grains: Orleans' system calls (membership probes, directory, dashboard) have
        // their own failure handling, and a refused probe is itself the signal.
        if (context.InterfaceMethod?.DeclaringType?.Namespace?.StartsWith("Marketplace.", StringComparison.Ordinal) != true)
        {
            await context.Invoke();
            return;
        }

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await context.Invoke();
                return;
            }
            catch (Exception e) when (attempt < Delays.Length && IsRejection(e))
            {
                LogRetry(logger, context.InterfaceName, context.MethodName, e.Message, attempt + 1);
                await Task.Delay(Delays[attempt]);
            }
        }
    }

    private static bool IsRejection(Exception e) => e is OrleansMessageRejectionException or SiloUnavailableException or GatewayTooBusyException;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Interface}.{Method} was refused by the cluster ({Reason}); sending it again (retry {Attempt})")]
    private static partial void LogRetry(ILogger logger, string @interface, string method, string reason, int attempt);
}
