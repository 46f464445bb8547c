// `creatoraudit worker`: only the collector, no HTTP (docs/collection.md, "Several workers"). Any number of
// workers (and `serve` nodes) share the work on PostgreSQL; on SQLite one process collects.
import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Refresh tracked accounts and videos (the collector alone, no HTTP).")

    @OptionGroup var storage: StorageOptions
    @OptionGroup var collectorOptions: CollectorOptions
    @OptionGroup var sources: SourceOptions

    func run() async throws {
        let level = try storage.makeLogger(default: .info).logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = try storage.makeLogger(default: .info)
        let sourceConfiguration = try sources.configuration()
        let settings = try collectorOptions.settings()
        let location = try storage.location()
        let database = try await Database.open(location, logger: logger)
        do {
            try await Migrations.run(on: database, logger: logger)
            let service = try await CollectorService.prepare(
                database: database,
                sources: PlatformSources(configuration: sourceConfiguration, database: database, logger: logger),
                settings: settings, holder: "creatoraudit worker", logger: logger)
            let lines =
                [
                    "CreatorAudit worker collecting from \(location) (\(settings.concurrency) requests at once)"
                ] + sourceConfiguration.summary
            FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            let group = ServiceGroup(
                configuration: .init(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}
