using System.Globalization;
using Marketplace.Contracts.Insights;
using Marketplace.Web.Accounts;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Marketplace.Web.Insights;

/// <summary>Asks for the month of a graph export, as "2026-11".</summary>
public sealed record GraphExportRequest(string? Month);

public sealed record ExportFileResponse(string Name, string ContentType, long Bytes, string Url);

public sealed record ExportResponse(
    string ExportId, string Kind, string? Month, string Status, string RequestedBy, DateTimeOffset RequestedAt, DateTimeOffset? FinishedAt,
    string? Error, IReadOnlyList<ExportFileResponse> Files);

/// <summary>
/// Exports for admins: the monthly graph export (also made on the first of each month by itself) and the warehouse's
/// tables as Parquet. Asking answers 202 with the job; its status and download links follow at GET /api/admin/exports/{id}.
/// </summary>
public static class ExportsApi
{
    public static IEndpointRouteBuilder MapExportsApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin/exports").WithTags("Reports").RequireAuthorization(AuthorizationSetup.AdminPolicy);
        admin.MapPost("/graph", Graph).WithName("ExportGraph")
            .WithSummary("Export a month's customers, stores, products, categories, orders, questions and reviews as openCypher CSV (zip)");
        admin.MapPost("/parquet", Parquet).WithName("ExportParquet").WithSummary("Export every table of the warehouse as a Parquet file");
        admin.MapGet("/", List).WithName("ListExports").WithSummary("The latest exports, newest first");
        admin.MapGet("/{exportId}", Get).WithName("GetExport").WithSummary("An export's status and, once done, its files");
        admin.MapGet("/{exportId}/files/{name}", Download).WithName("DownloadExportFile").WithSummary("One file of an export");
        return routes;
    }

    private static async Task<Results<Accepted<ExportResponse>, ProblemHttpResult>> Graph(GraphExportRequest request, IGrainFactory grains, ExportQueries exports, CancellationToken ct)
    {
        if (!DateOnly.TryParseExact((request.Month ?? "") + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
        {
            return TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { ["month"] = ["A month such as 2026-11."] })
            {
                Status = StatusCodes.Status400BadRequest, Title = "The export is not valid.",
            });
        }

        return await StartAsync(grains, exports, ExportKind.Graph, month, ct);
    }

    private static Task<Results<Accepted<ExportResponse>, ProblemHttpResult>> Parquet(IGrainFactory grains, ExportQueries exports, CancellationToken ct) =>
        StartAsync(grains, exports, ExportKind.Parquet, null, ct);

    private static async Task<Results<Accepted<ExportResponse>, ProblemHttpResult>> StartAsync(
        IGrainFactory grains, ExportQueries exports, ExportKind kind, DateOnly? month, CancellationToken ct)
    {
        var id = await grains.GetGrain<IWarehouseGrain>(0).RequestExport(kind, month);
        var export = await exports.GetAsync(id, ct);
        return TypedResults.Accepted($"/api/admin/exports/{id}", export);
    }

    private static async Task<Ok<IReadOnlyList<ExportResponse>>> List(ExportQueries exports, CancellationToken ct) =>
        TypedResults.Ok(await exports.ListAsync(20, ct));

    private static async Task<Results<Ok<ExportResponse>, ProblemHttpResult>> Get(string exportId, ExportQueries exports, CancellationToken ct) =>
        await exports.GetAsync(exportId, ct) is { } export ? TypedResults.Ok(export) : ApiProblems.NotFound("The export");

    private static async Task<IResult> Download(string exportId, string name, ExportQueries exports, HttpContext http, CancellationToken ct) =>
        await exports.OpenFileAsync(exportId, name, http.Response, ct) ? TypedResults.Empty : ApiProblems.NotFound("The file");
}

/// <summary>Reads exports and streams their files from PostgreSQL.</summary>
public sealed class ExportQueries(NpgsqlDataSource db)
{
    public async Task<ExportResponse?> GetAsync(string exportId, CancellationToken ct) => (await ReadAsync("WHERE e.export_id = $1", exportId, 1, ct)).FirstOrDefault();

    public Task<IReadOnlyList<ExportResponse>> ListAsync(int limit, CancellationToken ct) => ReadAsync("", null, limit, ct);

    /// <summary>Writes the file to the response; false when the export has no such file.</summary>
    public async Task<bool> OpenFileAsync(string exportId, string name, HttpResponse response, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand("SELECT content_type, bytes, content FROM export_files WHERE export_id = $1 AND name = $2", connection);
        command.Parameters.Add(new() { Value = exportId });
        command.Parameters.Add(new() { Value = name });
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        if (!await reader.ReadAsync(ct))
        {
            return false;
        }

        response.ContentType = reader.GetString(0);
        response.ContentLength = reader.GetInt64(1);
        response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = name }.ToString();
        await using var content = await reader.GetStreamAsync(2, ct);
        await content.CopyToAsync(response.Body, ct);
        return true;
    }

    private async Task<IReadOnlyList<ExportResponse>> ReadAsync(string where, string? exportId, int limit, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"""
            SELECT e.export_id, e.kind, e.month, e.status, e.requested_by, e.requested_at, e.finished_at, e.error,
                   coalesce(array_agg(f.name ORDER BY f.name) FILTER (WHERE f.name IS NOT NULL), ARRAY[]::text[]),
                   coalesce(array_agg(f.content_type ORDER BY f.name) FILTER (WHERE f.name IS NOT NULL), ARRAY[]::text[]),
                   coalesce(array_agg(f.bytes ORDER BY f.name) FILTER (WHERE f.name IS NOT NULL), ARRAY[]::bigint[])
            FROM exports e LEFT JOIN export_files f USING (export_id)
            {where}
            GROUP BY e.export_id
            ORDER BY e.requested_at DESC
            LIMIT {limit}
            """);
        if (exportId is not null)
        {
            command.Parameters.Add(new() { Value = exportId });
        }

        await using var reader = await command.ExecuteReaderAsync(ct);
        var exports = new List<ExportResponse>();
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetString(0);
            var names = reader.GetFieldValue<string[]>(8);
            var types = reader.GetFieldValue<string[]>(9);
            var sizes = reader.GetFieldValue<long[]>(10);
            exports.Add(new ExportResponse(
                id, reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateOnly>(2).ToString("yyyy-MM", CultureInfo.InvariantCulture),
                reader.GetString(3), reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                names.Select((n, i) => new ExportFileResponse(n, types[i], sizes[i], $"/api/admin/exports/{id}/files/{Uri.EscapeDataString(n)}")).ToList()));
        }

        return exports;
    }
}
