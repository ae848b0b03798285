using Marketplace.WebClient.Api;
using Marketplace.WebClient.Operations;
using Marketplace.WebClient.Web;

namespace Marketplace.WebClient.Pages.Admin;

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
