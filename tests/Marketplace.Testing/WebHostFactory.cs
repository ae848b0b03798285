using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Marketplace.Testing;

/// <summary>
/// The real web host (its whole ASP.NET Core pipeline) connected as an Orleans client to a test cluster. Rate limits
/// are off, admins need no second factor and sellers need no confirmed address to publish unless
/// <paramref name="settings"/> says otherwise; the seeded admin is
/// <see cref="TestSecrets.AdminEmail"/>.
/// (The type argument only names the web host's assembly; its generated Program class clashes with the silo's.)
/// </summary>
public sealed class WebHostFactory(MarketplaceCluster cluster, IReadOnlyDictionary<string, string>? settings = null)
    : WebApplicationFactory<ClusterHealthCheck>
{
    /// <summary>Uploaded files of this host, in a folder of its own under the system's temporary folder.</summary>
    public string BlobPath { get; } = Path.Combine(Path.GetTempPath(), "marketplace-blobs-" + Guid.NewGuid().ToString("N"));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Marketplace", cluster.Database.ConnectionString);
        builder.UseSetting("Orleans:ClusterId", MarketplaceCluster.ClusterId);
        builder.UseSetting("Orleans:ServiceId", MarketplaceCluster.ServiceId);
        builder.UseSetting("Auth:SigningKey", TestSecrets.SigningKey);
        builder.UseSetting("Auth:RequireTwoFactorForAdmins", "false");
        builder.UseSetting("RateLimits:Enabled", "false");
        // Sellers of tests that are not about email act as if they had confirmed their address (EmailFixture turns it on).
        builder.UseSetting("Auth:SellersMustVerifyEmail", "false");
        builder.UseSetting("MARKETPLACE_ADMIN_EMAIL", TestSecrets.AdminEmail);
        builder.UseSetting("MARKETPLACE_ADMIN_PASSWORD", TestSecrets.AdminPassword);
        builder.UseSetting("Blobs:Path", BlobPath);
        // The hosts listen on http://127.0.0.1, so the OpenID Connect issuer and clients' redirect URIs are http.
        builder.UseSetting("Oidc:AllowHttp", "true");
        // As under `up`: the web host knows the payment provider's address, whose hosted page the pay button leads to.
        builder.UseSetting("Payments:BaseUrl", cluster.Sandbox.BaseAddress.ToString());
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>
    /// Waits until GET /health/ready answers 200: the admin account (and the demo, when asked for) is created in the
    /// background at start-up, and readiness says when.
    /// </summary>
    public async Task WaitReadyAsync(TimeSpan? timeout = null)
    {
        using var http = CreateClient();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The web host did not become ready.");
    }
}
