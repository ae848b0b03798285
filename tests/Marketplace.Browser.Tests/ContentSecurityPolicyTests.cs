using Microsoft.Playwright;

namespace Marketplace.Browser.Tests;

/// <summary>The policy is not only sent but holds in a real browser: injected script does not run, no other site frames a page.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ContentSecurityPolicyTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Script_injected_into_a_page_does_not_run_and_another_site_cannot_frame_the_seller_console()
    {
        await using var context = await fixture.NewVisitorAsync();
        var refusals = new System.Collections.Concurrent.ConcurrentQueue<string>();
        context.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                refusals.Enqueue(message.Text);
            }
        };

        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        // What a stored cross-site script would do once it got into the markup: an inline script and an inline handler.
        await page.EvaluateAsync("""
            () => {
              const script = document.createElement('script');
              script.textContent = 'window.injected = true';
              document.body.appendChild(script);
              const img = document.createElement('img');
              img.setAttribute('onerror', 'window.handled = true');
              img.src = '/no-such-image.png';
              document.body.appendChild(img);
            }
            """);
        await Assertions.Expect(page.Locator("body")).ToBeVisibleAsync();
        await WaitForAsync(() => refusals.Count(r => r.Contains("script-src", StringComparison.Ordinal)) >= 2, "both inline scripts refused");
        Assert.False(await page.EvaluateAsync<bool>("() => window.injected === true || window.handled === true"));

        var framing = await context.NewPageAsync();
        await framing.GotoAsync(fixture.ServePage($"""<!doctype html><iframe id="f" src="{fixture.MarketplaceOrigin}/seller"></iframe>"""));
        await WaitForAsync(() => refusals.Any(r => r.Contains("frame-ancestors", StringComparison.Ordinal)), "the frame refused");
        var frame = framing.Frames.Single(f => f != framing.MainFrame);
        Assert.Equal(0, await frame.Locator("form").CountAsync());
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), $"waited 5 s for: {what}");
    }
}
