using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Web.Accounts;

/// <summary>
/// The rule that a seller's account has confirmed its email address before its store publishes products
/// (<see cref="AuthOptions.SellersMustVerifyEmail"/>): a store whose staff cannot be reached by email does not sell.
/// </summary>
public sealed class VerifiedSellers(NpgsqlDataSource db, IOptions<AuthOptions> options)
{
    public const string RefusalCode = "email-not-verified";

    /// <summary>Refuses (403) when the rule is on and the account has not verified its address.</summary>
    public async Task RequireVerifiedAsync(string userId, CancellationToken ct = default)
    {
        if (!options.Value.SellersMustVerifyEmail)
        {
            return;
        }

        await using var command = db.CreateCommand("SELECT email_confirmed FROM users WHERE id = $1");
        command.Parameters.Add(new() { Value = userId });
        if (await command.ExecuteScalarAsync(ct) is not true)
        {
            throw DomainException.Forbidden(RefusalCode,
                "Confirm your email address before publishing products: open the link in the email we sent you, or send it again from your account page. Drafts can be saved meanwhile.");
        }
    }
}
