using Marketplace.Contracts.Catalog;
using Marketplace.Contracts.Common;
using Marketplace.Contracts.Orders;
using Marketplace.Grains.Catalog;
using Marketplace.Grains.Orders;

namespace Marketplace.Grains.Tests;

public sealed class StorableTextTests
{
    [Theory]
    [InlineData("")]
    [InlineData("Café de Colombia")]
    [InlineData("日本語のテキスト")]
    [InlineData("emoji \U0001F600 in the middle")]
    [InlineData("\U0001F600")]
    [InlineData("ends with a pair \U0001F4E6")]
    public void Ordinary_text_and_surrogate_pairs_are_storable(string text) => Assert.True(StorableText.IsStorable(text));

    /// <summary>Not as inline data: a lone surrogate does not survive the test framework's serialization of cases.</summary>
    public static TheoryData<string> Unstorable => new()
    {
        "\0",
        "a\0b",
        "trailing\0",
        "\ud800",
        "lone high \ud83d at the end\ud83d",
        "lone low \ude00 in the middle",
        "reversed pair \ude00\ud83d",
        "a good pair \U0001F600 then a NUL \0",
    };

    [Theory]
    [MemberData(nameof(Unstorable), DisableDiscoveryEnumeration = true)]
    public void Nul_and_unpaired_surrogates_are_not(string text) => Assert.False(StorableText.IsStorable(text));

    [Fact]
    public void A_long_text_is_searched_to_its_end() =>
        Assert.False(StorableText.IsStorable(new string('x', 100_000) + "\U0001F600" + new string('y', 5_000) + "\0"));

    [Fact]
    public void Null_is_storable_as_absent() => Assert.True(StorableText.IsStorable((string?)null));

    [Fact]
    public void Product_and_store_rules_name_the_field_holding_unstorable_text()
    {
        var product = CatalogRules.Validate(Samples.Product() with
        {
            Title = "Café\0",
            Attributes = new Dictionary<string, string> { ["origin"] = "\ud800" },
        });
        Assert.Equal([StorableText.Refusal], product["title"]);
        Assert.Equal([StorableText.Refusal], product["attributes"]);

        var store = CatalogRules.Validate(new StoreDraft("Ana\0", null, RequiresConfirmation: false, "CLP"));
        Assert.Equal([StorableText.Refusal], store["name"]);
    }

    [Fact]
    public void An_address_with_a_nul_is_refused_field_by_field()
    {
        var errors = AddressRules.Check(new PostalAddress("Ana", "Main 1\0", "Santiago", null, "CL", "8320000", "+56\0"), "shippingAddress");
        Assert.Contains("shippingAddress.line1", errors.Keys);
        Assert.Contains("shippingAddress.phone", errors.Keys);
    }
}
