namespace Marketplace.Web.Notifications;

/// <summary>An announcement's words as the admin's and the store's pages post them (partial Notifications/Pages/_AnnouncementFields).</summary>
public sealed class AnnouncementForm
{
    public string? SubjectEn { get; set; }

    public string? SubjectEs { get; set; }

    public string? BodyEn { get; set; }

    public string? BodyEs { get; set; }

    public LocalizedText Subject => new() { En = SubjectEn, Es = SubjectEs };

    public LocalizedText Body => new() { En = BodyEn, Es = BodyEs };

    /// <summary>The form field of a rule's field (<see cref="AnnouncementRules.Validate"/>), or null for one the form does not hold.</summary>
    public static string? FieldOf(string ruleField) => ruleField switch
    {
        "subject.en" => nameof(SubjectEn),
        "subject.es" => nameof(SubjectEs),
        "body.en" => nameof(BodyEn),
        "body.es" => nameof(BodyEs),
        _ => null,
    };
}
