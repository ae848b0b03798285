namespace Marketplace.Web.OpenId;

/// <summary>What a provider key is for: signing tokens (published in the JWKS) or encrypting codes and refresh tokens.</summary>
public enum OidcKeyUse
{
    Signing,
    Encryption,
}

/// <summary>A key's schedule: it makes new tokens from <see cref="ActiveFrom"/> to <see cref="ActiveUntil"/> and still counts until <see cref="RetireAt"/>.</summary>
public sealed record OidcKeyTimes(string Id, OidcKeyUse Use, DateTimeOffset ActiveFrom, DateTimeOffset ActiveUntil, DateTimeOffset RetireAt)
{
    public bool ActiveAt(DateTimeOffset now) => ActiveFrom <= now && now < ActiveUntil;

    public bool KeptAt(DateTimeOffset now) => now < RetireAt;
}

/// <summary>The schedule of one key to create.</summary>
public readonly record struct OidcKeyPlan(DateTimeOffset ActiveFrom, DateTimeOffset ActiveUntil, DateTimeOffset RetireAt);

/// <summary>
/// How the provider's keys rotate, as pure rules over their schedules: each key is published a while before it starts
/// signing, signs for its lifetime, and stays published (or able to decrypt) until every token it made has expired.
/// </summary>
public static class OidcKeyRules
{
    /// <summary>Rows past their retirement by this much are deleted.</summary>
    public static readonly TimeSpan DeleteAfterRetirement = TimeSpan.FromDays(1);

    /// <summary>The key that makes new tokens now: of the active ones, the one that started last.</summary>
    public static OidcKeyTimes? Current(IEnumerable<OidcKeyTimes> keys, OidcKeyUse use, DateTimeOffset now) =>
        keys.Where(k => k.Use == use && k.ActiveAt(now)).OrderByDescending(k => k.ActiveFrom).ThenBy(k => k.Id, StringComparer.Ordinal).FirstOrDefault();

    /// <summary>
    /// The keys that still count, the current one first (it signs), then the others newest first (they validate, or are
    /// published ahead of their turn).
    /// </summary>
    public static IReadOnlyList<OidcKeyTimes> Kept(IEnumerable<OidcKeyTimes> keys, OidcKeyUse use, DateTimeOffset now)
    {
        var kept = keys.Where(k => k.Use == use && k.KeptAt(now)).ToList();
        var current = Current(kept, use, now);
        return current is null
            ? []
            : [current, .. kept.Where(k => k.Id != current.Id).OrderByDescending(k => k.ActiveFrom).ThenBy(k => k.Id, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The next key to create, if one is due: the first key at once; otherwise, when the last key's turn ends within
    /// <paramref name="publishedAhead"/>, one that takes over exactly then (published from now on).
    /// </summary>
    public static OidcKeyPlan? NextDue(
        IEnumerable<OidcKeyTimes> keys, OidcKeyUse use, DateTimeOffset now, TimeSpan lifetime, TimeSpan publishedAhead, TimeSpan retention)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        var lastEnd = keys.Where(k => k.Use == use).Select(k => (DateTimeOffset?)k.ActiveUntil).Max();
        DateTimeOffset from;
        if (lastEnd is null || lastEnd <= now)
        {
            from = now;
        }
        else if (lastEnd.Value - publishedAhead <= now)
        {
            from = lastEnd.Value;
        }
        else
        {
            return null;
        }

        return new OidcKeyPlan(from, from + lifetime, from + lifetime + retention);
    }

    /// <summary>
    /// Rotating now (an operator's decision, e.g. a key feared leaked): the current key stops making tokens at once but
    /// stays until the tokens it made expire; a key waiting for its turn never gets it. Answers the changed schedules;
    /// <see cref="NextDue"/> then plans a key that starts now.
    /// </summary>
    public static IReadOnlyList<OidcKeyTimes> EndNow(IEnumerable<OidcKeyTimes> keys, OidcKeyUse use, DateTimeOffset now, TimeSpan retention)
    {
        var ended = new List<OidcKeyTimes>();
        foreach (var key in keys.Where(k => k.Use == use && k.ActiveUntil > now))
        {
            ended.Add(key.ActiveFrom <= now
                ? key with { ActiveUntil = now, RetireAt = Min(key.RetireAt, now + retention) }
                : key with { ActiveFrom = now, ActiveUntil = now, RetireAt = now });
        }

        return ended;
    }

    /// <summary>Keys long retired: their rows can go.</summary>
    public static bool Deletable(OidcKeyTimes key, DateTimeOffset now) => key.RetireAt + DeleteAfterRetirement < now;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
