using System.ComponentModel.DataAnnotations;
using Marketplace.Contracts.Integrations;
using Marketplace.Web.Accounts;
using Marketplace.Web.Catalog;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Integrations.Pages;

/// <summary>
/// The webhooks page of the seller console and of the administration (one page, two owners): the endpoints with their
/// health, a form for a new one (its secret shown once), and one endpoint's delivery log with "send again".
/// </summary>
public abstract class WebhooksPage(WebhookQueries queries) : MarketplacePage
{
    /// <summary>The store whose endpoints these are; null for the marketplace's own.</summary>
    public abstract string? Owner { get; }

    public IReadOnlyList<WebhookEndpointView> Endpoints { get; private set; } = [];

    /// <summary>The endpoint whose deliveries are shown (?endpoint=).</summary>
    public WebhookEndpointView? Selected { get; private set; }

    public PagedResponse<WebhookDeliveryRow>? Deliveries { get; private set; }

    public Pager? Pager { get; private set; }

    [BindProperty]
    public EndpointForm Form { get; set; } = new();

    /// <summary>A secret just created or rotated: shown on this page once.</summary>
    [TempData]
    public string? NewSecret { get; set; }

    public async Task OnGetAsync(string? endpoint, int? page, CancellationToken ct) => await LoadAsync(endpoint, page, ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        if (ModelState.IsValid)
        {
            try
            {
                var created = await Endpoint("whe_" + Guid.NewGuid().ToString("N"))
                    .Create(Owner, new WebhookEndpointDraft(Form.Url!.Trim(), Form.Events, Form.Description));
                NewSecret = created.Secret;
                Flash = T["Endpoint added. Copy its signing secret now: it is not shown again."];
                return RedirectToPage(new { endpoint = created.Endpoint.Id });
            }
            catch (DomainException e) when (e.Kind is DomainErrorKind.Validation or DomainErrorKind.Conflict)
            {
                AddErrors(e, nameof(Form));
            }
        }

        await LoadAsync(null, null, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRotateAsync(string endpointId)
    {
        await FlashRefusalAsync(async () =>
        {
            NewSecret = (await Endpoint(endpointId).RotateSecret()).Secret;
            Flash = T["New signing secret. The previous one keeps signing beside it for a day."];
        });
        return RedirectToPage(new { endpoint = endpointId });
    }

    public async Task<IActionResult> OnPostEnableAsync(string endpointId, bool enabled)
    {
        await FlashRefusalAsync(async () =>
        {
            var current = await Endpoint(endpointId).Get();
            await Endpoint(endpointId).Update(new WebhookEndpointDraft(current.Url, current.Events, current.Description), enabled);
            Flash = T[enabled ? "Endpoint enabled." : "Endpoint disabled."];
        });
        return RedirectToPage(new { endpoint = endpointId });
    }

    public async Task<IActionResult> OnPostDeleteAsync(string endpointId)
    {
        await FlashRefusalAsync(async () =>
        {
            await Endpoint(endpointId).Delete();
            Flash = T["Endpoint deleted."];
        });
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRedeliverAsync(string endpointId, long deliveryId)
    {
        await FlashRefusalAsync(async () =>
        {
            await Endpoint(endpointId).Redeliver(deliveryId);
            Flash = T["Delivery queued again."];
        });
        return RedirectToPage(new { endpoint = endpointId });
    }

    private IWebhookEndpointGrain Endpoint(string id) => Grains.GetGrain<IWebhookEndpointGrain>(id);

    private async Task LoadAsync(string? endpoint, int? page, CancellationToken ct)
    {
        ViewData["Title"] = T["Webhooks"].Value;
        ViewData["Section"] = "webhooks";
        Endpoints = await queries.EndpointsAsync(Owner, ct);
        Selected = Endpoints.FirstOrDefault(e => e.Id == endpoint);
        if (Selected is not null)
        {
            var paging = Paging.From(page, 25);
            Deliveries = await queries.DeliveriesAsync(Selected.Id, paging.Page, paging.PageSize, ct);
            Pager = new Pager(Request.Path, Request.Query, Deliveries.Page, Deliveries.PageSize, Deliveries.Total);
        }
    }

    public sealed class EndpointForm
    {
        [Required(ErrorMessage = "The address events are posted to."), StringLength(2_000)]
        public string? Url { get; set; }

        public List<string> Events { get; set; } = [];

        [StringLength(200, ErrorMessage = "At most 200 characters.")]
        public string? Description { get; set; }
    }
}

/// <summary>A store's webhooks, in the seller console.</summary>
public sealed class SellerWebhooksModel(WebhookQueries queries) : WebhooksPage(queries), ISellerConsolePage
{
    public override string? Owner => SellerId;

    public string SellerId => User.SellerId()!;

    public string Section => "webhooks";
}

/// <summary>The marketplace's own webhooks (every store's events), for admins.</summary>
public sealed class AdminWebhooksModel(WebhookQueries queries) : WebhooksPage(queries)
{
    public override string? Owner => null;
}
