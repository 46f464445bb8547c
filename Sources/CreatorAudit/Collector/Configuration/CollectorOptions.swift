// The collector's flags, as an options group `serve` and `worker` embed (docs/collection.md, "Refreshing").
import ArgumentParser
import Foundation

public struct CollectorOptions: ParsableArguments {
    @Option(
        help: "Platform requests in flight at once in this process (env CREATORAUDIT_COLLECTOR_CONCURRENCY; default 16).")
    var collectorConcurrency: Int?

    @Option(help: ArgumentHelp("Seconds a claim lasts (default 300).", visibility: .hidden))
    var collectorLeaseSeconds: Int?

    @Option(
        help: ArgumentHelp(
            "Seconds refreshes in flight may take to finish on SIGTERM (default 10).", visibility: .hidden))
    var collectorShutdownGrace: Double?

    public init() {}

    public func settings(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> CollectorSettings
    {
        var settings = CollectorSettings()
        var problems: [String] = []
        let variable = "CREATORAUDIT_COLLECTOR_CONCURRENCY"
        if let concurrency = collectorConcurrency ?? environment[variable].flatMap({ Int($0) }) {
            if (1...256).contains(concurrency) {
                settings.concurrency = concurrency
            } else {
                problems.append("--collector-concurrency must be between 1 and 256")
            }
        } else if let text = environment[variable], !text.isEmpty {
            problems.append("\(variable) must be a whole number between 1 and 256")
        }
        if let lease = collectorLeaseSeconds {
            if (2...86_400).contains(lease) {
                settings.leaseSeconds = Int64(lease)
            } else {
                problems.append("--collector-lease-seconds must be between 2 and 86400")
            }
        }
        if let grace = collectorShutdownGrace {
            if (0...600).contains(grace) {
                settings.shutdownGraceSeconds = grace
            } else {
                problems.append("--collector-shutdown-grace must be between 0 and 600")
            }
        }
        guard problems.isEmpty else { throw ConfigurationError("collector: " + problems.joined(separator: "; ")) }
        return settings
    }
}
