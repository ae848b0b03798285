using System.Net;
using System.Text.RegularExpressions;

namespace Marketplace.Web.Tests;

/// <summary>The web pages' forms as a browser posts them: with the form token of the page and its cookie.</summary>
public static partial class SignInPage
{
    /// <summary>The form token and antiforgery cookie of a page, for posting its form.</summary>
    public static async Task<(string Token, string Cookie)> FormTokenAsync(HttpClient http, string path, string? cookie = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        using var page = await http.SendAsync(request);
        var html = await page.Content.ReadAsStringAsync();
        var token = FormToken().Match(html);
        if (!token.Success)
        {
            throw new InvalidOperationException($"{path} has no form token ({(int)page.StatusCode}).");
        }

        var antiforgery = page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("mk_af=", StringComparison.Ordinal));
        return (WebUtility.HtmlDecode(token.Groups[1].Value), antiforgery);
    }

    /// <summary>Signs in with the sign-in page and answers the session cookie ("mk_session=…").</summary>
    public static async Task<string> CookieAsync(HttpClient http, string email, string password)
    {
        var (token, antiforgery) = await FormTokenAsync(http, "/account/login");
        using var post = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Email"] = email,
                ["Password"] = password,
                ["__RequestVerificationToken"] = token,
            }),
        };
        post.Headers.Add("Cookie", antiforgery);
        using var answer = await http.SendAsync(post);
        if (answer.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Signing in as {email} answered {(int)answer.StatusCode}.");
        }

        return answer.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("mk_session=", StringComparison.Ordinal));
    }

    /// <summary>Posts a page's form as a browser does: the page's form token, its antiforgery cookie and the session's.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient http, string session, string path, Dictionary<string, string> fields)
    {
        var (token, antiforgery) = await FormTokenAsync(http, path, session);
        fields["__RequestVerificationToken"] = token;
        using var post = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        post.Headers.Add("Cookie", $"{session}; {antiforgery}");
        return await http.SendAsync(post);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();
}
