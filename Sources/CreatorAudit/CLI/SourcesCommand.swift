// `creatoraudit sources`: each platform's source, configuration and state, and its due work — what an operator
// looks at when numbers stop moving (docs/collection.md, "Watching the collector"). Never prints a secret.
import ArgumentParser
import Foundation

struct SourcesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sources", abstract: "Show each platform source's configuration, state and due work.")

    @OptionGroup var storage: StorageOptions
    @OptionGroup var sources: SourceOptions

    func run() async throws {
        let logger = try storage.makeLogger()
        let configuration = try sources.configuration()
        let lines = try await storage.withDatabase(logger: logger) { database -> [String] in
            let platformSources = PlatformSources(configuration: configuration, database: database, logger: logger)
            let reports = await platformSources.report()
            await platformSources.shutdown()
            let figures = try await CollectorQueue(database: database).figures(now: .now)
            var lines: [String] = []
            for report in reports {
                lines.append(report.configuration)
                lines.append("  state: " + report.stateLine)
                if let figure = figures.first(where: { $0.platform == report.platform }) {
                    lines.append(
                        "  due now: \(figure.dueAccounts) of \(figure.activeAccounts) active accounts "
                            + "(\(figure.newAccounts) never refreshed), "
                            + "\(figure.dueVideos) of \(figure.activeVideos) active videos; "
                            + "\(figure.claimed) held by a collector")
                }
            }
            return lines
        }
        print(lines.joined(separator: "\n"))
    }
}
