using Marketplace.Benchmarks;

// Benchmarks print figures; they assert nothing about speed. Run them with ./marketplace bench <name>.
var name = args.FirstOrDefault() ?? "";
var options = BenchmarkOptions.Parse(args.Skip(1).ToArray());
switch (name)
{
    case "inventory":
        await InventoryBenchmark.RunAsync(options);
        break;
    case "search":
        await SearchBenchmark.RunAsync(options);
        break;
    case "checkout":
        await CheckoutBenchmark.RunAsync(options);
        break;
    case "realtime":
        await RealtimeBenchmark.RunAsync(options);
        break;
    case "announce":
        await AnnouncementBenchmark.RunAsync(options);
        break;
    case "insights":
        await InsightsBenchmark.RunAsync(options);
        break;
    case "catalog":
        await CatalogImportBenchmark.RunAsync(options);
        break;
    case "backup":
        await BackupBenchmark.RunAsync(options);
        break;
    case "om":
        await OnlineMarketplaceBenchmark.RunAsync(options);
        break;
    default:
        Console.Error.WriteLine("usage: Marketplace.Benchmarks " + BenchmarkOptions.Usage);
        return 2;
}

return 0;
