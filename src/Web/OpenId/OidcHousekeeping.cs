using OpenIddict.Abstractions;

namespace Marketplace.Web.OpenId;

/// <summary>
/// Deletes the provider's expired and revoked tokens and unused consents once they are a day old, every hour, on each
/// web host (the deletes are idempotent). Without it every sign-in would leave rows behind for good.
/// </summary>
public sealed partial class OidcHousekeeping(IServiceScopeFactory scopes, TimeProvider clock, ILogger<OidcHousekeeping> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var threshold = clock.GetUtcNow().AddDays(-1);
                var tokens = await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().PruneAsync(threshold, stoppingToken);
                var authorizations = await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().PruneAsync(threshold, stoppingToken);
                LogPruned(logger, tokens, authorizations);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pruned {Tokens} OpenID Connect tokens and {Authorizations} consents")]
    private static partial void LogPruned(ILogger logger, long tokens, long authorizations);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning OpenID Connect tokens failed; the next hour tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
