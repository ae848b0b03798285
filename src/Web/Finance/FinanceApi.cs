using System.Security.Claims;
using Marketplace.Contracts.Finance;
using Marketplace.Web.Accounts;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Web.Finance;

/// <summary>A payout batch asked for: every store's available balance up to this instant (not in the future).</summary>
public sealed record PayoutRequest(DateTimeOffset? PeriodEnd);

/// <summary>A statement as a spreadsheet reads it: one row per currency, amounts in major units.</summary>
[CsvHelper.CsvRecord]
public sealed partial record StatementCsvRow(
    string From, string To, string Currency, int Orders, string Gross, string Discounts, string Shipping, string Tax, string Commission,
    string Refunds, string NetPayable, string PaidOut)
{
    /// <summary>The statement as a CSV download (the API's and the seller console's).</summary>
    public static IResult File(StoreStatement statement)
    {
        string Money(long amount, string currency) => CsvResults.Amount(amount, currency);
        var rows = statement.Lines.Select(l => new StatementCsvRow(
            statement.From.ToString("O"), statement.To.ToString("O"), l.Currency, l.Orders, Money(l.Gross, l.Currency), Money(l.Discounts, l.Currency),
            Money(l.Shipping, l.Currency), Money(l.Tax, l.Currency), Money(l.Commission, l.Currency), Money(l.Refunds, l.Currency),
            Money(l.NetPayable, l.Currency), Money(l.PaidOut, l.Currency)));
        return CsvResults.File(rows, $"statement-{statement.From:yyyy-MM-dd}-{statement.To:yyyy-MM-dd}.csv");
    }
}

/// <summary>A payout batch as the bank's import reads it: one transfer per store and currency.</summary>
[CsvHelper.CsvRecord]
public sealed partial record PayoutCsvRow(string PayoutId, string SellerId, string StoreName, string Currency, string Amount, string Reference)
{
    /// <summary>The batch as the bank's CSV (the API's and the admin page's).</summary>
    public static IResult File(PayoutBatchView batch) => CsvResults.File(
        batch.Lines.Select(l => new PayoutCsvRow(batch.PayoutId, l.SellerId, l.StoreName ?? "", l.Currency, CsvResults.Amount(l.Amount, l.Currency),
            $"{batch.PayoutId} {batch.PeriodEnd:yyyy-MM-dd}")),
        $"payout-{batch.PayoutId}.csv");
}

