using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Marketplace.Web.Accounts;

/// <summary>
/// Where a store's own API key works: endpoints marked with <see cref="AllowStoreApiKeys{TBuilder}"/> (the store's
/// catalog, stock, orders and webhooks) read the <c>X-Api-Key</c> header beside the bearer token, and a store key acts
/// there as the store's staff (the grains check the store as for any staff member). Everywhere else the header is not
/// read, so the key is no credential at all (401); an operator's key is not one on these endpoints either.
/// </summary>
public static class StoreApiKeys
{
    /// <summary>A bearer token or a store's key; the endpoint's own policies still say who may call it.</summary>
    public const string Policy = "store-staff-or-key";

    /// <summary>The endpoint metadata that lets the API-key scheme accept a store's key.</summary>
    public sealed class Access
    {
        public static readonly Access Instance = new();
    }

    public static TBuilder AllowStoreApiKeys<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(Access.Instance).RequireAuthorization(Policy);

    public static bool Allowed(Endpoint? endpoint) => endpoint?.Metadata.GetMetadata<Access>() is not null;

    internal static void AddPolicy(Microsoft.AspNetCore.Authorization.AuthorizationBuilder authorization) =>
        authorization.AddPolicy(Policy, p => p
            .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme, ApiKeyAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser());
}

/// <summary>Says in the API reference which operations take a store's key, and how to send one.</summary>
public static class StoreApiKeysOpenApi
{
    public const string Note =
        "A store's API key works here too: send it as the X-Api-Key header (e.g. curl -H 'X-Api-Key: mk_…'); it acts for its store only.";

    public static Microsoft.AspNetCore.OpenApi.OpenApiOptions DescribeStoreApiKeys(this Microsoft.AspNetCore.OpenApi.OpenApiOptions options) =>
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<StoreApiKeys.Access>().Any())
            {
                operation.Description = string.IsNullOrEmpty(operation.Description) ? Note : operation.Description + " " + Note;
            }

            return Task.CompletedTask;
        });
}
