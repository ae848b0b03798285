using Marketplace.Contracts.Promotions;
using Marketplace.Grains.Promotions;

namespace Marketplace.Grains.Tests;

/// <summary>What a valid coupon is, field by field (pure).</summary>
public sealed class CouponRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static CouponDraft Draft(string code = "summer-10", CouponKind kind = CouponKind.Percent, long value = 1_000) =>
        new(code, kind, value, 0, null, null, null, null, [], [" Coffee ", "coffee"], false, "  Ten off  ");

    [Fact]
    public void A_draft_is_compared_upper_case_with_its_categories_lower_case()
    {
        var normalized = CouponRules.Normalize(Draft());
        Assert.Equal(("SUMMER-10", "Ten off"), (normalized.Code, normalized.Description));
        Assert.Equal(["coffee"], normalized.Categories);
        Assert.Empty(CouponRules.Validate(normalized, Now));
    }

    public static TheoryData<CouponDraft, string> Refused => new()
    {
        { Draft(code: "AB"), "code" },
        { Draft(code: "WITH SPACE"), "code" },
        { Draft(code: "-LEADING"), "code" },
        { Draft(value: 0), "value" },
        { Draft(value: 10_001), "value" },
        { Draft(kind: CouponKind.Amount, value: 0), "value" },
        { Draft(kind: (CouponKind)7), "kind" },
        { Draft() with { MinSubtotal = -1 }, "minSubtotal" },
        { Draft() with { EndsAt = Now }, "endsAt" },
        { Draft() with { StartsAt = Now.AddDays(3), EndsAt = Now.AddDays(2) }, "endsAt" },
        { Draft() with { MaxUses = 0 }, "maxUses" },
        { Draft() with { MaxUses = 5, MaxUsesPerCustomer = 6 }, "maxUsesPerCustomer" },
        { Draft() with { ProductIds = ["not-a-product"] }, "productIds" },
        { Draft() with { Categories = ["Not A Category!"] }, "categories" },
        { Draft() with { Description = new string('x', 201) }, "description" },
        { Draft() with { Description = "bad\0text" }, "description" },
    };

    [Theory, MemberData(nameof(Refused))]
    public void A_bad_field_is_named(CouponDraft draft, string field) =>
        Assert.Contains(field, CouponRules.Validate(CouponRules.Normalize(draft), Now).Keys);
}
