// Seeds a large history for the metrics benchmark (scripts/bench-metrics): A accounts × V videos × D days of
// daily snapshots, written through the same SnapshotWriter the product uses, and reports the write rate.
// Usage: metrics-bench --data-dir DIR [--database-url URL] [--accounts 2000] [--videos 14] [--days 365]
import CreatorAudit
import Foundation
import Logging

@main
struct MetricsBench {
    static func main() async throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        func option(_ name: String, _ fallback: String?) -> String? {
            guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return fallback }
            return arguments[index + 1]
        }
        let dataDir = option("--data-dir", "./bench-data")!
        let url = option("--database-url", nil)
        let accounts = Int(option("--accounts", "2000")!)!
        let videos = Int(option("--videos", "14")!)!
        let days = Int(option("--days", "365")!)!
        arguments.removeAll()
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let location: DatabaseLocation = try url.map { .postgres(try PostgresURL($0)) } ?? .sqlite(path: dataDir + "/creatoraudit.sqlite")
        let database = try await Database.open(location, logger: logger)
        try await Migrations.run(on: database, logger: logger)
        let created = try await Provisioning(database: database).createOrganization(
            name: "Metrics bench", ownerEmail: "bench-\(UUID().uuidString.prefix(8).lowercased())@example.com")
        let organization = created.organization
        _ = try await OrganizationRepository(database: database).setLimits(organization.id, rateLimit: 10_000_000, accountQuota: .some(nil))
        let key = try await KeyLifecycle(database: database).create(organizationID: organization.id, name: "bench", actor: .cli)
        let seeder = BenchSeeder(store: database.tenant(organization.id))
        let today = UTCDay.today
        var videoIDs: [String] = []
        var accountIDs: [String] = []
        var snapshots = 0
        let start = ContinuousClock.now
        for batchStart in stride(from: 0, to: accounts, by: 20) {
            let (batchAccounts, batchVideos, written) = try await seeder.seed(
                accountRange: batchStart..<min(accounts, batchStart + 20), videosPerAccount: videos, days: days, today: today)
            accountIDs += batchAccounts
            videoIDs += batchVideos
            snapshots += written
            if batchStart % 200 == 0 {
                let elapsed = ContinuousClock.now - start
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                FileHandle.standardError.write(Data("  \(batchStart + 20)/\(accounts) accounts, \(snapshots) snapshots, \(Int(Double(snapshots) / max(seconds, 0.001)))/s\n".utf8))
            }
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let summary: [String: Any] = [
            "api_key": key.token.secret, "organization_id": organization.id.description,
            // The owner, for scripts/bench-dashboard's signed-in pages (the file is 0600, in the bench's data dir).
            "email": created.ownerEmail, "password": created.ownerPassword,
            "video_ids": Array(videoIDs.prefix(200)), "account_id": accountIDs.first ?? "",
            "snapshots": snapshots, "seconds": seconds, "snapshots_per_second": Int(Double(snapshots) / seconds),
        ]
        let data = try JSONSerialization.data(withJSONObject: summary)
        _ = FileManager.default.createFile(atPath: dataDir + "/bench.json", contents: data, attributes: [.posixPermissions: 0o600])
        print("seeded \(snapshots) snapshots (\(accounts) accounts × \(videos) videos × \(days) days + account snapshots) in \(String(Int(seconds))) s: \(Int(Double(snapshots) / seconds)) snapshots/s")
        await database.close()
    }
}
