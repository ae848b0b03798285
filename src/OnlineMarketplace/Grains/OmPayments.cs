using Marketplace.Contracts.Orders;

namespace Marketplace.OnlineMarketplace.Grains;

/// <summary>
/// How the benchmark pays. Its reference implementation approves every payment; its data generator makes card numbers
/// of up to 20 digits, one more than card numbers have (and than the gateway accepts). The benchmark's cards are
/// synthetic, so the module charges such a number by its last 19 digits: same last four, same brand, approved like
/// every other card of the data set. The gateway's test cards keep their meaning (a declined card is declined).
/// </summary>
public static class OmPayments
{
    /// <summary>The longest card number the gateway accepts (ISO/IEC 7812).</summary>
    public const int MaxCardDigits = 19;

    /// <summary>The card as the module charges it.</summary>
    public static CardDetails Chargeable(CardDetails card) =>
        card.Number.Length <= MaxCardDigits ? card : card with { Number = card.Number[^MaxCardDigits..] };

    /// <summary>
    /// A payment that did not go through: declined or refused by the gateway, the gateway not reachable (the charge may
    /// have gone through: the order refunds a late capture), or the order no longer awaiting payment (an earlier try
    /// cancelled it).
    /// </summary>
    public static bool IsPaymentFailure(DomainException e) =>
        e.Code is "card-declined" or "card-refused" or "payments-unavailable" or "not-awaiting-payment";

    /// <summary>What the checkout answers for a store whose payment failed (its order is cancelled by then).</summary>
    public static DomainException Answer(DomainException failure, string storeName) => failure.Code switch
    {
        "card-declined" => new DomainException(DomainErrorKind.Conflict, "card-declined",
            $"The card was declined; nothing was bought from {storeName} and its items are back in the cart."),
        "card-refused" => new DomainException(DomainErrorKind.Validation, "card-refused",
            $"The payment provider refused the card; nothing was bought from {storeName} and its items are back in the cart.",
            failure.Errors),
        _ => new DomainException(DomainErrorKind.Unavailable, "payment-incomplete",
            $"The payment for {storeName} did not complete; its order was cancelled and its items are back in the cart. " +
            "Retry: the next try with this transaction id pays again."),
    };
}
