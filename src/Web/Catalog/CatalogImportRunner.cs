using System.Text.RegularExpressions;
using Marketplace.Web.Media;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Catalog;

/// <summary>Configuration section "CatalogImport".</summary>
public sealed class CatalogImportOptions
{
    public const string Section = "CatalogImport";

    /// <summary>Whether this web host runs imports (every host does by default, sharing the queue).</summary>
    public bool RunnerEnabled { get; set; } = true;

    /// <summary>How often an idle host looks for a queued import (it is woken at once for one queued on itself).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Products handed to the store's grain at once; the store's register is written once per batch.</summary>
    public int BatchSize { get; set; } = 250;
}

/// <summary>
/// Runs catalog imports in the background (docs/architecture.md, "Catalog import and export"). A host takes an import
/// with a lease, reads the whole file, resolves its images and asks the store's grain to check every product against
/// the catalog's rules; any problem fails the import before anything is written. Otherwise (and not for a dry run) it
/// hands the products to the store's grain a batch at a time, recording progress, renewing the lease and stopping
/// when the import is cancelled. It acts as the person (or the store's key) who uploaded the file, so the grains check
/// that they still act for the store.
/// </summary>
public sealed partial class CatalogImportRunner(
    CatalogImports imports,
    IGrainFactory grains,
    IBlobStore blobs,
    IOptions<CatalogImportOptions> options,
    ILogger<CatalogImportRunner> logger) : BackgroundService
{
    private readonly string host = Environment.MachineName + "/" + Guid.NewGuid().ToString("N")[..8];
    private readonly SemaphoreSlim wake = new(0);

    /// <summary>
    /// Queues an uploaded file to import (or only check) for the store as <paramref name="caller"/>, and wakes this
    /// host's runner so it starts now rather than at the next poll. Answers the import's id.
    /// </summary>
    public async Task<string> QueueAsync(string storeId, Caller caller, IFormFile file, bool dryRun, CancellationToken ct)
    {
        using var content = new MemoryStream();
        await file.CopyToAsync(content, ct);
        var name = Path.GetFileName(file.FileName);
        var id = await imports.EnqueueAsync(storeId, caller, name.Length is > 0 and <= 200 ? name : "catalog.csv", content.ToArray(), dryRun, ct);
        wake.Release();
        return id;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunnerEnabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await imports.ClaimAsync(host, stoppingToken) is { } job)
                {
                    try
                    {
                        await RunAsync(job, stoppingToken);
                    }
                    catch (DomainException e) when (e.Kind is not DomainErrorKind.Unavailable)
                    {
                        // The uploader no longer acts for the store, or the store is gone: running it again will not help.
                        var refused = new ImportProgress();
                        refused.Errors.Add(new ImportError(0, null, e.Message));
                        await imports.FinishAsync(job.Id, host, "failed", refused, stoppingToken);
                    }

                    continue;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }

            await wake.WaitAsync(options.Value.PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task RunAsync(ClaimedImport job, CancellationToken ct)
    {
        // The grains see the uploader, as they would on a request of theirs.
        CallerContext.Set(new Caller(job.CreatedBy, job.Roles, job.StoreId));
        var store = grains.GetGrain<ISellerGrain>(job.StoreId);
        var progress = new ImportProgress();
        var file = CatalogCsv.Read(new MemoryStream(job.Content));
        progress.Rows = file.Rows;
        progress.Total = file.Products.Count;
        progress.Errors.AddRange(file.Errors);
        var items = file.Products.Select(p => new ImportedProduct(p.Handle, p.Draft, ResolveImages(p, progress.Errors))).ToList();
        if (file.Errors.Count == 0)
        {
            foreach (var (batch, offset) in Batches(items))
            {
                var problems = await store.CheckImport(batch);
                progress.Errors.AddRange(problems.Select(p => ErrorOf(file.Products[offset + p.Index], p.Field, p.Message)));
            }
        }

        if (progress.Errors.Count > 0 || job.DryRun)
        {
            progress.Processed = progress.Errors.Count == 0 ? progress.Total : 0;
            await imports.FinishAsync(job.Id, host, progress.Errors.Count > 0 ? "failed" : "done", progress, ct);
            LogChecked(logger, job.Id, job.StoreId, progress.Total, progress.Errors.Count);
            return;
        }

        foreach (var (batch, offset) in Batches(items))
        {
            if (!await imports.ProgressAsync(job.Id, host, progress, ct))
            {
                await imports.FinishAsync(job.Id, host, "cancelled", progress, ct);
                LogCancelled(logger, job.Id, progress.Processed);
                return;
            }

            var results = await store.ImportProducts(batch);
            for (var i = 0; i < results.Count; i++)
            {
                var result = results[i];
                switch (result.Outcome)
                {
                    case ImportOutcome.Created: progress.Created++; break;
                    case ImportOutcome.Updated: progress.Updated++; break;
                    case ImportOutcome.Unchanged: progress.Unchanged++; break;
                    default:
                        progress.Failed++;
                        progress.Errors.Add(ErrorOf(file.Products[offset + i], result.ErrorField, result.Error ?? "Not imported."));
                        break;
                }
            }

            progress.Processed += results.Count;
        }

        await imports.FinishAsync(job.Id, host, "done", progress, ct);
        LogImported(logger, job.Id, job.StoreId, progress.Created, progress.Updated, progress.Unchanged, progress.Failed);
    }

    private IEnumerable<(List<ImportedProduct> Batch, int Offset)> Batches(List<ImportedProduct> items)
    {
        var size = Math.Max(1, options.Value.BatchSize);
        for (var offset = 0; offset < items.Count; offset += size)
        {
            yield return (items.GetRange(offset, Math.Min(size, items.Count - offset)), offset);
        }
    }

    /// <summary>The images a row names, as uploaded images of the marketplace; an unknown one is an error of the row.</summary>
    private List<ProductImage>? ResolveImages(ImportedRow row, List<ImportError> errors)
    {
        if (row.Images is null)
        {
            return null;
        }

        var images = new List<ProductImage>();
        foreach (var reference in row.Images)
        {
            var key = MediaKey().Match(reference) is { Success: true } m ? m.Groups[1].Value : reference;
            if (blobs.Find(key) is not { } file || ImageInspector.Inspect(File.ReadAllBytes(file.FullName)) is not { } format)
            {
                errors.Add(new ImportError(row.Line, CatalogCsv.Images, $"'{reference}' is not an image uploaded to the marketplace (upload it to a product first, then use its /media/ address)."));
                continue;
            }

            images.Add(new ProductImage(key, format.ContentType, format.Width, format.Height, file.Length));
        }

        return images;
    }

    /// <summary>Where in the file a grain's field error belongs: a variant's row for its fields, the product's first row otherwise.</summary>
    internal static ImportError ErrorOf(ImportedRow row, string? field, string message)
    {
        if (field is not null && VariantField().Match(field) is { Success: true } variant)
        {
            var index = int.Parse(variant.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var column = variant.Groups[2].Value switch
            {
                "price" => CatalogCsv.VariantPrice,
                "stock" => CatalogCsv.Stock,
                "options" or "" => CatalogCsv.Options,
                _ => CatalogCsv.Sku,
            };
            return new ImportError(index < row.VariantLines.Count ? row.VariantLines[index] : row.Line, column, message);
        }

        var name = field?.Split('.', '[')[0];
        return new ImportError(row.Line, name is null || name == "variants" ? null : CatalogCsv.Columns.Contains(name) ? name : null, message);
    }

    [GeneratedRegex(@"(?:^|/)media/([^/?#]+)$")]
    private static partial Regex MediaKey();

    [GeneratedRegex(@"^variants\[(\d+)\]\.?([a-zA-Z]*)")]
    private static partial Regex VariantField();

    [LoggerMessage(Level = LogLevel.Information, Message = "Catalog import {ImportId} of store {StoreId} checked: {Products} products, {Errors} problems")]
    private static partial void LogChecked(ILogger logger, string importId, string storeId, int products, int errors);

    [LoggerMessage(Level = LogLevel.Information, Message = "Catalog import {ImportId} of store {StoreId}: {Created} created, {Updated} updated, {Unchanged} unchanged, {Failed} failed")]
    private static partial void LogImported(ILogger logger, string importId, string storeId, int created, int updated, int unchanged, int failed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Catalog import {ImportId} cancelled after {Processed} products")]
    private static partial void LogCancelled(ILogger logger, string importId, int processed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A catalog import failed; it is taken again when its lease runs out")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
