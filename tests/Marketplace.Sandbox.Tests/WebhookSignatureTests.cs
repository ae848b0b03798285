using System.Security.Cryptography;
using System.Text;
using Marketplace.Web.Infrastructure;

namespace Marketplace.Sandbox.Tests;

/// <summary>The web host's verifier on its own, with signatures computed here independently of the sandbox.</summary>
public sealed class WebhookSignatureTests
{
    private const string Secret = "whsec_unit_test_secret_0123456789";
    private const string Body = """{"id":"evt_1","type":"payment.succeeded","amount":8990}""";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static string Sign(long t, string body, string secret = Secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}")));

    private static WebhookSignatureResult Verify(string? header, string body = Body) =>
        WebhookSignature.Verify(header, body, Secret, Now);

    [Fact]
    public void A_fresh_signature_over_the_exact_body_is_ok() =>
        Assert.Equal(WebhookSignatureResult.Ok, Verify($"t={Now.ToUnixTimeSeconds()},v1={Sign(Now.ToUnixTimeSeconds(), Body)}"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void No_header_is_missing(string? header) => Assert.Equal(WebhookSignatureResult.Missing, Verify(header));

    [Theory]
    [InlineData("garbage")]
    [InlineData("t=1800000000")]
    [InlineData("v1=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t=abc,v1=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t=1800000000,v1=xyz")]
    [InlineData("t=1800000000,v1=00")]
    [InlineData("t=1800000000,t=1800000001,v1=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t=-5,v1=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t=99999999999999999999,v1=0000000000000000000000000000000000000000000000000000000000000000")]
    public void A_header_that_does_not_parse_is_malformed(string header) =>
        Assert.Equal(WebhookSignatureResult.Malformed, Verify(header));

    [Fact]
    public void A_wrong_secret_a_tampered_body_or_a_moved_timestamp_is_a_bad_signature()
    {
        var t = Now.ToUnixTimeSeconds();
        Assert.Equal(WebhookSignatureResult.BadSignature, Verify($"t={t},v1={Sign(t, Body, "another-secret-entirely")}"));
        Assert.Equal(WebhookSignatureResult.BadSignature, Verify($"t={t},v1={Sign(t, Body)}", Body.Replace("8990", "1", StringComparison.Ordinal)));
        Assert.Equal(WebhookSignatureResult.BadSignature, Verify($"t={t - 1},v1={Sign(t, Body)}"));
        Assert.Equal(WebhookSignatureResult.BadSignature, Verify($"t={t},v1={Sign(t, Body).ToUpperInvariant()[..63]}0"));
    }

    [Fact]
    public void A_genuine_signature_older_or_newer_than_the_tolerance_is_stale()
    {
        foreach (var offset in new[] { -301, 301, -3600 })
        {
            var t = Now.ToUnixTimeSeconds() + offset;
            Assert.Equal(WebhookSignatureResult.Stale, Verify($"t={t},v1={Sign(t, Body)}"));
        }

        foreach (var offset in new[] { -300, 300, -1 })
        {
            var t = Now.ToUnixTimeSeconds() + offset;
            Assert.Equal(WebhookSignatureResult.Ok, Verify($"t={t},v1={Sign(t, Body)}"));
        }

        var old = Now.ToUnixTimeSeconds() - 1000;
        Assert.Equal(WebhookSignatureResult.Ok,
            WebhookSignature.Verify($"t={old},v1={Sign(old, Body)}", Body, Secret, Now, TimeSpan.FromHours(1)));
    }

    [Fact]
    public void One_matching_signature_among_several_is_enough_and_unknown_schemes_are_ignored()
    {
        var t = Now.ToUnixTimeSeconds();
        Assert.Equal(WebhookSignatureResult.Ok,
            Verify($"t={t}, v1={Sign(t, Body, "rotated-out-secret")}, v1={Sign(t, Body)}, v2=whatever"));
    }

    [Fact]
    public void The_body_is_checked_byte_for_byte()
    {
        var t = Now.ToUnixTimeSeconds();
        var header = $"t={t},v1={Sign(t, Body)}";
        Assert.Equal(WebhookSignatureResult.Ok, WebhookSignature.Verify(header, Encoding.UTF8.GetBytes(Body), Secret, Now));
        Assert.Equal(WebhookSignatureResult.BadSignature,
            WebhookSignature.Verify(header, Encoding.UTF8.GetBytes(Body + "\n"), Secret, Now));
    }
}
