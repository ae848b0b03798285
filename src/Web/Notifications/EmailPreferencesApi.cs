using System.Security.Claims;
using Marketplace.Email;
using Marketplace.Web.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Web.Notifications;

/// <summary>The caller's channel per kind of business email: "email" now, a daily "digest", or "inApp" only.</summary>
public sealed record NotificationPreferences(IReadOnlyDictionary<string, string> Kinds);

public static class EmailPreferencesApi
{
    public static IEndpointRouteBuilder MapEmailPreferencesApi(this IEndpointRouteBuilder routes)
    {
        var me = routes.MapGroup("/me/notification-preferences").WithTags("Notifications").RequireAuthorization(AuthorizationSetup.UserPolicy);
        me.MapGet("/", Get).WithName("GetNotificationPreferences")
            .WithSummary("How the caller hears of each kind of business event: email, digest (one email a day) or inApp");
        me.MapPut("/", Put).WithName("SetNotificationPreferences")
            .WithSummary("Choose channels for some kinds (the others keep theirs); answers every kind's channel");
        return routes;
    }

    private static async Task<Ok<NotificationPreferences>> Get(ClaimsPrincipal user, EmailPreferenceStore store, CancellationToken ct) =>
        TypedResults.Ok(View(await store.GetAsync(user.UserId(), ct)));

    private static async Task<Results<Ok<NotificationPreferences>, ValidationProblem>> Put(
        NotificationPreferences request, ClaimsPrincipal user, EmailPreferenceStore store, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var choices = new Dictionary<string, EmailChannel>(StringComparer.Ordinal);
        foreach (var (kind, value) in request.Kinds ?? new Dictionary<string, string>())
        {
            if (!EmailPreferences.IsKind(kind))
            {
                errors[$"kinds.{kind}"] = [$"Unknown kind. Kinds: {string.Join(", ", EmailPreferences.Kinds)}."];
            }
            else if (EmailPreferences.Parse(value) is { } channel)
            {
                choices[kind] = channel;
            }
            else
            {
                errors[$"kinds.{kind}"] = ["The channel is \"email\", \"digest\" or \"inApp\"."];
            }
        }

        if (request.Kinds is null)
        {
            errors["kinds"] = ["Send the kinds to change, e.g. {\"kinds\": {\"reviews\": \"digest\"}}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await store.SetAsync(user.UserId(), choices, ct);
        return TypedResults.Ok(View(await store.GetAsync(user.UserId(), ct)));
    }

    private static NotificationPreferences View(IReadOnlyDictionary<string, EmailChannel> channels) =>
        new(channels.ToDictionary(c => c.Key, c => EmailPreferences.Name(c.Value), StringComparer.Ordinal));
}