/// <summary>The marketplace's money: commission rates and the ledger check for operators, statements for stores, payouts.</summary>
public static class FinanceApi
{
    public static IEndpointRouteBuilder MapFinanceApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin").WithTags("Finance").RequireAuthorization(AuthorizationSetup.AdminPolicy);
        admin.MapGet("/commission", GetRates).WithName("GetCommissionRates").WithSummary("The commission rates in percent: default, per category, per store");
        admin.MapPut("/commission", SetRates).WithName("SetCommissionRates")
            .WithSummary("Replace the commission rates; orders already placed keep the rates they were placed with");
        admin.MapGet("/tax-rates", GetTaxRates).WithName("GetTaxRates").WithSummary("Tax rates in percent per country and region, for stores whose prices exclude tax");
        admin.MapPut("/tax-rates", SetTaxRates).WithName("SetTaxRates")
            .WithSummary("Replace the regional tax rates; orders already placed keep the tax they were placed with");
        admin.MapGet("/ledger/check", Check).WithName("CheckLedger")
            .WithSummary("Check the ledger's invariants against the orders in the database");
        admin.MapPost("/payouts", CreatePayout).WithName("CreatePayoutBatch")
            .WithSummary("Pay every store its available balance up to periodEnd (Idempotency-Key required)");
        admin.MapGet("/payouts", ListPayouts).WithName("ListPayoutBatches").WithSummary("The newest payout batches with their lines");
        admin.MapGet("/payouts/{payoutId}", GetPayout).WithName("GetPayoutBatch").WithSummary("One payout batch (Accept: text/csv for the bank's file)");
        admin.MapGet("/payouts/{payoutId}.csv", GetPayout).WithName("GetPayoutBatchCsv").WithSummary("One payout batch as CSV for the bank");
        admin.MapPost("/payouts/{payoutId}/paid", MarkPaid).WithName("MarkPayoutPaid").WithSummary("Record that the bank carried out the batch");
        var seller = routes.MapGroup("/seller").WithTags("Finance").RequireAuthorization(AuthorizationSetup.SellerPolicy);
        seller.MapGet("/statements", Statement).WithName("StoreStatement")
            .WithSummary("The store's statement for [from, to): per currency, orders, gross, shipping, tax, commission, refunds, net payable, paid out (Accept: text/csv for CSV)");
        seller.MapGet("/statements.csv", Statement).WithName("StoreStatementCsv").WithSummary("The store's statement as CSV");
        return routes;
    }

    private static async Task<Ok<CommissionRatesResponse>> GetRates(IGrainFactory grains) =>
        TypedResults.Ok(CommissionRatesResponse.From(await grains.GetGrain<ICommissionRatesGrain>(0).Get()));

    private static async Task<Results<Ok<CommissionRatesResponse>, ValidationProblem>> SetRates(CommissionRatesBody body, IGrainFactory grains)
    {
        var (rates, errors) = Percent.Parse(body);
        if (rates is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(CommissionRatesResponse.From(await grains.GetGrain<ICommissionRatesGrain>(0).Set(rates)));
    }

    private static async Task<Ok<TaxRatesBody>> GetTaxRates(IGrainFactory grains) =>
        TypedResults.Ok(TaxRatesBody.From(await grains.GetGrain<ITaxRatesGrain>(0).Get()));

    private static async Task<Results<Ok<TaxRatesBody>, ValidationProblem>> SetTaxRates(TaxRatesBody body, IGrainFactory grains) =>
        TypedResults.Ok(TaxRatesBody.From(await grains.GetGrain<ITaxRatesGrain>(0).Set(body.ToRates())));

    private static async Task<Ok<LedgerCheckResult>> Check(LedgerQueries ledger, CancellationToken ct) =>
        TypedResults.Ok(await ledger.CheckAsync(ct));

    private static async Task<IResult> Statement(
        DateTimeOffset? from, DateTimeOffset? to, ClaimsPrincipal user, HttpRequest http, FinanceQueries queries, CancellationToken ct)
    {
        if (Statements.ValidatePeriod(from, to) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var statement = await queries.StatementAsync(user.SellerId()!, from!.Value.ToUniversalTime(), to!.Value.ToUniversalTime(), ct);
        if (!CsvResults.Wanted(http))
        {
            return TypedResults.Ok(statement);
        }

        return StatementCsvRow.File(statement);
    }

    private static async Task<Results<Created<PayoutBatchView>, Ok<PayoutBatchView>, ValidationProblem, ProblemHttpResult>> CreatePayout(
        PayoutRequest request, HttpRequest http, ClaimsPrincipal user, Payouts payouts, TimeProvider clock, CancellationToken ct)
    {
        if (!Idempotency.TryGetKey(http, out var key, out var error))
        {
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, "idempotency-key-invalid", error!);
        }

        if (key is null)
        {
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, "idempotency-key-required",
                $"A payout batch needs an {Idempotency.HeaderName} header, so a retry never pays twice.");
        }

        if (request.PeriodEnd is not { } periodEnd || periodEnd > clock.GetUtcNow())
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["periodEnd"] = ["The period's end: an ISO 8601 time, not in the future."] });
        }

        var (batch, created) = await payouts.CreateAsync(key, periodEnd, user.UserId(), ct);
        if (batch is null)
        {
            return ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused", "This Idempotency-Key was used for another period.");
        }

        return created ? TypedResults.Created($"/api/admin/payouts/{batch.PayoutId}", batch) : TypedResults.Ok(batch);
    }

    private static async Task<Ok<IReadOnlyList<PayoutBatchView>>> ListPayouts(Payouts payouts, CancellationToken ct) =>
        TypedResults.Ok(await payouts.ListAsync(null, 50, ct));

    private static async Task<IResult> GetPayout(string payoutId, HttpRequest http, Payouts payouts, CancellationToken ct)
    {
        if (await payouts.GetAsync(payoutId, ct) is not { } batch)
        {
            return ApiProblems.NotFound("The payout batch");
        }

        return CsvResults.Wanted(http) ? PayoutCsvRow.File(batch) : TypedResults.Ok(batch);
    }

    private static async Task<Results<Ok<PayoutBatchView>, ProblemHttpResult>> MarkPaid(string payoutId, Payouts payouts, CancellationToken ct) =>
        await payouts.MarkPaidAsync(payoutId, ct) is { } batch ? TypedResults.Ok(batch) : ApiProblems.NotFound("The payout batch");
}
