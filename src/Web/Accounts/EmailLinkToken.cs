using System.Buffers.Text;
using System.Text;

namespace Marketplace.Web.Accounts;

/// <summary>What an emailed link proves when it is opened.</summary>
public enum EmailLinkPurpose
{
    /// <summary>The account's address is the person's: it becomes verified.</summary>
    Verify,

    /// <summary>The new address the account asked to switch to is the person's: the account switches to it.</summary>
    ChangeEmail,

    /// <summary>The person reads the account's mail: they may choose a new password.</summary>
    ResetPassword,
}

/// <summary>
/// The single <c>token=</c> value of an emailed link: its purpose, the account, the new address (for a change) and the
/// proof, which is Identity's own signed, expiring token (tied to the account's security stamp, so it stops working
/// once used for a reset or a change). Encoded URL-safe; anything that does not decode is simply not a token.
/// </summary>
public sealed record EmailLinkToken(EmailLinkPurpose Purpose, string UserId, string? NewEmail, string Proof)
{
    private const int MaxEncodedLength = 4096;

    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join('\n', Code(Purpose), UserId, NewEmail ?? "", Proof)));

    public static EmailLinkToken? Decode(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxEncodedLength)
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(value.Trim());
        }
        catch (FormatException)
        {
            return null;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        var parts = text.Split('\n');
        if (parts.Length != 4 || parts[1].Length == 0 || parts[3].Length == 0 || PurposeOf(parts[0]) is not { } purpose)
        {
            return null;
        }

        var newEmail = parts[2].Length > 0 ? parts[2] : null;
        return (purpose == EmailLinkPurpose.ChangeEmail) == (newEmail is not null) ? new EmailLinkToken(purpose, parts[1], newEmail, parts[3]) : null;
    }

    private static string Code(EmailLinkPurpose purpose) => purpose switch
    {
        EmailLinkPurpose.Verify => "v",
        EmailLinkPurpose.ChangeEmail => "c",
        _ => "r",
    };

    private static EmailLinkPurpose? PurposeOf(string code) => code switch
    {
        "v" => EmailLinkPurpose.Verify,
        "c" => EmailLinkPurpose.ChangeEmail,
        "r" => EmailLinkPurpose.ResetPassword,
        _ => null,
    };
}
