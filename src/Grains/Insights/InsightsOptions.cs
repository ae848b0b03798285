namespace Marketplace.Grains.Insights;

/// <summary>Configuration section "Insights".</summary>
public sealed class InsightsOptions
{
    public const string Section = "Insights";

    /// <summary>
    /// The folder of the warehouse file. The silo that hosts the warehouse grain writes it; each silo has its own file
    /// there, so the grain moving to another silo finds that silo's copy and catches it up (or fills an empty one).
    /// Default: a folder under the system's temporary directory.
    /// </summary>
    public string? WarehousePath { get; set; }

    /// <summary>How often the ETL runs on its own (a reminder; at least a minute).</summary>
    public TimeSpan EtlInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long page events are kept, in PostgreSQL and in the warehouse (13 months by default).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(396);

    /// <summary>The memory the warehouse engine may use inside the silo, in megabytes.</summary>
    public int MemoryLimitMegabytes { get; set; } = 512;

    /// <summary>The threads the warehouse engine may use for one query.</summary>
    public int Threads { get; set; } = 2;
}
