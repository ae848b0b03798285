using Marketplace.Web.Notifications;

namespace Marketplace.Web.Tests;

/// <summary>An announcement's rules without a host.</summary>
public sealed class AnnouncementRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_store_announces_again_only_a_week_after_its_last()
    {
        Assert.Null(AnnouncementRules.StoreMayAnnounceFrom(null, Now));
        Assert.Equal(Now.AddDays(1), AnnouncementRules.StoreMayAnnounceFrom(Now.AddDays(-6), Now));
        Assert.Null(AnnouncementRules.StoreMayAnnounceFrom(Now.AddDays(-7), Now));
    }

    [Fact]
    public void A_valid_announcement_has_both_languages_and_a_store_chooses_no_segment()
    {
        var text = new LocalizedText { En = "Hi", Es = "Hola" };
        Assert.Empty(AnnouncementRules.Validate(new AnnouncementRequest { Segment = "shoppers", Subject = text, Body = text }, byStore: false));
        Assert.Empty(AnnouncementRules.Validate(new AnnouncementRequest { Subject = text, Body = text }, byStore: true));
        Assert.Equal(["segment"], AnnouncementRules.Validate(new AnnouncementRequest { Subject = text, Body = text }, byStore: false).Keys);
    }

    [Fact]
    public void A_body_keeps_its_line_breaks_and_a_subject_may_not_have_any()
    {
        var errors = AnnouncementRules.Validate(new AnnouncementRequest
        {
            Subject = new LocalizedText { En = "Hi\nthere", Es = "Hola" },
            Body = new LocalizedText { En = "Line one\r\nLine two", Es = "Uno\u0007" },
        }, byStore: true);

        Assert.Equal(["body.es", "subject.en"], errors.Keys.Order());
    }

    [Fact]
    public void The_text_for_a_language_falls_back_to_english() =>
        Assert.Equal(("Hi", "Hola", "Hi"), (new LocalizedText { En = "Hi", Es = "Hola" }.For("en"), new LocalizedText { En = "Hi", Es = "Hola" }.For("es"),
            new LocalizedText { En = "Hi", Es = "Hola" }.For("fr")));
}
