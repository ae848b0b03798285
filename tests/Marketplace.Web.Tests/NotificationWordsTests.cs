using System.Globalization;
using Marketplace.Contracts.Notifications;
using Marketplace.Web.Notifications;
using Marketplace.Web.Shared;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Tests;

/// <summary>Notifications worded again in the reader's language from their facts, with the site's own texts (no host needed).</summary>
public sealed class NotificationWordsTests
{
    private static readonly IStringLocalizer Texts = new ResourceManagerStringLocalizerFactory(
        Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), NullLoggerFactory.Instance).Create(typeof(Text));

    private static readonly CultureInfo Spanish = CultureInfo.GetCultureInfo("es");
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    private static Dictionary<string, string> Order(string side, params (string Key, string Value)[] more)
    {
        var facts = new Dictionary<string, string>
        {
            [NotificationFacts.Reference] = "#AB12CD34", [NotificationFacts.Store] = "Tostaduría Sur", [NotificationFacts.Items] = "2",
            [NotificationFacts.Total] = "17980", [NotificationFacts.Currency] = "CLP", [NotificationFacts.Side] = side,
        };
        foreach (var (key, value) in more)
        {
            facts[key] = value;
        }

        return facts;
    }

    [Fact]
    public void An_order_notice_reads_in_spanish_with_the_amount_in_spanish_figures()
    {
        var (title, body) = NotificationWords.In(Spanish, NotificationKind.OrderPaid, Order("buyer"), "stored title", "stored body", Texts);

        Assert.Equal("Recibimos el pago del pedido #AB12CD34", title);
        Assert.Equal("Pagaste 17.980 CLP a Tostaduría Sur. Te avisaremos cuando lo envíe.", body);
    }

    [Fact]
    public void The_same_kind_reads_differently_for_the_store_and_for_the_buyer()
    {
        var store = NotificationWords.In(English, NotificationKind.OrderPaid, Order("store"), "t", "b", Texts);
        var buyer = NotificationWords.In(English, NotificationKind.OrderPaid, Order("buyer"), "t", "b", Texts);

        Assert.Equal(("Order #AB12CD34 paid", "2 items for 17,980 CLP, ready to ship."), store);
        Assert.Equal(("Payment received for order #AB12CD34", "17,980 CLP paid to Tostaduría Sur. We will tell you when it ships."), buyer);
    }

    [Fact]
    public void A_refund_names_its_own_amount_and_a_shipment_its_tracking_number()
    {
        var refund = NotificationWords.In(Spanish, NotificationKind.RefundIssued, Order("buyer", (NotificationFacts.Amount, "8990")), "t", "b", Texts);
        var shipped = NotificationWords.In(English, NotificationKind.OrderShipped, Order("buyer", (NotificationFacts.Tracking, "TRK-9")), "t", "b", Texts);

        Assert.Equal(("Reembolso del pedido #AB12CD34", "Te devolvemos 8.990 CLP."), refund);
        Assert.Equal("Tostaduría Sur shipped it; tracking number TRK-9.", shipped.Body);
    }

    [Fact]
    public void What_people_wrote_is_kept_and_only_the_sentence_around_it_is_translated()
    {
        var facts = new Dictionary<string, string> { [NotificationFacts.Product] = "Café de Colombia" };

        var (title, body) = NotificationWords.In(Spanish, NotificationKind.QuestionAsked, facts, "New question about Café de Colombia", "Is it whole bean?", Texts);

        Assert.Equal(("Nueva pregunta sobre Café de Colombia", "Is it whole bean?"), (title, body));
    }

    [Fact]
    public void A_review_without_words_and_a_low_stock_notice_read_in_spanish()
    {
        var review = new Dictionary<string, string> { [NotificationFacts.Product] = "Té Verde", [NotificationFacts.Rating] = "4", [NotificationFacts.Author] = "Ana" };
        var soldOut = new Dictionary<string, string> { [NotificationFacts.Sku] = "TE-100", [NotificationFacts.Available] = "0" };
        var few = new Dictionary<string, string> { [NotificationFacts.Sku] = "TE-100", [NotificationFacts.Available] = "3" };

        Assert.Equal(("★★★★☆ para Té Verde", "Ana le dio 4 de 5."), NotificationWords.In(Spanish, NotificationKind.ReviewPosted, review, "t", "b", Texts));
        Assert.Equal(("Poco stock: TE-100", "TE-100 está agotado."), NotificationWords.In(Spanish, NotificationKind.LowStock, soldOut, "t", "b", Texts));
        Assert.Equal("Solo quedan 3 unidad(es) de TE-100.", NotificationWords.In(Spanish, NotificationKind.LowStock, few, "t", "b", Texts).Body);
    }

    [Fact]
    public void A_notification_without_the_facts_its_sentence_needs_keeps_its_stored_words()
    {
        Assert.Equal(("stored", "words"), NotificationWords.In(Spanish, NotificationKind.OrderPaid, null, "stored", "words", Texts));
        Assert.Equal(("stored", "words"), NotificationWords.In(Spanish, NotificationKind.LowStock, new Dictionary<string, string> { ["sku"] = "X" }, "stored", "words", Texts));
        var noCurrency = Order("buyer");
        noCurrency.Remove(NotificationFacts.Currency);
        Assert.Equal(("stored", "words"), NotificationWords.In(Spanish, NotificationKind.OrderPaid, noCurrency, "stored", "words", Texts));
    }

    [Fact]
    public void Wording_in_a_language_leaves_the_callers_culture_as_it_was()
    {
        var before = CultureInfo.CurrentUICulture;

        NotificationWords.In(Spanish, NotificationKind.OrderExpired, Order("buyer"), "t", "b", Texts);

        Assert.Equal(before, CultureInfo.CurrentUICulture);
    }
}
