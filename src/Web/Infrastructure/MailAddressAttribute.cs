using System.ComponentModel.DataAnnotations;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// An address email can be sent to: one mailbox (no name, no list), no spaces or control characters, a dot in the
/// domain, at most 254 characters. Stricter than <see cref="EmailAddressAttribute"/>, which lets line breaks through
/// into what later becomes a mail header.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public sealed class MailAddressAttribute() : ValidationAttribute("Enter an email address.")
{
    public const int MaxLength = 254;

    public override bool IsValid(object? value) => value is null || (value is string text && IsAddress(text));

    public static bool IsAddress(string text)
    {
        var address = text.Trim();
        if (address.Length is 0 or > MaxLength || address.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return false;
        }

        var at = address.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != address.LastIndexOf('@') || !address[(at + 1)..].Contains('.', StringComparison.Ordinal)
            || address.EndsWith('.') || address[at + 1] == '.')
        {
            return false;
        }

        return MimeKit.MailboxAddress.TryParse(address, out var parsed) && string.Equals(parsed.Address, address, StringComparison.Ordinal);
    }
}
