using Marketplace.Contracts.Finance;
using Marketplace.Web.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Web.Finance;

/// <summary>The marketplace's money for operators: commission rates and the ledger check.</summary>
public static class FinanceApi
{
    public static IEndpointRouteBuilder MapFinanceApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin").WithTags("Finance").RequireAuthorization(AuthorizationSetup.AdminPolicy);
        admin.MapGet("/commission", GetRates).WithName("GetCommissionRates").WithSummary("The commission rates in percent: default, per category, per store");
        admin.MapPut("/commission", SetRates).WithName("SetCommissionRates")
            .WithSummary("Replace the commission rates; orders already placed keep the rates they were placed with");
        admin.MapGet("/ledger/check", Check).WithName("CheckLedger")
            .WithSummary("Check the ledger's invariants against the orders in the database");
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

    private static async Task<Ok<LedgerCheckResult>> Check(LedgerQueries ledger, CancellationToken ct) =>
        TypedResults.Ok(await ledger.CheckAsync(ct));
}
