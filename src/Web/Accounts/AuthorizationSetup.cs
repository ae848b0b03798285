using System.Security.Claims;
using Marketplace.ServiceDefaults;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Web.Accounts;

/// <summary>Identity on PostgreSQL, JWT bearer and API-key authentication, and the authorization policies.</summary>
public static class AuthorizationSetup
{
    /// <summary>Any signed-in account (not a guest).</summary>
    public const string UserPolicy = "user";

    /// <summary>A guest or a signed-in account.</summary>
    public const string VisitorPolicy = "visitor";

    /// <summary>A seller account bound to a store.</summary>
    public const string SellerPolicy = "seller";

    /// <summary>An admin whose token meets the second-factor requirement.</summary>
    public const string AdminPolicy = "admin";

    /// <summary>A partner system with an API key scoped for the business directory.</summary>
    public const string DirectoryPolicy = "integration:directory";

    /// <summary>
    /// Added by the server when an admin token meets the two-factor requirement. Never trusted from the token itself.
    /// </summary>
    public const string AdminPowerClaim = "mk_admin_power";

    public static WebApplicationBuilder AddMarketplaceAuth(this WebApplicationBuilder builder, string connectionString)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().Bind(builder.Configuration.GetSection(AuthOptions.Section));
        var auth = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        TokenService.DecodeKey(auth.SigningKey); // fail at start-up, not at the first login

        // The web host's one pool: accounts, sessions, read-model queries and the search feed.
        services.AddSingleton(_ => MarketplaceDatabase.CreateDataSource(connectionString, "marketplace-web"));
        services.AddDbContext<AccountsDbContext>((sp, o) =>
            o.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()).UseSnakeCaseNamingConvention());
        services.AddIdentityCore<MarketplaceUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.User.AllowedUserNameCharacters = null!;
                o.Password.RequiredLength = PasswordRules.MinimumLength;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 1;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = auth.MaxFailedLogins;
                o.Lockout.DefaultLockoutTimeSpan = auth.LockoutDuration;
                o.Tokens.AuthenticatorTokenProvider = TokenOptions.DefaultAuthenticatorProvider;
                o.Tokens.PasswordResetTokenProvider = PasswordResetTokenProviderOptions.ProviderName;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AccountsDbContext>()
            .AddTokenProvider<AuthenticatorTokenProvider<MarketplaceUser>>(TokenOptions.DefaultAuthenticatorProvider)
            // Email verification and email change (Identity's default provider), and password resets with a shorter life.
            .AddTokenProvider<DataProtectorTokenProvider<MarketplaceUser>>(TokenOptions.DefaultProvider)
            .AddTokenProvider<PasswordResetTokenProvider>(PasswordResetTokenProviderOptions.ProviderName)
            .AddPasswordValidator<PasswordRules>();

        services.Configure<DataProtectionTokenProviderOptions>(o => o.TokenLifespan = auth.EmailLinkLifetime);
        services.Configure<PasswordResetTokenProviderOptions>(o => o.TokenLifespan = auth.PasswordResetLifetime);
        services.AddMemoryCache();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TokenService>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<ApiKeyStore>();
        services.AddScoped<AccountService>();
        services.AddScoped<AccountEmails>();

        services.AddAuthentication(WebSession.SelectorScheme)
            .AddWebSessionCookie()
            .AddJwtBearer()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(
                ApiKeyAuthenticationHandler.SchemeName, _ => { });
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenService, IOptions<AuthOptions>>((o, tokens, authOptions) =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = tokens.ValidationParameters();
                o.Events = new JwtBearerEvents
                {
                    OnMessageReceived = TokenFromHubQueryOrDashboardCookie,
                    OnTokenValidated = context => OnTokenValidated(context, authOptions.Value),
                };
            });

        var authorization = services.AddAuthorizationBuilder();
        StoreApiKeys.AddPolicy(authorization);
        authorization
            .AddPolicy(UserPolicy, p => p.RequireAuthenticatedUser().RequireRole(RoleNames.Shopper, RoleNames.Seller, RoleNames.Admin))
            .AddPolicy(VisitorPolicy, p => p.RequireAuthenticatedUser().RequireRole(RoleNames.Guest, RoleNames.Shopper, RoleNames.Seller, RoleNames.Admin))
            .AddPolicy(SellerPolicy, p => p.RequireRole(RoleNames.Seller).RequireClaim(MarketplaceClaims.SellerId))
            .AddPolicy(AdminPolicy, p => p.RequireClaim(AdminPowerClaim, "true"))
            .AddPolicy(DirectoryPolicy, p => p
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                .RequireClaim(MarketplaceClaims.Scope, ApiKeyStore.DirectoryScope));
        return builder;
    }

    /// <summary>
    /// Browsers cannot set headers on a WebSocket, so the hub (and only the hub) takes the token from the
    /// <c>access_token</c> query value. Request logging that would show it is switched off in Program. The Orleans
    /// dashboard is a page a browser navigates to, so it (and only it) takes the token from the admin's dashboard
    /// cookie (<see cref="Operations.AdminDashboard"/>).
    /// </summary>
    private static Task TokenFromHubQueryOrDashboardCookie(MessageReceivedContext context)
    {
        var request = context.Request;
        if (request.Path.StartsWithSegments(Realtime.MarketHub.Path)
            && request.Query.TryGetValue("access_token", out var token) && token.Count == 1)
        {
            context.Token = token[0];
        }
        else if (request.Path.StartsWithSegments(Admin.AdminDashboard.Path)
            && request.Headers.Authorization.Count == 0
            && request.Cookies.TryGetValue(Admin.AdminDashboard.CookieName, out var cookie))
        {
            context.Token = cookie;
        }

        return Task.CompletedTask;
    }

    private static async Task OnTokenValidated(TokenValidatedContext context, AuthOptions options)
    {
        if (await CheckSessionAsync(context.Principal!, context.HttpContext, options) is { } failure)
        {
            context.Fail(failure);
        }
    }

    /// <summary>
    /// What every signed-in principal (bearer token or page cookie) goes through on each request: a user's session
    /// must still be active, and admin power is decided here, never read from the credential. Answers why it fails.
    /// </summary>
    public static async Task<string?> CheckSessionAsync(ClaimsPrincipal principal, HttpContext http, AuthOptions options)
    {
        var identity = (ClaimsIdentity)principal.Identity!;
        foreach (var forged in identity.FindAll(AdminPowerClaim).ToList())
        {
            identity.RemoveClaim(forged);
        }

        var sid = principal.FindFirstValue(MarketplaceClaims.Session);
        if (sid is null)
        {
            // Only guests have no session.
            return principal.IsInRole(RoleNames.Guest) && principal.Claims.Count(c => c.Type == MarketplaceClaims.Role) == 1
                ? null
                : "A user token must name its session.";
        }

        var sessions = http.RequestServices.GetRequiredService<SessionStore>();
        if (!Guid.TryParseExact(sid, "N", out var sessionId) || !await sessions.IsActiveAsync(sessionId, http.RequestAborted))
        {
            return "The session has ended.";
        }

        var multiFactor = principal.HasClaim(MarketplaceClaims.AuthenticationMethods, MarketplaceClaims.MultiFactorMethod);
        if (principal.IsInRole(RoleNames.Admin) && (multiFactor || !options.RequireTwoFactorForAdmins))
        {
            identity.AddClaim(new Claim(AdminPowerClaim, "true"));
        }

        return null;
    }
}
