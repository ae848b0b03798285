using System.ComponentModel.DataAnnotations;
using Marketplace.Web.Accounts;
using Marketplace.Web.Admin;
using Marketplace.Web.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Web.Integrations;

/// <summary>A company as a business directory keeps it.</summary>
public sealed record DirectoryCompanyRequest
{
    [Required, StringLength(120, MinimumLength = 1)]
    public string? Name { get; init; }

    [StringLength(10_000)]
    public string? Description { get; init; }

    [StringLength(40)]
    public string? TaxId { get; init; }

    [StringLength(200)]
    public string? Address { get; init; }

    [StringLength(100)]
    public string? City { get; init; }

    [StringLength(100)]
    public string? Country { get; init; }

    [StringLength(40)]
    public string? Phone { get; init; }

    [EmailAddress, StringLength(254)]
    public string? Email { get; init; }

    [StringLength(500), Url]
    public string? Website { get; init; }

    [StringLength(500), Url]
    public string? LogoUrl { get; init; }

    internal StoreDraft ToDraft() => new(Name!, Description, RequiresConfirmation: true, Currency: "CLP", LogoUrl,
        new StoreContact(Email, Phone, Website, Address, City, Country, TaxId));
}

public sealed record DirectorySyncResponse(string SellerId, string ExternalId, bool Created, string? ClaimCode, StoreResponse Store);

/// <summary>Partner systems, authenticated by an integration API key (X-Api-Key).</summary>
public static class IntegrationsApi
{
    private const int MaxExternalIdLength = 100;

    public static IEndpointRouteBuilder MapIntegrationsApi(this IEndpointRouteBuilder routes)
    {
        var directory = routes.MapGroup("/integrations/directory").WithTags("Integrations")
            .RequireAuthorization(AuthorizationSetup.DirectoryPolicy);
        directory.MapPut("/sellers/{externalId}", Upsert).WithName("DirectoryUpsertSeller")
            .WithSummary("Create or update a store from the directory's company record")
            .WithDescription("Idempotent: the same externalId always names the same store. A new store answers 201 with a claim code " +
                "that the company uses to register as its owner; later calls answer 200.");
        directory.MapPost("/sellers/{externalId}/claim-code", NewClaimCode).WithName("DirectoryIssueClaimCode")
            .WithSummary("A new claim code for a store nobody has claimed yet (the previous one stops working)");
        return routes;
    }

    /// <summary>The store id for a directory's company id: derived, so every web host and every retry agrees.</summary>
    public static string SellerIdFor(string externalId) => GrainKeys.DerivedId(GrainKeys.SellerPrefix, "directory", externalId);

    private static async Task<Results<Created<DirectorySyncResponse>, Ok<DirectorySyncResponse>, ValidationProblem>> Upsert(
        string externalId, DirectoryCompanyRequest request, IGrainFactory grains)
    {
        if (Invalid(externalId) is { } invalid)
        {
            return invalid;
        }

        var sellerId = SellerIdFor(externalId);
        var sync = await grains.GetGrain<ISellerGrain>(sellerId).UpsertFromDirectory(externalId, request.ToDraft());
        var response = new DirectorySyncResponse(sellerId, externalId, sync.Created, sync.ClaimCode, StoreResponse.From(sync.Profile));
        return sync.Created
            ? TypedResults.Created($"/api/sellers/{sellerId}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<ClaimCodeResponse>, ValidationProblem>> NewClaimCode(string externalId, IGrainFactory grains)
    {
        if (Invalid(externalId) is { } invalid)
        {
            return invalid;
        }

        var sellerId = SellerIdFor(externalId);
        return TypedResults.Ok(new ClaimCodeResponse(sellerId, await grains.GetGrain<ISellerGrain>(sellerId).IssueClaimCode()));
    }

    private static ValidationProblem? Invalid(string externalId) =>
        externalId.Length is 0 or > MaxExternalIdLength || !externalId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':')
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["externalId"] = [$"1-{MaxExternalIdLength} characters: letters, digits, '-', '_', '.' or ':'."],
            })
            : null;
}
