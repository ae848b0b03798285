namespace Marketplace.Email;

/// <summary>
/// What an email is about. Security emails (an account's own address, password and sign-in) are sent whatever the
/// recipient's preferences and carry no unsubscribe link; the others are business emails a recipient may turn off,
/// by the <see cref="Preference"/> kind they belong to (<see cref="EmailPreferences"/>).
/// </summary>
public sealed record EmailKind(string Name, bool IsSecurity, string? Preference = null)
{
    public static readonly EmailKind VerifyEmail = new("verify-email", IsSecurity: true);
    public static readonly EmailKind PasswordReset = new("password-reset", IsSecurity: true);
    public static readonly EmailKind PasswordChanged = new("password-changed", IsSecurity: true);
    public static readonly EmailKind ConfirmNewEmail = new("confirm-new-email", IsSecurity: true);
    public static readonly EmailKind EmailChanged = new("email-changed", IsSecurity: true);

    public static IReadOnlyList<EmailKind> All { get; } = [VerifyEmail, PasswordReset, PasswordChanged, ConfirmNewEmail, EmailChanged];

    public static EmailKind? Find(string name) => All.FirstOrDefault(k => k.Name == name);

    public override string ToString() => Name;
}
