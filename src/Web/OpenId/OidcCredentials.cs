using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Client;
using OpenIddict.Server;

namespace Marketplace.Web.OpenId;

/// <summary>
/// Hands the key ring's keys to the provider (and to the sign-in client, whose state tokens must be readable by every
/// web host), and rebuilds both options when the ring changes: the provider reads its options per request, so a new
/// key signs from the next request on and a retired one stops validating.
/// </summary>
public sealed class OidcCredentials(OidcKeyRing ring)
    : IConfigureOptions<OpenIddictServerOptions>, IConfigureOptions<OpenIddictClientOptions>,
      IOptionsChangeTokenSource<OpenIddictServerOptions>, IOptionsChangeTokenSource<OpenIddictClientOptions>
{
    public string Name => Options.DefaultName;

    public IChangeToken GetChangeToken() => ring.ChangeToken;

    public void Configure(OpenIddictServerOptions options)
    {
        var keys = ring.Keys;
        options.SigningCredentials.AddRange(keys.Signing.Select(Signing));
        options.EncryptionCredentials.AddRange(keys.Encryption.Select(Encrypting));
    }

    public void Configure(OpenIddictClientOptions options)
    {
        var keys = ring.Keys;
        options.SigningCredentials.AddRange(keys.Signing.Select(Signing));
        options.EncryptionCredentials.AddRange(keys.Encryption.Select(Encrypting));
    }

    private static SigningCredentials Signing(OidcLoadedKey key) => new(key.Key, SecurityAlgorithms.RsaSha256);

    private static EncryptingCredentials Encrypting(OidcLoadedKey key) =>
        new(key.Key, SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512);
}
