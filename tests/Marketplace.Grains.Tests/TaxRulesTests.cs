using Marketplace.Contracts.Common;
using Marketplace.Contracts.Finance;
using Marketplace.Contracts.Orders;
using Marketplace.Grains.Finance;
using Marketplace.Grains.Orders;

namespace Marketplace.Grains.Tests;

/// <summary>The tax of a line: rate in parts per million, per line, half-up to the minor unit (CLP pesos, USD cents).</summary>
public sealed class TaxRulesTests
{
    [Theory]
    // Chile, IVA 19 % included in the price, pesos (no decimals).
    [InlineData(8_990, 190_000, true, 1_435)]      // 1,435.38
    [InlineData(17_980, 190_000, true, 2_871)]     // 2,870.76
    [InlineData(119, 190_000, true, 19)]           // exactly 19
    [InlineData(6_250, 190_000, true, 998)]        // 997.90
    [InlineData(1, 190_000, true, 0)]              // 0.16
    // United States, tax on top, cents.
    [InlineData(1_999, 72_500, false, 145)]        // 144.9275
    [InlineData(1_000, 88_750, false, 89)]         // 88.75 rounds half up
    [InlineData(2_000, 72_500, false, 145)]        // exactly 145
    [InlineData(10, 50_000, false, 1)]             // 0.5 rounds half up
    [InlineData(9, 50_000, false, 0)]              // 0.45
    // USD with an included tax, CLP with one on top.
    [InlineData(10_750, 75_000, true, 750)]        // exactly 750
    [InlineData(8_990, 190_000, false, 1_708)]     // 1,708.1
    // No rate, nothing to tax.
    [InlineData(8_990, 0, true, 0)]
    [InlineData(0, 190_000, false, 0)]
    public void A_lines_tax_is_rounded_half_up_to_the_minor_unit(long lineTotal, int ratePpm, bool included, long expected) =>
        Assert.Equal(expected, TaxRules.OfLine(lineTotal, ratePpm, included));

    [Fact]
    public void An_included_tax_and_the_net_price_add_up_to_the_price()
    {
        for (var total = 1L; total < 20_000; total += 37)
        {
            var tax = TaxRules.OfLine(total, 190_000, included: true);
            var net = total - tax;
            // The net price taxed on top gives back the price within the one unit that rounding may move.
            Assert.InRange(net + TaxRules.OfLine(net, 190_000, included: false) - total, -1, 1);
        }
    }

    private static readonly TaxRates UnitedStates = new(new Dictionary<string, IReadOnlyDictionary<string, int>>
    {
        ["US"] = new Dictionary<string, int> { ["CA"] = 72_500, ["NY"] = 88_750 },
    });

    private static PostalAddress To(string country, string? region) => new("Ana", "Main St 1", "Town", region, country, null, null);

    [Fact]
    public void Prices_with_the_tax_included_use_the_stores_rate_and_others_the_destinations()
    {
        Assert.Equal(190_000, OrderTaxes.RateFor(true, 190_000, UnitedStates, To("US", null)));
        Assert.Equal(72_500, OrderTaxes.RateFor(false, 190_000, UnitedStates, To("US", "CA")));
        Assert.Equal(88_750, OrderTaxes.RateFor(false, 0, UnitedStates, To("US", " ny ")));
        // A country the table does not list is not taxed by it.
        Assert.Equal(0, OrderTaxes.RateFor(false, 0, UnitedStates, To("CL", null)));
    }

    [Fact]
    public void A_destination_whose_country_taxes_by_region_must_name_a_known_region()
    {
        Assert.Equal("shippingAddress.region",
            Assert.Single(Assert.Throws<DomainException>(() => OrderTaxes.RateFor(false, 0, UnitedStates, To("US", null))).Errors!.Keys));
        Assert.Throws<DomainException>(() => OrderTaxes.RateFor(false, 0, UnitedStates, To("US", "ZZ")));
    }

    [Fact]
    public void A_rate_table_names_countries_and_regions_by_code_with_rates_in_range()
    {
        Assert.Empty(OrderTaxes.Validate(UnitedStates));
        var bad = new TaxRates(new Dictionary<string, IReadOnlyDictionary<string, int>>
        {
            ["usa"] = new Dictionary<string, int> { ["CA"] = 1 },
            ["MX"] = new Dictionary<string, int> { ["cdmx"] = 160_000 },
            ["CL"] = new Dictionary<string, int> { ["RM"] = 600_000 },
        });
        Assert.Equal(["countries", "countries.CL", "countries.MX"], OrderTaxes.Validate(bad).Keys.Order());
    }

    [Fact]
    public void The_ledger_allocates_the_tax_and_takes_commission_on_the_price_without_it()
    {
        var order = new OrderState
        {
            Created = true, SellerId = "sel_1", Currency = "CLP", Lines = [new OrderLine("prd_1", "A", "Café", 1, 11_900)], Subtotal = 11_900,
            Total = 11_900, PricesIncludeTax = true, TaxRatePpm = 190_000, LineTaxes = [1_900], Tax = 1_900, CommissionBps = [1_000],
            CapturedPaymentId = "pay_1", Payments = [new PaymentAttemptState { PaymentId = "pay_1", Status = OrderPayments.Succeeded, Amount = 11_900 }],
        };

        OrderLedger.Post(order, DateTimeOffset.UnixEpoch);

        var credited = order.Ledger.ToDictionary(e => e.Credit, e => e.Amount);
        Assert.Equal((1_900L, 1_000L, 9_000L), (credited[LedgerAccounts.Tax], credited[LedgerAccounts.Commission], credited[LedgerAccounts.StorePayable]));
    }
}
