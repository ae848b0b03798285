namespace Marketplace.WebClient.Infrastructure;

/// <summary>The page at "/" until the storefront exists: what runs here and where the API is documented.</summary>
internal static class LandingPage
{
    public const string Html = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>Marketplace</title>
          <style>
            body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5; color: #1b1b1f; }
            a { color: #0b57d0; }
            code { background: #f1f3f4; padding: 0.1rem 0.3rem; border-radius: 4px; }
          </style>
        </head>
        <body>
          <h1>Marketplace</h1>
          <p>Many stores, one storefront. The HTTP API is running on this host.</p>
          <ul>
            <li><a href="/docs">API reference</a> (browsable, with requests you can try)</li>
            <li><a href="/openapi/v1.json">OpenAPI document</a></li>
            <li><a href="/health/ready">Readiness</a></li>
          </ul>
          <p>Start with <code>POST /api/sellers</code> to open a store, then add products to it.</p>
        </body>
        </html>
        """;
}
