using System.Security.Claims;
using Marketplace.Web.Shared;

namespace Marketplace.Web.Accounts;

/// <summary>Signing a browser in after any kind of sign-in (password, registration, another site's provider).</summary>
public static class WebSignIn
{
    /// <summary>
    /// Signs the browser in and brings along what it collected as a guest: the account takes over the guest identity
    /// the cookie proves, and the guest's cart is merged into the account's. (The caller it sets for the merge does not
    /// outlive this method; handlers that call grains afterwards use <see cref="WebSession.ActAsCurrentUser"/>.)
    /// </summary>
    public static async Task KeepingCartAsync(HttpContext http, AccountService accounts, IReadOnlyList<Claim> claims, CancellationToken ct)
    {
        var guestId = http.User.IsInRole(RoleNames.Guest) ? http.User.FindFirstValue(MarketplaceClaims.Subject) : null;
        await WebSession.SignInUserAsync(http, claims);
        if (guestId is null)
        {
            return;
        }

        var userId = http.User.UserId();
        await accounts.AdoptGuestAsync(guestId, userId, ct);
        CallerContext.Set(CallerIdentity.From(http.User)! with { ProvenGuestId = guestId });
        await http.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<Marketplace.Contracts.Cart.ICartGrain>(userId).MergeGuest(guestId);
    }
}
