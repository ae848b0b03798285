namespace Marketplace.Email;

/// <summary>
/// What an email is about. Security emails (an account's own address, password and sign-in) are sent whatever the
/// recipient's preferences and carry no unsubscribe link; the others are business emails a recipient may turn off,
/// by the <see cref="Preference"/> kind they belong to (<see cref="EmailPreferences"/>). Several kinds may share one
/// <see cref="Template"/> file (every order email is one template that words each event).
/// </summary>
public sealed record EmailKind(string Name, bool IsSecurity, string? Preference = null, string? Template = null)
{
    public static readonly EmailKind VerifyEmail = new("verify-email", IsSecurity: true);
    public static readonly EmailKind PasswordReset = new("password-reset", IsSecurity: true);
    public static readonly EmailKind PasswordChanged = new("password-changed", IsSecurity: true);
    public static readonly EmailKind ConfirmNewEmail = new("confirm-new-email", IsSecurity: true);
    public static readonly EmailKind EmailChanged = new("email-changed", IsSecurity: true);

    /// <summary>A buyer's order moved: the receipt, accepted or rejected, paid, shipped, delivered, refunded.</summary>
    public static readonly EmailKind OrderUpdate = new("order-update", IsSecurity: false, EmailPreferences.Orders, "order");

    /// <summary>A store's order needs its staff: a quotation to confirm, a paid order to ship, a cancellation.</summary>
    public static readonly EmailKind StoreOrder = new("store-order", IsSecurity: false, EmailPreferences.StoreOrders, "order");

    public static readonly EmailKind QuestionAsked = new("question-asked", IsSecurity: false, EmailPreferences.Questions, "notice");
    public static readonly EmailKind QuestionAnswered = new("question-answered", IsSecurity: false, EmailPreferences.Answers, "notice");
    public static readonly EmailKind ReviewPosted = new("review-posted", IsSecurity: false, EmailPreferences.Reviews, "notice");
    public static readonly EmailKind LowStock = new("low-stock", IsSecurity: false, EmailPreferences.LowStock, "notice");

    /// <summary>An invitation to join a store's staff, to an address that may have no account yet.</summary>
    public static readonly EmailKind StoreInvitation = new(StoreInvitationName, IsSecurity: false, EmailPreferences.Invitations);

    private const string StoreInvitationName = "store-invitation";

    /// <summary>The day's notifications of every kind a person chose to receive as a digest.</summary>
    public static readonly EmailKind Digest = new("digest", IsSecurity: false, EmailPreferences.DigestKinds);

    /// <summary>An announcement of the marketplace, or of a store to its past buyers.</summary>
    public static readonly EmailKind Announcement = new("announcement", IsSecurity: false, EmailPreferences.Announcements);

    public static IReadOnlyList<EmailKind> All { get; } =
    [
        VerifyEmail, PasswordReset, PasswordChanged, ConfirmNewEmail, EmailChanged, OrderUpdate, StoreOrder, QuestionAsked,
        QuestionAnswered, ReviewPosted, LowStock, StoreInvitation, Digest, Announcement,
    ];

    /// <summary>Whether the email carries a secret (a one-time link): its values are erased from the queue once sent.</summary>
    public bool CarriesSecret => IsSecurity || Name == StoreInvitationName;

    /// <summary>The template file's name (without culture and extension).</summary>
    public string TemplateName => Template ?? Name;

    public static EmailKind? Find(string name) => All.FirstOrDefault(k => k.Name == name);

    public override string ToString() => Name;
}
