using System.Collections.Immutable;
using Marketplace.Web.Accounts;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Marketplace.Web.OpenId;

/// <summary>A registered client as admins see it (never its secret).</summary>
public sealed record OidcClientResponse(
    string ClientId, string? DisplayName, IReadOnlyList<string> RedirectUris, IReadOnlyList<string> PostLogoutRedirectUris,
    IReadOnlyList<string> Scopes, bool Confidential, bool RequireConsent);

/// <summary>A new client, or a new secret: <see cref="ClientSecret"/> is shown this once (null for a public client).</summary>
public sealed record CreatedOidcClientResponse(string ClientId, string? ClientSecret, OidcClientResponse Client);

public sealed record OidcKeyResponse(string Id, string Use, string State, DateTimeOffset ActiveFrom, DateTimeOffset ActiveUntil, DateTimeOffset RetireAt);

/// <summary>The registered clients, through the provider library's application manager.</summary>
public sealed class OidcClients(IOpenIddictApplicationManager applications)
{
    public async Task<CreatedOidcClientResponse?> CreateAsync(OidcClientRequest request, CancellationToken ct)
    {
        var clientId = request.ClientId ?? OidcClientRules.NewClientId();
        if (await applications.FindByClientIdAsync(clientId, ct) is not null)
        {
            return null;
        }

        var secret = request.Confidential ? OidcClientRules.NewSecret() : null;
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = request.Confidential ? ClientTypes.Confidential : ClientTypes.Public,
            ApplicationType = ApplicationTypes.Web,
            ConsentType = request.RequireConsent ? ConsentTypes.Explicit : ConsentTypes.Implicit,
            DisplayName = request.DisplayName!.Trim(),
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        descriptor.Permissions.UnionWith(
        [
            Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession,
            Permissions.GrantTypes.AuthorizationCode, Permissions.ResponseTypes.Code,
        ]);
        foreach (var scope in OidcClientRules.Scopes(request))
        {
            if (scope == Scopes.OfflineAccess)
            {
                descriptor.Permissions.Add(Permissions.GrantTypes.RefreshToken);
            }
            else if (scope != Scopes.OpenId)
            {
                descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
            }
        }

        descriptor.RedirectUris.UnionWith(request.RedirectUris!.Select(u => new Uri(u, UriKind.Absolute)));
        descriptor.PostLogoutRedirectUris.UnionWith((request.PostLogoutRedirectUris ?? []).Select(u => new Uri(u, UriKind.Absolute)));
        var application = await applications.CreateAsync(descriptor, ct);
        return new CreatedOidcClientResponse(clientId, secret, await DescribeAsync(application, ct));
    }

    public async Task<IReadOnlyList<OidcClientResponse>> ListAsync(CancellationToken ct)
    {
        var clients = new List<OidcClientResponse>();
        await foreach (var application in applications.ListAsync(count: 1000, offset: 0, ct))
        {
            clients.Add(await DescribeAsync(application, ct));
        }

        return clients.OrderBy(c => c.ClientId, StringComparer.Ordinal).ToList();
    }

    public async Task<OidcClientResponse?> GetAsync(string clientId, CancellationToken ct) =>
        await applications.FindByClientIdAsync(clientId, ct) is { } application ? await DescribeAsync(application, ct) : null;

    /// <summary>Removes the client with its consents and tokens (the library deletes them together).</summary>
    public async Task<bool> DeleteAsync(string clientId, CancellationToken ct)
    {
        if (await applications.FindByClientIdAsync(clientId, ct) is not { } application)
        {
            return false;
        }

        await applications.DeleteAsync(application, ct);
        return true;
    }

    /// <summary>A new secret for a confidential client; the old one stops working at once. Null when there is no such confidential client.</summary>
    public async Task<string?> RotateSecretAsync(string clientId, CancellationToken ct)
    {
        if (await applications.FindByClientIdAsync(clientId, ct) is not { } application
            || !await applications.HasClientTypeAsync(application, ClientTypes.Confidential, ct))
        {
            return null;
        }

        var secret = OidcClientRules.NewSecret();
        await applications.UpdateAsync(application, secret, ct);
        return secret;
    }

    private async Task<OidcClientResponse> DescribeAsync(object application, CancellationToken ct)
    {
        var permissions = await applications.GetPermissionsAsync(application, ct);
        var scopes = OidcSetup.SupportedScopes.Where(s => s == Scopes.OpenId
            || (s == Scopes.OfflineAccess ? permissions.Contains(Permissions.GrantTypes.RefreshToken) : permissions.Contains(Permissions.Prefixes.Scope + s))).ToList();
        return new OidcClientResponse(
            (await applications.GetClientIdAsync(application, ct))!,
            await applications.GetDisplayNameAsync(application, ct),
            Sorted(await applications.GetRedirectUrisAsync(application, ct)),
            Sorted(await applications.GetPostLogoutRedirectUrisAsync(application, ct)),
            scopes,
            await applications.HasClientTypeAsync(application, ClientTypes.Confidential, ct),
            await applications.HasConsentTypeAsync(application, ConsentTypes.Explicit, ct));
    }

