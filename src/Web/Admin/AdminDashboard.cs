using Marketplace.Web.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.IdentityModel.JsonWebTokens;
using Orleans.Dashboard;

namespace Marketplace.Web.Admin;

/// <summary>
/// The Orleans dashboard, served by the web host to admins only. It has no authentication of its own and a browser
/// navigating to it cannot send a bearer header, so an admin first trades their token for an HttpOnly cookie scoped to
/// the dashboard's path (<c>POST /api/admin/dashboard/session</c>); the bearer handler reads that cookie there and
/// nowhere else, and the admin policy is checked on every dashboard request.
/// </summary>
public static class AdminDashboard
{
    public const string Path = "/admin/dashboard";

    public const string CookieName = "mk_dashboard";

    public static WebApplication MapAdminDashboard(this WebApplication app)
    {
        // The dashboard's grains parse silo addresses from the route and throw on ones that do not parse (wrapped by
        // the grain's activation); that is the caller's mistake, so it is answered as one.
        app.UseWhen(http => http.Request.Path.StartsWithSegments(Path), dashboard => dashboard.Use(async (http, next) =>
        {
            try
            {
                await next(http);
            }
            catch (Exception e) when (IsUnreadableRouteValue(e) && !http.Response.HasStarted)
            {
                http.Response.Clear();
                http.Response.StatusCode = StatusCodes.Status400BadRequest;
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
                    {
                        Status = StatusCodes.Status400BadRequest,
                        Title = "Bad request",
                        Detail = "The dashboard could not read a silo address or path in this request.",
                        Type = "https://httpstatuses.io/400",
                    },
                });
            }
        }));
        app.MapOrleansDashboard(Path).RequireAuthorization(AuthorizationSetup.AdminPolicy);
        return app;
    }

    private static bool IsUnreadableRouteValue(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is FormatException or OverflowException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Maps the session endpoints under an admin-only group.</summary>
    public static RouteGroupBuilder MapDashboardSession(this RouteGroupBuilder admin)
    {
        admin.MapPost("/dashboard/session", Open).WithName("OpenDashboardSession")
            .WithSummary("Set the cookie that lets this browser open the Orleans dashboard at /admin/dashboard");
        admin.MapDelete("/dashboard/session", Close).WithName("CloseDashboardSession")
            .WithSummary("Remove the dashboard cookie");
        return admin;
    }

    private static Results<NoContent, ProblemHttpResult> Open(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "A bearer token is needed",
                detail: "Send the admin's access token in the Authorization header; it becomes the dashboard cookie.");
        }

        var token = header[scheme.Length..].Trim();
        var expires = new JsonWebToken(token).ValidTo;
        context.Response.Cookies.Append(CookieName, token, Options(context, new DateTimeOffset(expires, TimeSpan.Zero)));
        return TypedResults.NoContent();
    }

    private static NoContent Close(HttpContext context)
    {
        context.Response.Cookies.Delete(CookieName, Options(context, expires: null));
        return TypedResults.NoContent();
    }

    private static CookieOptions Options(HttpContext context, DateTimeOffset? expires) => new()
    {
        Path = Path,
        HttpOnly = true,
        Secure = context.Request.IsHttps,
        SameSite = SameSiteMode.Strict,
        Expires = expires,
        IsEssential = true,
    };
}
