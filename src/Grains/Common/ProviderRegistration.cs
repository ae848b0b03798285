using Marketplace.Grains.Payments;
using Marketplace.Grains.Shipping;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Common;

public static class ProviderRegistration
{
    /// <summary>
    /// Registers <see cref="IPaymentGateway"/> over the sandbox provider's API, configured from the "Payments" section.
    /// The settings are checked when the gateway is first used, so a process that never pays needs none.
    /// </summary>
    public static IServiceCollection AddSandboxPayments(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PaymentGatewayOptions>().Bind(configuration.GetSection(PaymentGatewayOptions.Section));
        services.TryAddSingleton<IPaymentGateway>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PaymentGatewayOptions>>().Value;
            return new SandboxPaymentGateway(ProviderHttp.CreateClient(
                Required(options.BaseUrl, "Payments:BaseUrl"), Required(options.ApiKey, "Payments:ApiKey"), options.Timeout));
        });
        return services;
    }

    /// <summary>Registers <see cref="ICarrier"/> over the sandbox carrier's API, configured from the "Shipping" section.</summary>
    public static IServiceCollection AddSandboxShipping(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CarrierOptions>().Bind(configuration.GetSection(CarrierOptions.Section));
        services.TryAddSingleton<ICarrier>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<CarrierOptions>>().Value;
            return new SandboxCarrier(ProviderHttp.CreateClient(
                Required(options.BaseUrl, "Shipping:BaseUrl"), Required(options.ApiKey, "Shipping:ApiKey"), options.Timeout));
        });
        return services;
    }

    private static string Required(string? value, string name) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new InvalidOperationException($"{name} is not configured.")
            : value;
}
