using System.Security.Claims;
using Marketplace.Contracts.Cart;
using Marketplace.Web.Accounts;

namespace Marketplace.Web.Shared;

/// <summary>What the header of every page shows about the visitor: who they are, their cart size and unread notifications.</summary>
public sealed partial class PageChrome(IHttpContextAccessor accessor, IGrainFactory grains, ILogger<PageChrome> logger)
{
    /// <summary>The X-Requested-With value of the live script's re-reads (Shared/Assets/js/live.js).</summary>
    public const string LiveRefreshHeader = "live";

    private bool loaded;

    public ClaimsPrincipal User => accessor.HttpContext!.User;

    public bool SignedIn => User.Identity?.IsAuthenticated == true && !User.IsInRole(RoleNames.Guest);

    public bool IsVisitor => User.Identity?.IsAuthenticated == true;

    public string DisplayName => User.FindFirstValue(MarketplaceClaims.Name) ?? "";

    public string? SellerId => User.SellerId();

    public bool IsAdmin => User.IsAdmin();

    public bool IsAdminAccount => User.IsInRole(RoleNames.Admin);

    /// <summary>A signed-in account whose address is not confirmed yet: every page reminds it (cookies from before say nothing).</summary>
    public bool EmailUnverified => SignedIn && User.FindFirstValue(MarketplaceClaims.EmailVerified) == "false";

    public int CartItems { get; private set; }

    public int Unread { get; private set; }

    /// <summary>Reads the counters once per request; a cluster hiccup shows zeros instead of failing the page.</summary>
    public async Task LoadAsync()
    {
        if (loaded)
        {
            return;
        }

        loaded = true;
        // The live script re-reads a page only for its live regions; the header's counters would be read for nothing.
        if (!IsVisitor || accessor.HttpContext!.Request.Headers["X-Requested-With"] == LiveRefreshHeader)
        {
            return;
        }

        try
        {
            var userId = User.UserId();
            var lines = grains.GetGrain<ICartGrain>(userId).GetLines();
            var unread = SignedIn ? grains.GetGrain<INotificationInboxGrain>(userId).GetUnreadCount() : Task.FromResult(0);
            CartItems = (await lines).Sum(l => l.Quantity);
            Unread = await unread;
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or DomainException)
        {
            LogCountersFailed(logger, e.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The page header's counters could not be read ({Error})")]
    private static partial void LogCountersFailed(ILogger logger, string error);
}
