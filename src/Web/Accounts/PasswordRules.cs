using System.Reflection;
using Microsoft.AspNetCore.Identity;

namespace Marketplace.Web.Accounts;

/// <summary>
/// Length over composition rules: at least 10 characters, not a commonly used password, not built from the
/// account's own email, and not one character repeated.
/// </summary>
public sealed class PasswordRules : IPasswordValidator<MarketplaceUser>
{
    public const int MinimumLength = 10;

    private static readonly Lazy<HashSet<string>> Common = new(LoadCommonPasswords);

    public Task<IdentityResult> ValidateAsync(UserManager<MarketplaceUser> manager, MarketplaceUser user, string? password)
    {
        var errors = new List<IdentityError>();
        if (password is null || password.Length < MinimumLength)
        {
            errors.Add(new IdentityError { Code = "PasswordTooShort", Description = $"Use at least {MinimumLength} characters." });
        }
        else if (Common.Value.Contains(password))
        {
            errors.Add(new IdentityError { Code = "PasswordTooCommon", Description = "This password is too common; choose another." });
        }
        else if (password.Distinct().Count() == 1)
        {
            errors.Add(new IdentityError { Code = "PasswordRepeated", Description = "Do not repeat one character." });
        }
        else if (user.Email?.Split('@')[0] is { Length: >= 4 } local && password.Contains(local, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(new IdentityError { Code = "PasswordContainsEmail", Description = "Do not use your email address in the password." });
        }

        return Task.FromResult(errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]));
    }

    private static HashSet<string> LoadCommonPasswords()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Accounts/common-passwords.txt")
            ?? throw new InvalidOperationException("The common password list is not embedded.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                set.Add(line.Trim());
            }
        }

        return set;
    }
}
