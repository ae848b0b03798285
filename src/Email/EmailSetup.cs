using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Marketplace.Email;

public static class EmailSetup
{
    /// <summary>
    /// The email outbox, templates and sender. The host provides <see cref="IEmailLinks"/>, an NpgsqlDataSource and a
    /// TimeProvider. A Production process without a relay refuses to start; elsewhere emails then wait in the queue.
    /// </summary>
    public static IServiceCollection AddMarketplaceEmail(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<EmailOptions>()
            .Bind(configuration.GetSection(EmailOptions.Section))
            .Validate(o => !environment.IsProduction() || !string.IsNullOrWhiteSpace(o.Smtp.Host),
                "Email:Smtp:Host is not set: a production process needs an SMTP relay to send email (see docs/operations.md).")
            .Validate(o => o.Smtp.Port is > 0 and < 65536, "Email:Smtp:Port must be a TCP port.")
            .Validate(o => o.BatchSize is > 0 and <= 1000 && o.MaxAttempts > 0 && o.MaxPerSecond >= 0,
                "Email:BatchSize (1..1000), Email:MaxAttempts (> 0) and Email:MaxPerSecond (>= 0) are out of range.")
            .Validate(o => MimeKit.MailboxAddress.TryParse(o.FromAddress, out _), "Email:FromAddress is not an email address.")
            .ValidateOnStart();
        services.AddSingleton(sp => EmailTemplates.Load(EmailTemplates.BuiltInFolder, sp.GetRequiredService<IOptions<EmailOptions>>().Value.TemplatesPath));
        services.AddSingleton<MailQueue>();
        services.AddSingleton<MessageComposer>();
        services.AddHostedService<MailSender>();
        return services;
    }
}
