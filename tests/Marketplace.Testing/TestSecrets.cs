namespace Marketplace.Testing;

/// <summary>Secrets that only test hosts use.</summary>
public static class TestSecrets
{
    /// <summary>The JWT signing key of every test web host (32 bytes, base64).</summary>
    public const string SigningKey = "dGVzdC1vbmx5LXNpZ25pbmcta2V5LTMyLWJ5dGVzLWxvbmchIQ==";

    public const string AdminEmail = "admin@test.marketplace.local";
    public const string AdminPassword = "copper-meadow-signal-9";

    /// <summary>A password every test account uses: long enough and not on the common list.</summary>
    public const string Password = "violet-harbour-lantern";

    /// <summary>API keys and webhook secrets of the test sandboxes (payments and carrier each have their own).</summary>
    public const string SandboxPaymentsApiKey = "pk_test_payments_0123456789abcdef";
    public const string SandboxPaymentsWebhookSecret = "whsec_test_payments_0123456789abcdef";
    public const string SandboxShippingApiKey = "sk_test_shipping_0123456789abcdef";
    public const string SandboxShippingWebhookSecret = "whsec_test_shipping_0123456789abcdef";
}
