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
                let rows = try await database.read(scope: .test) { db in try await db.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").all() }
                #expect(rows.count == 1, "table \(table)")
            }
        }
    }

    @Test("two nodes migrating at once apply each migration exactly once", arguments: TestEngines.all)
    func concurrent(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine, migrate: false) { testDatabase in
            let other = try await Database.open(try ChangePropagationTests.location(of: testDatabase, engine), logger: TestDatabase.quietLogger)
            let database = testDatabase.database
            async let a: Result<[Int], any Error> = { do { return .success(try await Migrations.run(on: database, logger: TestDatabase.quietLogger)) } catch { return .failure(error) } }()
            async let b: Result<[Int], any Error> = { do { return .success(try await Migrations.run(on: other, logger: TestDatabase.quietLogger)) } catch { return .failure(error) } }()
            let results = await (a, b)
            await other.close()  // always, or SQLiteNIO asserts on an unclosed connection
            let (appliedA, appliedB) = (try results.0.get(), try results.1.get())
            #expect((appliedA + appliedB).sorted() == Migrations.all.map(\.version))
            #expect(try await Migrations.appliedVersions(on: testDatabase.database) == Migrations.all.map(\.version))
        }
    }
}
