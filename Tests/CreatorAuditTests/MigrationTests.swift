import Foundation
import Testing
@testable import CreatorAudit

@Suite("Migrations")
struct MigrationTests {
    @Test("apply to an empty database, then again as a no-op", arguments: TestEngines.all)
    func applyTwice(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine, migrate: false) { testDatabase in
            let database = testDatabase.database
            let first = try await Migrations.run(on: database, logger: TestDatabase.quietLogger)
            #expect(first == Migrations.all.map(\.version))
            let second = try await Migrations.run(on: database, logger: TestDatabase.quietLogger)
            #expect(second.isEmpty)
            #expect(try await Migrations.appliedVersions(on: database) == Migrations.all.map(\.version))
            for table in ["organizations", "members", "memberships", "api_keys", "api_key_usage", "audit_events", "change_counters",
                          "sessions", "invitations"] {
                let rows = try await database.read { db in try await db.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").all() }
                #expect(rows.count == 1, "table \(table)")
            }
        }
    }

    @Test("two nodes migrating at once apply each migration exactly once", arguments: TestEngines.all)
    func concurrent(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine, migrate: false) { testDatabase in
            let other = try await Database.open(try ChangePropagationTests.location(of: testDatabase, engine), logger: TestDatabase.quietLogger)
            async let a = Migrations.run(on: testDatabase.database, logger: TestDatabase.quietLogger)
            async let b = Migrations.run(on: other, logger: TestDatabase.quietLogger)
            // Close `other` even when a migration throws: an unclosed SQLite connection traps in its deinit and would
            // crash the whole test process instead of reporting the error.
            let outcome: Result<([Int], [Int]), any Error>
            do { outcome = .success(try await (a, b)) } catch { outcome = .failure(error) }
            await other.close()
            let (appliedA, appliedB) = try outcome.get()
            #expect((appliedA + appliedB).sorted() == Migrations.all.map(\.version))
            #expect(try await Migrations.appliedVersions(on: testDatabase.database) == Migrations.all.map(\.version))
        }
    }
}
