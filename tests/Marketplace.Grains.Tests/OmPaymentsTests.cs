using Marketplace.Contracts.Common;
using Marketplace.Contracts.Orders;
using Marketplace.OnlineMarketplace.Grains;

namespace Marketplace.Grains.Tests;

/// <summary>How the benchmark module pays: the cards its driver generates are chargeable, and failures become answers.</summary>
public sealed class OmPaymentsTests
{
    [Theory]
    [InlineData("4111111111111111", "4111111111111111")]
    [InlineData("6011000990139424123", "6011000990139424123")]
    [InlineData("65706280698908128461", "5706280698908128461")]
    [InlineData("123456789012345678901234", "6789012345678901234")]
    public void A_card_number_is_charged_by_at_most_its_last_19_digits(string number, string charged)
    {
        var card = new CardDetails(number, "VISA", "ANA", "1228");

        var chargeable = OmPayments.Chargeable(card);

        Assert.Equal(charged, chargeable.Number);
        Assert.Equal(card.Masked, chargeable.Masked);
        Assert.Equal(("VISA", "ANA", "1228"), (chargeable.Brand, chargeable.Holder, chargeable.Expiry));
    }

    [Theory]
    [InlineData("card-declined", true)]
    [InlineData("card-refused", true)]
    [InlineData("payments-unavailable", true)]
    [InlineData("not-awaiting-payment", true)]
    [InlineData("order-unavailable", false)]
    [InlineData("not-the-buyer", false)]
    public void Only_a_payment_that_did_not_go_through_cancels_the_store_order(string code, bool failure) =>
        Assert.Equal(failure, OmPayments.IsPaymentFailure(new DomainException(DomainErrorKind.Conflict, code, "x")));

    [Theory]
    [InlineData("card-declined", DomainErrorKind.Conflict, "card-declined")]
    [InlineData("card-refused", DomainErrorKind.Validation, "card-refused")]
    [InlineData("payments-unavailable", DomainErrorKind.Unavailable, "payment-incomplete")]
    [InlineData("not-awaiting-payment", DomainErrorKind.Unavailable, "payment-incomplete")]
    public void A_failed_payment_is_answered_by_what_went_wrong_and_names_the_store(string code, DomainErrorKind kind, string answered)
    {
        var answer = OmPayments.Answer(new DomainException(DomainErrorKind.Conflict, code, "x"), "Loja 7");

        Assert.Equal((kind, answered), (answer.Kind, answer.Code));
        Assert.Contains("Loja 7", answer.Message, StringComparison.Ordinal);
        Assert.Contains("back in the cart", answer.Message, StringComparison.Ordinal);
    }
}
