using Microsoft.Playwright;

namespace Marketplace.Browser.Tests;

/// <summary>
/// The people of one test, each with a browser profile of their own (cookies, tabs). They close when the test ends;
/// when it failed, each page's screenshot and address are saved first under .test-data/screenshots/failures, so a
/// failure in CI shows what the browser showed. Every page runs under the marketplace's Content-Security-Policy, and
/// anything the browser refused because of it fails the test.
/// </summary>
public sealed class People(BrowserFixture fixture) : IAsyncDisposable
{
    private readonly List<(IBrowserContext Context, IPage Page, string Name)> people = [];
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> violations = new();

    /// <summary>A new person on the marketplace, on a desktop unless a viewport is given.</summary>
    public async Task<IPage> ArriveAsync(string name, ViewportSize? viewport = null, string locale = "en-US", bool javaScript = true)
    {
        var context = await fixture.NewVisitorAsync(viewport, locale, javaScript);
        // Chromium reports each refusal on the console ("Refused to execute inline script because it violates the
        // following Content Security Policy directive ...").
        context.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                violations.Enqueue($"{name} at {message.Location}: {message.Text}");
            }
        };
        var page = await context.NewPageAsync();
        people.Add((context, page, name));
        return page;
    }

    /// <summary>Another tab of a person who already arrived (same cookies).</summary>
    public async Task<IPage> NewTabAsync(IPage of, string name)
    {
        var page = await of.Context.NewPageAsync();
        people.Add((of.Context, page, name));
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        if (TestContext.Current.TestState?.Result == TestResult.Failed)
        {
            var folder = Path.Combine(BrowserFixture.ScreenshotsPath, "failures");
            Directory.CreateDirectory(folder);
            var test = TestContext.Current.TestMethod?.MethodName ?? "test";
            await File.WriteAllTextAsync(Path.Combine(folder, $"{test}-sandbox.log"), fixture.Sandbox.Output);
            foreach (var (_, page, name) in people)
            {
                try
                {
                    await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{test}-{name}.png"), FullPage = true });
                    await File.WriteAllTextAsync(Path.Combine(folder, $"{test}-{name}.url.txt"), page.Url);
                }
                catch (PlaywrightException)
                {
                    // That page is already gone; the others may still tell something.
                }
            }
        }

        foreach (var context in people.Select(p => p.Context).Distinct())
        {
            await context.DisposeAsync();
        }

        Assert.True(violations.IsEmpty, "The browser refused what the pages asked for:\n" + string.Join("\n", violations));
    }
}
