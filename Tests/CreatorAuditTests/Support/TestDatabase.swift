// Real databases for tests: a fresh SQLite file per test, and — where CREATORAUDIT_TEST_POSTGRES_URL is
// set (CI sets it) — a fresh PostgreSQL schema per test, dropped afterwards.
import Foundation
import Logging
@testable import CreatorAudit

enum TestEngines {
    static var postgresURL: String? {
        let value = ProcessInfo.processInfo.environment["CREATORAUDIT_TEST_POSTGRES_URL"]
        return value?.isEmpty == false ? value : nil
    }

    /// SQLite always; PostgreSQL when configured.
    static var all: [DatabaseEngine] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }
}

struct TestDatabase {
    let database: Database
    /// What the CLI's `--data-dir` / `--database-url` need to reach the same data.
    let dataDir: String
    let databaseURL: String?

    var cliStorageArguments: [String] {
        var arguments = ["--data-dir", dataDir]
        if let databaseURL { arguments += ["--database-url", databaseURL] }
        return arguments
    }

    static let quietLogger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }()

    /// A migrated, empty database of `engine` for the duration of `body` (waits for a free `TestSlots` slot).
    /// `postgresURL` overrides CREATORAUDIT_TEST_POSTGRES_URL (a test's own server, e.g. `ThrowawayPostgres`).
    static func with<T>(
        _ engine: DatabaseEngine, migrate: Bool = true, logger: Logger = quietLogger, postgresURL: String? = nil,
        _ body: (TestDatabase) async throws -> T
    ) async throws -> T {
        try await TestSlots.shared.withSlot {
            try await withoutSlot(engine, migrate: migrate, logger: logger, postgresURL: postgresURL, body)
        }
    }

    private static func withoutSlot<T>(
        _ engine: DatabaseEngine, migrate: Bool, logger: Logger, postgresURL: String?, _ body: (TestDatabase) async throws -> T
    ) async throws -> T {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("ca-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        switch engine {
        case .sqlite:
            let database = try await Database.open(.sqlite(path: dataDir + "/creatoraudit.sqlite"), logger: logger)
            do {
                if migrate { try await Migrations.run(on: database, logger: logger) }
                let result = try await body(TestDatabase(database: database, dataDir: dataDir, databaseURL: nil))
                await database.close()
                return result
            } catch {
                await database.close()
                throw error
            }
        case .postgres:
            guard let base = postgresURL ?? TestEngines.postgresURL else { throw ConfigurationError("no PostgreSQL configured") }
            let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
            let admin = try await Database.open(.postgres(try PostgresURL(base)), logger: logger)
            try await admin.write(scope: .test) { db in try await db.raw("CREATE SCHEMA \(unsafeRaw: String(schema))").run() }
            let separator = base.contains("?") ? "&" : "?"
            let url = base + separator + "search_path=" + schema
            let database = try await Database.open(.postgres(try PostgresURL(url)), logger: logger)
            func cleanUp() async {
                await database.close()
                _ = try? await admin.write(scope: .test) { db in try await db.raw("DROP SCHEMA \(unsafeRaw: String(schema)) CASCADE").run() }
                await admin.close()
            }
            do {
                if migrate { try await Migrations.run(on: database, logger: logger) }
                let result = try await body(TestDatabase(database: database, dataDir: dataDir, databaseURL: url))
                await cleanUp()
                return result
            } catch {
                await cleanUp()
                throw error
            }
        }
    }
}

extension QueryScope {
    /// Tests set up and inspect rows of any organization directly (the product's own code goes through `TenantStore`).
    static let test = QueryScope.crossTenant("test setup and inspection")
}
