using System.Text.Json.Nodes;
using Marketplace.Email;
using Marketplace.Testing;

namespace Marketplace.Email.Tests;

/// <summary>The email outbox on a real database: one row per recipient and event, leases, retries and dead letters.</summary>
public sealed class MailQueueTests : IAsyncLifetime
{
    private readonly ManualClock clock = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
    private TestDatabase? database;
    private MailQueue? queue;

    private MailQueue Queue => queue!;

    public async ValueTask InitializeAsync()
    {
        database = await TestDatabase.CreateAsync("mailqueue");
        queue = new MailQueue(database.DataSource, clock);
    }

    public async ValueTask DisposeAsync()
    {
        if (database is not null)
        {
            await database.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_same_email_decided_twice_is_queued_once()
    {
        var email = Email("ana@example.com", "order:1");
        await Queue.EnqueueAsync([email]);
        await Queue.EnqueueAsync([email, email with { To = "ANA@example.com" }]);

        Assert.Equal(1, (await Queue.CountAsync()).Queued);
    }

    [Fact]
    public async Task A_taken_email_is_leased_and_taken_again_with_its_next_attempt_when_its_sender_never_reports()
    {
        await Queue.EnqueueAsync([Email("a@example.com", "e:1"), Email("b@example.com", "e:2"), Email("c@example.com", "e:3")]);

        var first = await Queue.TakeAsync(2, TimeSpan.FromMinutes(2));
        var second = await Queue.TakeAsync(5, TimeSpan.FromMinutes(2));
        var meanwhile = await Queue.TakeAsync(5, TimeSpan.FromMinutes(2));
        Assert.Equal(2, first.Count);
        Assert.Single(second);
        Assert.Empty(meanwhile);
        Assert.All(first.Concat(second), e => Assert.Equal(1, e.Attempt));

        await Queue.MarkSentAsync([first[0].Key]);
        clock.Advance(TimeSpan.FromMinutes(3));
        var again = await Queue.TakeAsync(5, TimeSpan.FromMinutes(2));
        Assert.Equal(new[] { first[1].Key, second[0].Key }.Order(), again.Select(e => e.Key).Order());
        Assert.All(again, e => Assert.Equal(2, e.Attempt));
        Assert.Equal(1, (await Queue.CountAsync()).Sent);
    }

    [Fact]
    public async Task A_failure_waits_until_its_retry_and_the_last_one_leaves_the_email_dead_until_an_operator_retries_it()
    {
        var email = Email("ana@example.com", "e:retry");
        await Queue.EnqueueAsync([email]);
        var taken = Assert.Single(await Queue.TakeAsync(5, TimeSpan.FromMinutes(2)));

        await Queue.MarkFailedAsync(taken.Key, clock.GetUtcNow().AddMinutes(10), "relay busy");
        Assert.Empty(await Queue.TakeAsync(5, TimeSpan.FromMinutes(2)));
        clock.Advance(TimeSpan.FromMinutes(11));
        var retried = Assert.Single(await Queue.TakeAsync(5, TimeSpan.FromMinutes(2)));
        Assert.Equal(2, retried.Attempt);

        await Queue.MarkFailedAsync(retried.Key, null, "554 rejected");
        clock.Advance(TimeSpan.FromHours(5));
        Assert.Empty(await Queue.TakeAsync(5, TimeSpan.FromMinutes(2)));
        var dead = Assert.Single(await Queue.ListAsync("dead", 10));
        Assert.Equal("554 rejected", dead.LastError);

        Assert.True(await Queue.RetryAsync(dead.Key));
        Assert.False(await Queue.RetryAsync(dead.Key));
        Assert.Equal(1, Assert.Single(await Queue.TakeAsync(5, TimeSpan.FromMinutes(2))).Attempt);
    }

    [Fact]
    public async Task A_sent_security_email_keeps_no_link_and_a_business_email_keeps_its_values()
    {
        var reset = Email("ana@example.com", "reset:1", EmailKind.PasswordReset);
        var news = Email("ana@example.com", "news:1", new EmailKind("store-news", IsSecurity: false));
        await Queue.EnqueueAsync([reset, news]);
        var taken = await Queue.TakeAsync(5, TimeSpan.FromMinutes(2));
        await Queue.MarkSentAsync(taken.Select(t => t.Key).ToList());

        Assert.Null(await database!.ScalarAsync<string>("SELECT model::text FROM email_outbox WHERE email_key = @k", ("k", reset.Key)));
        Assert.Contains("https://shop.example/x", await database.ScalarAsync<string>(
            "SELECT model::text FROM email_outbox WHERE email_key = @k", ("k", news.Key)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suppressed_addresses_and_recent_emails_are_found_whatever_their_case()
    {
        Assert.True(await Queue.SuppressAsync("Bounced@Example.com", "550 no such user"));
        Assert.False(await Queue.SuppressAsync("bounced@example.com", "again"));
        Assert.Equal(["bounced@example.com"], await Queue.SuppressedAmongAsync(["BOUNCED@example.com", "fine@example.com"]));

        await Queue.EnqueueAsync([Email("Ana@Example.com", "r:1", EmailKind.PasswordReset), Email("ana@example.com", "r:2", EmailKind.PasswordReset)]);
        Assert.Equal(2, await Queue.CountRecentAsync("ANA@example.com", EmailKind.PasswordReset, clock.GetUtcNow().AddMinutes(-1)));
        Assert.Equal(0, await Queue.CountRecentAsync("ana@example.com", EmailKind.VerifyEmail, clock.GetUtcNow().AddMinutes(-1)));
        clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await Queue.CountRecentAsync("ana@example.com", EmailKind.PasswordReset, clock.GetUtcNow().AddHours(-1)));
    }

    private static OutgoingEmail Email(string to, string source, EmailKind? kind = null) =>
        new(to, "Ana", "usr_1", "en", kind ?? EmailKind.VerifyEmail, source, new JsonObject { ["link"] = "https://shop.example/x" });
}

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset now = start;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}
