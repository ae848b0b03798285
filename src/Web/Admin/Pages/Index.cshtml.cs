using Marketplace.Web.Shared;

namespace Marketplace.Web.Admin.Pages;

/// <summary>The cluster at a glance: each silo's status, activations and start time.</summary>
public sealed class IndexModel(AdminQueries queries) : MarketplacePage
{
    public ClusterResponse Cluster { get; private set; } = new([]);

    public async Task OnGetAsync()
    {
        ViewData["Title"] = T["Administration"].Value;
        ViewData["Section"] = "cluster";
        Cluster = await queries.ClusterAsync();
    }
}
