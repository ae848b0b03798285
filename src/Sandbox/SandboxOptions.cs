namespace Marketplace.Sandbox;

/// <summary>How the sandbox behaves; bound from the "Sandbox" section (environment: Sandbox__Name).</summary>
public sealed class SandboxOptions
{
    /// <summary>Folder of the journal that lets a restarted sandbox resume where it stopped.</summary>
    public string DataPath { get; set; } = "sandbox-data";

    /// <summary>Absolute base of hosted pages and labels; empty means the address the API request came in on.</summary>
    public string? PublicUrl { get; set; }

    public ProviderKeys Payments { get; set; } = new();

    public ProviderKeys Shipping { get; set; } = new();

    /// <summary>First retry delay of a webhook; each later one doubles, up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Deliveries of one event before it is given up.</summary>
    public int MaxAttempts { get; set; } = 25;

    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Probability (0..1) that an event is delivered a second time after it was accepted.</summary>
    public double DuplicateRate { get; set; }

    /// <summary>Probability (0..1) that an event is held back by <see cref="ReorderDelay"/>, so later ones overtake it.</summary>
    public double ReorderRate { get; set; }

    public TimeSpan ReorderDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>When a shipment reports in transit and delivered, counted from its creation.</summary>
    public TimeSpan InTransitAfter { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan DeliveredAfter { get; set; } = TimeSpan.FromSeconds(5);

    public void Validate()
    {
        Require(Payments.ApiKey, "Sandbox:Payments:ApiKey");
        Require(Payments.WebhookSecret, "Sandbox:Payments:WebhookSecret");
        Require(Shipping.ApiKey, "Sandbox:Shipping:ApiKey");
        Require(Shipping.WebhookSecret, "Sandbox:Shipping:WebhookSecret");
        if (DuplicateRate is < 0 or > 1 || ReorderRate is < 0 or > 1)
        {
            throw new InvalidOperationException("Sandbox:DuplicateRate and Sandbox:ReorderRate must be between 0 and 1.");
        }

        if (MaxAttempts < 1 || RetryBaseDelay <= TimeSpan.Zero || RetryMaxDelay < RetryBaseDelay)
        {
            throw new InvalidOperationException("Sandbox retry settings need MaxAttempts ≥ 1 and 0 < RetryBaseDelay ≤ RetryMaxDelay.");
        }

        if (InTransitAfter < TimeSpan.Zero || DeliveredAfter < InTransitAfter)
        {
            throw new InvalidOperationException("Sandbox:DeliveredAfter must not come before Sandbox:InTransitAfter.");
        }
    }

    private static void Require(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length < 16)
        {
            throw new InvalidOperationException($"{name} must be set (at least 16 characters).");
        }
    }
}

/// <summary>The API key callers present and the secret webhooks are signed with; each service has its own.</summary>
public sealed class ProviderKeys
{
    public string? ApiKey { get; set; }

    public string? WebhookSecret { get; set; }
}
