using Marketplace.Contracts.Insights;
using Marketplace.Contracts.Orders;
using Marketplace.Grains.Insights;
using Marketplace.Grains.Orders;

namespace Marketplace.Grains.Tests;

/// <summary>The pure parts of insights: an order's steps from its state, and the periods of a report.</summary>
public sealed class InsightsRulesTests
{
    private static readonly DateTimeOffset Placed = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_order_takes_a_step_each_time_it_reaches_a_status_and_each_time_a_return_arrives()
    {
        var order = new OrderState
        {
            Created = true,
            Lines = [new OrderLine("prd_a", "A", "A", 2, 1000, 0), new OrderLine("prd_b", "B", "B", 1, 500, 0)],
            Timeline =
            [
                new(OrderStatus.Placed, Placed, null), new(OrderStatus.AwaitingPayment, Placed, null),
                new(OrderStatus.Paid, Placed.AddMinutes(3), null), new(OrderStatus.Shipped, Placed.AddDays(1), null),
                new(OrderStatus.Shipped, Placed.AddDays(2), "In transit."), new(OrderStatus.Delivered, Placed.AddDays(3), null),
            ],
            Returns =
            [
                new ReturnState { ReturnId = "r1", Lines = [new ReturnLine("prd_a", "A", 1)], ReceivedAt = Placed.AddDays(6) },
                new ReturnState { ReturnId = "r2", Lines = [new ReturnLine("prd_b", "B", 1)] },
            ],
        };

        var steps = OrderEvents.Of(order);

        Assert.Equal(
            [("placed", ""), ("awaitingPayment", ""), ("paid", ""), ("shipped", ""), ("delivered", ""), ("returned", "r1")],
            steps.Select(s => (s.Kind, s.Ref)));
        Assert.Equal(Placed.AddDays(1), steps.Single(s => s.Kind == "shipped").At);
        Assert.Equal([3, 3, 3, 3, 3, 1], steps.Select(s => s.Units));
        Assert.Empty(OrderEvents.Of(new OrderState { Timeline = order.Timeline }));
    }

    [Theory]
    [InlineData("2026-12-06", ReportInterval.Day, "2026-12-06")]
    [InlineData("2026-12-06", ReportInterval.Week, "2026-11-30")]
    [InlineData("2026-11-30", ReportInterval.Week, "2026-11-30")]
    [InlineData("2026-12-31", ReportInterval.Month, "2026-12-01")]
    public void A_period_starts_on_its_day_monday_or_first_of_the_month(string day, ReportInterval interval, string start) =>
        Assert.Equal(DateOnly.Parse(start), ReportPeriods.StartOf(DateOnly.Parse(day), interval));

    [Fact]
    public void Quiet_periods_are_filled_with_zeros_for_each_currency_that_has_figures()
    {
        var range = new ReportRange(new DateOnly(2026, 11, 4), new DateOnly(2026, 11, 20), ReportInterval.Week);
        var points = new[] { new SalesPoint(new DateOnly(2026, 11, 9), "CLP", 2, 3, 9000), new SalesPoint(new DateOnly(2026, 11, 2), "USD", 1, 1, 500) };

        var filled = ReportPeriods.Fill(points, range, p => p.Start, p => p.Currency, (s, c) => new SalesPoint(s, c, 0, 0, 0));

        Assert.Equal(["2026-11-02", "2026-11-09", "2026-11-16"], filled.Where(p => p.Currency == "CLP").Select(p => p.Start.ToString("yyyy-MM-dd")));
        Assert.Equal([0L, 2, 0], filled.Where(p => p.Currency == "CLP").Select(p => p.Orders));
        Assert.Equal([1L, 0, 0], filled.Where(p => p.Currency == "USD").Select(p => p.Orders));
        Assert.Empty(ReportPeriods.Fill([], range, (SalesPoint p) => p.Start, p => p.Currency, (s, c) => new SalesPoint(s, c, 0, 0, 0)));
    }

    [Fact]
    public void A_range_backwards_or_with_too_many_periods_is_refused()
    {
        var day = new DateOnly(2026, 1, 1);
        Assert.Null(ReportPeriods.Problem(new ReportRange(day, day.AddDays(365))));
        Assert.NotNull(ReportPeriods.Problem(new ReportRange(day, day.AddDays(-1))));
        Assert.NotNull(ReportPeriods.Problem(new ReportRange(day, day.AddYears(4))));
        Assert.Null(ReportPeriods.Problem(new ReportRange(day, day.AddYears(4), ReportInterval.Month)));
    }
}
