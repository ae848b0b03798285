using Marketplace.Web.Accounts;
using Microsoft.Extensions.Options;
using OpenIddict.Client;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Marketplace.Web.OpenId;

/// <summary>
/// The marketplace as an OpenID Connect provider (authorization code with PKCE, refresh tokens, discovery and JWKS,
/// consent, end session) for the business directory and other clients an admin registers, and, when configured, the
/// sign-in with another site's provider. Both are OpenIddict; the protocol is the library's, the decisions here.
/// </summary>
public static class OidcSetup
{
    public const string AuthorizePath = "/connect/authorize";
    public const string TokenPath = "/connect/token";
    public const string UserInfoPath = "/connect/userinfo";
    public const string EndSessionPath = "/connect/logout";
    public const string ExternalCallbackPath = "/account/external/callback";

    /// <summary>The name of the one outside provider's registration.</summary>
    public const string ExternalProvider = "external";

    /// <summary>The scopes a client may be given: <c>openid</c> always, <c>profile</c>, <c>email</c>, and <c>offline_access</c> for refresh tokens.</summary>
    public static readonly IReadOnlyList<string> SupportedScopes = [Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.OfflineAccess];

    public static WebApplicationBuilder AddMarketplaceOpenIdConnect(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<OidcOptions>().BindConfiguration(OidcOptions.Section);
        services.AddOptions<ExternalSignInOptions>().BindConfiguration(ExternalSignInOptions.Section);
        var settings = builder.Configuration.GetSection(OidcOptions.Section).Get<OidcOptions>() ?? new OidcOptions();
        var external = builder.Configuration.GetSection(ExternalSignInOptions.Section).Get<ExternalSignInOptions>() ?? new ExternalSignInOptions();
        var allowHttp = settings.HttpAllowed(builder.Environment);
        var issuer = Issuer(builder.Configuration, allowHttp);

        services.AddSingleton<OidcKeyRing>();
        services.AddHostedService(sp => sp.GetRequiredService<OidcKeyRing>());
        services.AddSingleton<OidcCredentials>();
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>>(sp => sp.GetRequiredService<OidcCredentials>());
        services.AddSingleton<IOptionsChangeTokenSource<OpenIddictServerOptions>>(sp => sp.GetRequiredService<OidcCredentials>());
        services.AddHostedService<OidcHousekeeping>();
        services.AddScoped<OidcClients>();

        var openIddict = services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<AccountsDbContext>())
            .AddServer(o =>
            {
                o.SetIssuer(issuer);
                o.SetAuthorizationEndpointUris(AuthorizePath[1..])
                    .SetTokenEndpointUris(TokenPath[1..])
                    .SetUserInfoEndpointUris(UserInfoPath[1..])
                    .SetEndSessionEndpointUris(EndSessionPath[1..]);
                o.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow().RequireProofKeyForCodeExchange();
                o.RegisterScopes(Scopes.Profile, Scopes.Email, Scopes.OfflineAccess);
                o.SetAuthorizationCodeLifetime(settings.AuthorizationCodeLifetime)
                    .SetAccessTokenLifetime(settings.AccessTokenLifetime)
                    .SetIdentityTokenLifetime(settings.IdentityTokenLifetime)
                    .SetRefreshTokenLifetime(settings.RefreshTokenLifetime)
                    .SetRefreshTokenReuseLeeway(settings.RefreshTokenReuseLeeway);
                // Access tokens are signed JWTs a client's API can check against the JWKS; codes and refresh tokens
                // stay encrypted (only this provider reads them).
                o.DisableAccessTokenEncryption();
                // TLS ends at the ingress: requests arrive over HTTP, and the issuer (https in production) is what counts.
                o.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .DisableTransportSecurityRequirement();
            });

        if (external.Enabled)
        {
            services.AddSingleton<IConfigureOptions<OpenIddictClientOptions>>(sp => sp.GetRequiredService<OidcCredentials>());
            services.AddSingleton<IOptionsChangeTokenSource<OpenIddictClientOptions>>(sp => sp.GetRequiredService<OidcCredentials>());
            var providerIssuer = new Uri(external.Issuer!, UriKind.Absolute);
            if (providerIssuer.Scheme != Uri.UriSchemeHttps && !allowHttp)
            {
                throw new InvalidOperationException(
                    $"{ExternalSignInOptions.Section}:Issuer must be an https:// address (http is allowed only with {OidcOptions.Section}:AllowHttp, in development).");
            }

            openIddict.AddClient(o =>
            {
                o.AllowAuthorizationCodeFlow();
                o.SetRedirectionEndpointUris(ExternalCallbackPath[1..]);
                // Errors (refused at the provider, a stale key set after an emergency rotation) reach the callback,
                // which sends the person back to the sign-in page to try again.
                o.UseAspNetCore().EnableRedirectionEndpointPassthrough().EnableErrorPassthrough().DisableTransportSecurityRequirement();
                o.UseSystemNetHttp();
                o.AddRegistration(new OpenIddictClientRegistration
                {
                    Issuer = providerIssuer,
                    ProviderName = ExternalProvider,
                    ProviderDisplayName = external.DisplayName,
                    ClientId = external.ClientId,
                    ClientSecret = string.IsNullOrWhiteSpace(external.ClientSecret) ? null : external.ClientSecret,
                    RedirectUri = new Uri(ExternalCallbackPath[1..], UriKind.Relative),
                    Scopes = { Scopes.Email, Scopes.Profile },
                });
            });
        }

        return builder;
    }

    /// <summary>The issuer of a development host without a public address: where `up` serves its first web host.</summary>
    public const string DevelopmentIssuer = "http://127.0.0.1:8080";

    /// <summary>The issuer is the public address; it must be https unless http is allowed (development).</summary>
    public static Uri Issuer(IConfiguration configuration, bool allowHttp)
    {
        var configured = configuration["Marketplace:PublicUrl"];
        var issuer = new Uri((configured is { Length: > 0 } ? configured.TrimEnd('/') : DevelopmentIssuer) + "/", UriKind.Absolute);
        if (issuer.Scheme != Uri.UriSchemeHttps && !allowHttp)
        {
            throw new InvalidOperationException(
                $"Marketplace:PublicUrl ({issuer}) is the OpenID Connect issuer and must be an https:// address; " +
                $"http is allowed only with {OidcOptions.Section}:AllowHttp (on by default in Development).");
        }

        return issuer;
    }
}
