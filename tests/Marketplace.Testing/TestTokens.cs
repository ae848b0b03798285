using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Marketplace.Testing;

/// <summary>Access tokens that look like the web host's but are wrong in one way, to prove they are refused.</summary>
public static class TestTokens
{
    public static readonly string[] Kinds = ["expired", "wrong-key", "wrong-audience", "wrong-issuer", "unsigned"];

    /// <summary>A token for the account's user and session that is broken as <paramref name="kind"/> says.</summary>
    public static string Forge(TestAccount account, string kind)
    {
        var sid = new JsonWebToken(account.AccessToken).GetClaim("sid").Value;
        var key = kind == "wrong-key"
            ? new SymmetricSecurityKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))
            : new SymmetricSecurityKey(Convert.FromBase64String(TestSecrets.SigningKey));
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = kind == "wrong-issuer" ? "elsewhere" : "marketplace",
            Audience = kind == "wrong-audience" ? "another-api" : "marketplace-api",
            Subject = new ClaimsIdentity([new("sub", account.UserId), new("role", "shopper"), new("sid", sid)]),
            IssuedAt = kind == "expired" ? now.AddHours(-2) : now,
            NotBefore = kind == "expired" ? now.AddHours(-2) : now,
            Expires = kind == "expired" ? now.AddMinutes(-10) : now.AddMinutes(10),
            SigningCredentials = kind == "unsigned" ? null : new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
