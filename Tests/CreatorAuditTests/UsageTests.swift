// README, "API keys": last_used_at (to the minute) and daily counts, without a database write per request.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("Key usage accounting")
struct UsageTests {
    func usage(_ database: Database, _ key: CreatedAPIKey) async throws -> (lastUsed: Int64?, count: Int) {
        let lastUsed = try await database.read(scope: .test) { db in
            try await db.raw("SELECT last_used_at FROM api_keys WHERE id = \(bind: key.record.id.description)").first()?
                .decode(column: "last_used_at", as: Int64?.self)
        }
        let counts = try await APIKeyRepository(database: database).usage(
            organizationID: key.record.organizationID, keyID: key.record.id, sinceDay: "2000-01-01")
        return (lastUsed ?? nil, counts.values.reduce(0, +))
    }

    @Test("requests are counted in memory, written on flush and at shutdown", arguments: TestEngines.all)
    func flushes(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { testDatabase in
            let organization = try await Fixtures.organization(testDatabase.database)
            let keyBox = try await TestServer.run(on: testDatabase) { server -> CreatedAPIKey in
                let key = try await Fixtures.key(server.services, organization)
                for _ in 0..<7 { #expect(try await server.whoami(key.token.secret).status == 200) }
                let before = try await usage(server.database, key)
                #expect(before.lastUsed == nil && before.count == 0)  // nothing written per request
                try await server.services.usage.flush()
                let after = try await usage(server.database, key)
                #expect(after.count == 7)
                let minute = Timestamp.now.minute.seconds
                #expect(after.lastUsed.map { abs($0 - minute) <= 60 && $0 % 60 == 0 } == true)
                for _ in 0..<3 { _ = try await server.whoami(key.token.secret) }
                return key
            }
            // The graceful shutdown flushed the last three.
            #expect(try await usage(testDatabase.database, keyBox).count == 10)
            let today = Timestamp.now.day
            let counts = try await APIKeyRepository(database: testDatabase.database).usage(
                organizationID: organization.id, keyID: keyBox.record.id, sinceDay: today)
            #expect(counts[today] == 10)
        }
    }
}
