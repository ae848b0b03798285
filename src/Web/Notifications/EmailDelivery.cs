using Marketplace.Email;
using Marketplace.Web.Orders;

namespace Marketplace.Web.Notifications;

public static class EmailDelivery
{
    /// <summary>
    /// The email outbox and its sender in this web host (every web host sends, sharing the queue), the mailer that turns
    /// notifications into emails, announcements expanded into emails, and the links the emails carry. A production host needs <c>Marketplace:PublicUrl</c>,
    /// or its links would point nowhere.
    /// </summary>
    public static WebApplicationBuilder AddMarketplaceEmail(this WebApplicationBuilder builder)
    {
        builder.Services.AddMarketplaceEmail(builder.Configuration, builder.Environment);
        builder.Services.AddSingleton<EmailLinks>();
        builder.Services.AddSingleton<IEmailLinks>(sp => sp.GetRequiredService<EmailLinks>());
        builder.Services.AddSingleton<EmailPreferenceStore>();
        builder.Services.AddSingleton<NotificationMailer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NotificationMailer>());
        builder.Services.AddSingleton<Announcements>();
        builder.Services.AddHostedService<AnnouncementExpander>();
        if (builder.Environment.IsProduction() && string.IsNullOrWhiteSpace(builder.Configuration[$"{PublicUrlOptions.Section}:PublicUrl"]))
        {
            throw new InvalidOperationException(
                "Marketplace:PublicUrl is not set: emails carry absolute links to the marketplace, so a production web host needs its public address.");
        }

        return builder;
    }
}
