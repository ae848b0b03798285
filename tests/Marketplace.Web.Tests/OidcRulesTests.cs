using Marketplace.Web.OpenId;

namespace Marketplace.Web.Tests;

public sealed class OidcRulesTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(90);
    private static readonly TimeSpan Ahead = TimeSpan.FromDays(2);
    private static readonly TimeSpan Retention = TimeSpan.FromHours(2);

    private static OidcKeyTimes Key(string id, DateTimeOffset from, OidcKeyUse use = OidcKeyUse.Signing) =>
        new(id, use, from, from + Lifetime, from + Lifetime + Retention);

    [Fact]
    public void The_first_key_starts_at_once_and_the_next_is_planned_only_when_the_current_nears_its_end()
    {
        var first = OidcKeyRules.NextDue([], OidcKeyUse.Signing, Start, Lifetime, Ahead, Retention);
        Assert.Equal(new OidcKeyPlan(Start, Start + Lifetime, Start + Lifetime + Retention), first);

        var keys = new[] { Key("a", Start) };
        Assert.Null(OidcKeyRules.NextDue(keys, OidcKeyUse.Signing, Start + Lifetime - Ahead - TimeSpan.FromMinutes(1), Lifetime, Ahead, Retention));
        var next = OidcKeyRules.NextDue(keys, OidcKeyUse.Signing, Start + Lifetime - Ahead, Lifetime, Ahead, Retention);
        Assert.Equal(Start + Lifetime, next!.Value.ActiveFrom); // takes over exactly when the current ends, published two days ahead

        // Encryption keys are planned on their own.
        Assert.NotNull(OidcKeyRules.NextDue(keys, OidcKeyUse.Encryption, Start, Lifetime, Ahead, Retention));
    }

    [Fact]
    public void After_a_long_stop_a_new_key_starts_at_once()
    {
        var keys = new[] { Key("a", Start) };
        var now = Start + Lifetime + TimeSpan.FromDays(30);
        Assert.Equal(now, OidcKeyRules.NextDue(keys, OidcKeyUse.Signing, now, Lifetime, Ahead, Retention)!.Value.ActiveFrom);
    }

    [Fact]
    public void The_current_key_signs_first_and_a_key_published_ahead_or_still_kept_follows()
    {
        var old = Key("old", Start - Lifetime);
        var current = Key("current", Start);
        var next = Key("next", Start + Lifetime);
        var keys = new[] { next, old, current };

        // Just after the handover from old to current: old is still kept (its tokens live), next not yet made.
        var kept = OidcKeyRules.Kept(keys, OidcKeyUse.Signing, Start + TimeSpan.FromMinutes(1));
        Assert.Equal(["current", "next", "old"], kept.Select(k => k.Id));

        // Past old's retention it is gone; once next's turn comes it signs, and current is kept.
        Assert.Equal(["current", "next"], OidcKeyRules.Kept(keys, OidcKeyUse.Signing, Start + Retention + TimeSpan.FromMinutes(1)).Select(k => k.Id));
        Assert.Equal(["next", "current"], OidcKeyRules.Kept(keys, OidcKeyUse.Signing, Start + Lifetime).Select(k => k.Id));
        Assert.Empty(OidcKeyRules.Kept(keys, OidcKeyUse.Encryption, Start));
    }

    [Fact]
    public void Rotating_now_ends_the_current_key_keeps_it_for_its_tokens_and_cancels_a_waiting_key()
    {
        var now = Start + TimeSpan.FromDays(89);
        var current = Key("current", Start);
        var waiting = Key("waiting", Start + Lifetime);
        var ended = OidcKeyRules.EndNow([current, waiting], OidcKeyUse.Signing, now, Retention);

        var endedCurrent = ended.Single(k => k.Id == "current");
        Assert.Equal((now, now + Retention), (endedCurrent.ActiveUntil, endedCurrent.RetireAt));
        Assert.False(ended.Single(k => k.Id == "waiting").KeptAt(now));

        // The replacement starts now, not when the cancelled key would have.
        var plan = OidcKeyRules.NextDue(ended, OidcKeyUse.Signing, now, Lifetime, Ahead, Retention);
        Assert.Equal(now, plan!.Value.ActiveFrom);
        var replacement = new OidcKeyTimes("new", OidcKeyUse.Signing, plan.Value.ActiveFrom, plan.Value.ActiveUntil, plan.Value.RetireAt);
        Assert.Equal(["new", "current"], OidcKeyRules.Kept([.. ended, replacement], OidcKeyUse.Signing, now).Select(k => k.Id));
        Assert.Empty(OidcKeyRules.EndNow([current], OidcKeyUse.Encryption, now, Retention));
    }

    [Fact]
    public void Rows_go_a_day_after_retirement()
    {
        var key = Key("a", Start);
        Assert.False(OidcKeyRules.Deletable(key, key.RetireAt + TimeSpan.FromHours(23)));
        Assert.True(OidcKeyRules.Deletable(key, key.RetireAt + TimeSpan.FromHours(25)));
    }

    [Theory]
    [InlineData("https://directory.example/signin-oidc", false, null)]
    [InlineData("http://127.0.0.1:5000/cb", true, null)]
    [InlineData("http://directory.example/cb", false, "redirectUris")]
    [InlineData("https://directory.example/cb#top", false, "redirectUris")]
    [InlineData("https://user@directory.example/cb", false, "redirectUris")]
    [InlineData("/relative/cb", false, "redirectUris")]
    [InlineData("javascript:alert(1)", false, "redirectUris")]
    public void A_redirect_uri_is_absolute_https_and_exact(string uri, bool allowHttp, string? error)
    {
        var errors = OidcClientRules.Validate(new OidcClientRequest { DisplayName = "Directory", RedirectUris = [uri] }, allowHttp);
        Assert.Equal(error, errors.Keys.SingleOrDefault());
    }

    [Fact]
    public void Client_ids_and_scopes_are_checked_and_openid_is_always_granted()
    {
        Assert.Contains("clientId", OidcClientRules.Validate(new OidcClientRequest { ClientId = "a b", DisplayName = "X", RedirectUris = ["https://a.example/cb"] }, false).Keys);
        Assert.Contains("scopes", OidcClientRules.Validate(new OidcClientRequest { DisplayName = "X", RedirectUris = ["https://a.example/cb"], Scopes = ["admin"] }, false).Keys);
        Assert.Contains("redirectUris", OidcClientRules.Validate(new OidcClientRequest { DisplayName = "X", RedirectUris = ["https://a.example/cb", "https://a.example/cb"] }, false).Keys);
        Assert.Contains("postLogoutRedirectUris", OidcClientRules.Validate(new OidcClientRequest
        {
            DisplayName = "X", RedirectUris = ["https://a.example/cb"], PostLogoutRedirectUris = ["ftp://a.example/"],
        }, false).Keys);

        Assert.Equal(["openid", "email"], OidcClientRules.Scopes(new OidcClientRequest { Scopes = ["email"] }));
        Assert.Equal(["openid", "profile", "email"], OidcClientRules.Scopes(new OidcClientRequest()));
        Assert.NotEqual(OidcClientRules.NewSecret(), OidcClientRules.NewSecret());
        Assert.True(OidcClientRules.NewSecret().Length >= 43);
    }
}
