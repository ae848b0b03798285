namespace Marketplace.Contracts.Common;

/// <summary>How a refused request should be reported to a client.</summary>
[GenerateSerializer]
[Alias("mk.DomainErrorKind")]
public enum DomainErrorKind
{
    /// <summary>The request is malformed for the domain (field errors attached).</summary>
    Validation = 0,
    NotFound = 1,
    /// <summary>The request conflicts with the current state (e.g. stock below what is reserved).</summary>
    Conflict = 2,
    /// <summary>The caller's view of the resource is stale (If-Match).</summary>
    PreconditionFailed = 3,
    /// <summary>An Idempotency-Key was reused for a different request.</summary>
    IdempotencyMismatch = 4,
    Forbidden = 5,
    /// <summary>A transient failure (e.g. a storage write): nothing is promised, and a retry is safe.</summary>
    Unavailable = 6,
}

/// <summary>A domain rule refused the request. Thrown by grains, mapped to problem details by the web host.</summary>
[GenerateSerializer]
[Alias("mk.DomainException")]
public sealed class DomainException : Exception
{
    public DomainException(DomainErrorKind kind, string code, string message, IReadOnlyDictionary<string, string[]>? errors = null)
        : base(message)
    {
        Kind = kind;
        Code = code;
        Errors = errors is null ? null : new Dictionary<string, string[]>(errors);
    }

    public DomainException()
        : this(DomainErrorKind.Validation, "invalid", "The request was refused.")
    {
    }

    public DomainException(string message)
        : this(DomainErrorKind.Validation, "invalid", message)
    {
    }

    public DomainException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "invalid";
    }

    [Id(0)]
    public DomainErrorKind Kind { get; private set; }

    /// <summary>A stable, kebab-case code clients can branch on (e.g. <c>stock-below-reserved</c>).</summary>
    [Id(1)]
    public string Code { get; private set; }

    /// <summary>Field errors for <see cref="DomainErrorKind.Validation"/>, keyed by camelCase JSON path.</summary>
    [Id(2)]
    public Dictionary<string, string[]>? Errors { get; private set; }

    public static DomainException Forbidden(string code, string message) => new(DomainErrorKind.Forbidden, code, message);

    public static DomainException Conflict(string code, string message) => new(DomainErrorKind.Conflict, code, message);

    public static DomainException NotFound(string what) => new(DomainErrorKind.NotFound, "not-found", $"{what} was not found.");

    /// <summary>Throws <see cref="Invalid"/> when a rule check reported field errors.</summary>
    public static void ThrowIfInvalid(IReadOnlyDictionary<string, string[]> errors)
    {
        if (errors.Count > 0)
        {
            throw Invalid(errors);
        }
    }

    public static DomainException Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        new(DomainErrorKind.Validation, "validation-failed", "One or more fields are invalid.", errors);
}