    private static List<string> Sorted(ImmutableArray<string> values) => values.Order(StringComparer.Ordinal).ToList();
}

/// <summary>
/// The administration of the OpenID Connect provider: registered clients (a secret shown once) and the signing keys
/// (listed, rotated at once when one is feared leaked).
/// </summary>
public static class OidcClientsApi
{
    public static IEndpointRouteBuilder MapOidcClientsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/admin/oidc").WithTags("Single sign-on").RequireAuthorization(AuthorizationSetup.AdminPolicy);
        group.MapPost("/clients", Create).WithName("CreateOidcClient")
            .WithSummary("Register a site that signs people in through the marketplace (authorization code with PKCE); the secret is in the answer only");
        group.MapGet("/clients", List).WithName("ListOidcClients").WithSummary("The registered clients (never their secrets)");
        group.MapGet("/clients/{clientId}", Get).WithName("GetOidcClient").WithSummary("One registered client");
        group.MapDelete("/clients/{clientId}", Delete).WithName("DeleteOidcClient")
            .WithSummary("Remove a client with the consents given to it and the tokens it holds");
        group.MapPost("/clients/{clientId}/secret", RotateSecret).WithName("RotateOidcClientSecret")
            .WithSummary("A new secret for a confidential client (in the answer only); the old one stops working at once");
        group.MapGet("/keys", Keys).WithName("ListOidcKeys").WithSummary("The provider's keys and their schedules (never the keys)");
        group.MapPost("/keys/rotate", Rotate).WithName("RotateOidcKeys")
            .WithSummary("Start new signing and encryption keys now; tokens made with the old ones stay valid until they expire");
        return routes;
    }

    private static async Task<Results<Created<CreatedOidcClientResponse>, ValidationProblem, ProblemHttpResult>> Create(
        OidcClientRequest request, OidcClients clients, IOptions<OidcOptions> options, IHostEnvironment environment, CancellationToken ct)
    {
        var errors = OidcClientRules.Validate(request, options.Value.HttpAllowed(environment));
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return await clients.CreateAsync(request, ct) is { } created
            ? TypedResults.Created($"/api/admin/oidc/clients/{Uri.EscapeDataString(created.ClientId)}", created)
            : ApiProblems.Problem(StatusCodes.Status409Conflict, "client-exists", $"A client '{request.ClientId}' is already registered.");
    }

    private static async Task<Ok<IReadOnlyList<OidcClientResponse>>> List(OidcClients clients, CancellationToken ct) =>
        TypedResults.Ok(await clients.ListAsync(ct));

    private static async Task<Results<Ok<OidcClientResponse>, ProblemHttpResult>> Get(string clientId, OidcClients clients, CancellationToken ct) =>
        await clients.GetAsync(clientId, ct) is { } client ? TypedResults.Ok(client) : ApiProblems.NotFound("The client");

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string clientId, OidcClients clients, CancellationToken ct) =>
        await clients.DeleteAsync(clientId, ct) ? TypedResults.NoContent() : ApiProblems.NotFound("The client");

    private static async Task<Results<Ok<CreatedOidcClientResponse>, ProblemHttpResult>> RotateSecret(string clientId, OidcClients clients, CancellationToken ct) =>
        await clients.RotateSecretAsync(clientId, ct) is { } secret
            ? TypedResults.Ok(new CreatedOidcClientResponse(clientId, secret, (await clients.GetAsync(clientId, ct))!))
            : ApiProblems.NotFound("The confidential client");

    private static async Task<Ok<IReadOnlyList<OidcKeyResponse>>> Keys(OidcKeyRing ring, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(Describe(await ring.ListAsync(ct), clock.GetUtcNow()));

    private static async Task<Ok<IReadOnlyList<OidcKeyResponse>>> Rotate(OidcKeyRing ring, TimeProvider clock, CancellationToken ct)
    {
        await ring.RotateNowAsync(ct);
        return TypedResults.Ok(Describe(await ring.ListAsync(ct), clock.GetUtcNow()));
    }

    public static IReadOnlyList<OidcKeyResponse> Describe(IReadOnlyList<OidcKeyTimes> keys, DateTimeOffset now) =>
        keys.OrderByDescending(k => k.ActiveFrom).Select(k => new OidcKeyResponse(
            k.Id, OidcKeyRing.UseName(k.Use),
            k.ActiveAt(now) ? "active" : k.ActiveFrom > now ? "next" : k.KeptAt(now) ? "kept" : "retired",
            k.ActiveFrom, k.ActiveUntil, k.RetireAt)).ToList();
}
