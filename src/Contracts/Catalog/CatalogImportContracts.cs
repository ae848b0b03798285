namespace Marketplace.Contracts.Catalog;

/// <summary>
/// One product of an imported catalog: its handle (the store's own name for it, the key that makes re-importing
/// update rather than duplicate), the editable fields and variants with their on-hand stock, and its images.
/// </summary>
/// <param name="Attributes">The product's attributes; null keeps the ones it has (the file had no such column).</param>
/// <param name="Images">The images in order; null keeps the ones it has.</param>
[GenerateSerializer, Immutable, Alias("mk.ImportedProduct")]
public sealed record ImportedProduct(
    [property: Id(0)] string Handle,
    [property: Id(1)] ProductDraft Draft,
    [property: Id(2)] IReadOnlyList<ProductImage>? Images);

/// <summary>What importing one product did.</summary>
[GenerateSerializer, Alias("mk.ImportOutcome")]
public enum ImportOutcome
{
    Created = 0,
    Updated = 1,
    Unchanged = 2,
    Failed = 3,
}

/// <summary>The result of one imported product; <see cref="Error"/> says why it failed.</summary>
[GenerateSerializer, Immutable, Alias("mk.ImportResult")]
public sealed record ImportResult(
    [property: Id(0)] string Handle,
    [property: Id(1)] string ProductId,
    [property: Id(2)] ImportOutcome Outcome,
    [property: Id(3)] ProductStatus Status,
    [property: Id(4)] string? Error = null,
    [property: Id(5)] string? ErrorField = null);

/// <summary>A product of the store's register with its handle (its product id when it was never imported).</summary>
[GenerateSerializer, Immutable, Alias("mk.CatalogEntry")]
public sealed record CatalogEntry(
    [property: Id(0)] string ProductId,
    [property: Id(1)] string Handle,
    [property: Id(2)] ProductStatus Status);

/// <summary>A rule an imported product breaks: which product of the batch, the field (a JSON path of its draft) and why.</summary>
[GenerateSerializer, Immutable, Alias("mk.ImportProblem")]
public sealed record ImportProblem(
    [property: Id(0)] int Index,
    [property: Id(1)] string? Field,
    [property: Id(2)] string Message);
