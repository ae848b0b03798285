using System.Text.Json;
using System.Text.Json.Serialization;

namespace Marketplace.Web.Realtime;

public static class RealtimeSetup
{
    public static IServiceCollection AddMarketplaceRealtime(this IServiceCollection services)
    {
        services.AddOptions<RealtimeHostOptions>().BindConfiguration(RealtimeHostOptions.Section);
        services.AddSignalR().AddJsonProtocol(o =>
        {
            o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            o.PayloadSerializerOptions.Converters.Add(Infrastructure.StorableInput.Converter);
        });
        services.AddSingleton<FeedSubscriptions>();
        services.AddHostedService(sp => sp.GetRequiredService<FeedSubscriptions>());
        return services;
    }

    public static IEndpointRouteBuilder MapMarketHub(this IEndpointRouteBuilder app)
    {
        // A connection outliving its token is closed, so the client reconnects with a fresh one (and a revoked
        // session cannot keep listening).
        app.MapHub<MarketHub>(MarketHub.Path, o => o.CloseOnAuthenticationExpiration = true);
        return app;
    }
}
