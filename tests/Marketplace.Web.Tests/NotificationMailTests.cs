using Marketplace.Email;
using Marketplace.Web.Notifications;

namespace Marketplace.Web.Tests;

/// <summary>Which notifications become which emails, by side and by the recipient's channel (no host needed).</summary>
public sealed class NotificationMailTests
{
    private static readonly IReadOnlyDictionary<string, EmailChannel> Defaults = EmailPreferences.Effective(new Dictionary<string, EmailChannel>());

    [Theory]
    [InlineData("orderPlaced", "o1:notice:1:buyer", "order-update")]
    [InlineData("orderPaid", "o1:notice:2:buyer", "order-update")]
    [InlineData("orderPaid", "o1:notice:2:store", "store-order")]
    [InlineData("orderCancelled", "o1:notice:3:store", "store-order")]
    [InlineData("orderCancelled", "o1:notice:3:buyer", "order-update")]
    [InlineData("orderAwaitingConfirmation", "o1:notice:1:store", "store-order")]
    [InlineData("orderShipped", "o1:notice:4:buyer", "order-update")]
    [InlineData("questionAsked", "q1:asked", "question-asked")]
    [InlineData("questionAnswered", "q1:answered", "question-answered")]
    [InlineData("reviewPosted", "r1", "review-posted")]
    [InlineData("lowStock", "p1:CAFE-250:low", "low-stock")]
    public void Each_notification_kind_has_its_email_kind_by_side(string notificationKind, string sourceKey, string emailKind) =>
        Assert.Equal(emailKind, NotificationMail.KindOf(notificationKind, sourceKey)?.Name);

    [Fact]
    public void A_notification_kind_without_an_email_is_never_routed() =>
        Assert.Null(NotificationMail.Route(Notice("somethingNew", "x"), Defaults));

    [Fact]
    public void The_recipients_channel_decides_between_an_email_now_the_digest_and_the_inbox_only()
    {
        var paid = Notice("orderPaid", "o1:notice:2:buyer");
        Assert.Equal(new NoticeRoute(EmailKind.OrderUpdate, EmailChannel.Email), NotificationMail.Route(paid, Defaults));
        Assert.Equal(new NoticeRoute(EmailKind.ReviewPosted, EmailChannel.Digest), NotificationMail.Route(Notice("reviewPosted", "r1"), Defaults));

        var chosen = EmailPreferences.Effective(new Dictionary<string, EmailChannel> { [EmailPreferences.Orders] = EmailChannel.InApp });
        Assert.Null(NotificationMail.Route(paid, chosen));
        Assert.NotNull(NotificationMail.Route(Notice("orderPaid", "o1:notice:2:store"), chosen));
    }

    [Fact]
    public void A_stores_delivered_and_refunded_orders_only_ever_join_the_digest()
    {
        Assert.Equal(EmailChannel.Digest, NotificationMail.Route(Notice("orderDelivered", "o1:notice:5:store"), Defaults)?.Channel);
        Assert.Equal(EmailChannel.Email, NotificationMail.Route(Notice("orderDelivered", "o1:notice:5:buyer"), Defaults)?.Channel);
    }

    [Theory]
    [InlineData("/orders/ord_123", "ord_123")]
    [InlineData("/orders/", null)]
    [InlineData("/orders/ord_1/pay", null)]
    [InlineData("/products/p1", null)]
    [InlineData(null, null)]
    public void An_orders_id_is_read_from_its_notifications_link(string? link, string? orderId) =>
        Assert.Equal(orderId, NotificationMail.OrderIdOf(link));

    [Fact]
    public void Amounts_read_in_the_recipients_language_with_the_currencys_decimals()
    {
        Assert.Equal("8,990 CLP", NotificationMail.Money(8990, "CLP", "en"));
        Assert.Equal("8.990 CLP", NotificationMail.Money(8990, "CLP", "es"));
        Assert.Equal("12.50 USD", NotificationMail.Money(1250, "USD", "en"));
        Assert.Equal("12,50 USD", NotificationMail.Money(1250, "USD", "es"));
    }

    private static IntakeNotice Notice(string kind, string sourceKey) =>
        new(1, "u1", "n1", sourceKey, kind, "Title", "Body", "/orders/o1", DateTimeOffset.UnixEpoch);
}
