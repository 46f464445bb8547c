// A key change made by one node (or any process with its own database connection) is in force on every
// other node within 1 second: SQLite by polling the change counter, PostgreSQL by LISTEN/NOTIFY.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("Credential changes across nodes")
struct ChangePropagationTests {
    @Test("a disable on node A is refused by node B within 1 s, and the re-enable too", arguments: TestEngines.all)
    func twoNodes(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { testDatabase in
            // Node A: its own connections and services on the same database.
            let nodeA = try await Database.open(try Self.location(of: testDatabase, engine), logger: TestDatabase.quietLogger)
            let servicesA = AppServices(database: nodeA)
            let organization = try await Fixtures.organization(nodeA)
            let key = try await Fixtures.key(servicesA, organization)
            let finish: @Sendable () async -> Void = { await nodeA.close() }
            do {
                try await TestServer.run(on: testDatabase) { nodeB in
                    #expect(try await nodeB.whoami(key.token.secret).status == 200)  // now cached on B
                    _ = try await servicesA.lifecycle.disable(organizationID: organization.id, id: key.record.id, actor: .cli)
                    let off = try await nodeB.secondsUntil(key.token.secret) { $0.status == 403 }
                    #expect(off != nil && off! < 1.0, "took \(String(describing: off)) s")
                    _ = try await servicesA.lifecycle.enable(organizationID: organization.id, id: key.record.id, actor: .cli)
                    let on = try await nodeB.secondsUntil(key.token.secret) { $0.status == 200 }
                    #expect(on != nil && on! < 1.0, "took \(String(describing: on)) s")
                }
            } catch {
                await finish()
                throw error
            }
            await finish()
        }
    }

    static func location(of testDatabase: TestDatabase, _ engine: DatabaseEngine) throws -> DatabaseLocation {
        switch engine {
        case .sqlite: return .sqlite(path: testDatabase.dataDir + "/creatoraudit.sqlite")
        case .postgres:
            let url = try #require(testDatabase.databaseURL)
            return .postgres(try PostgresURL(url))
        }
    }

    @Test("PostgreSQL: a notification empties the cache; SQLite: the change counter does", arguments: TestEngines.all)
    func cacheIsDropped(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let key = try await Fixtures.key(server.services, organization)
            // Creating the key was a change too: on SQLite the 200 ms poll may hear it after this first lookup and
            // empty the cache once. Look the key up until it stays cached, then make the change under test.
            let cachedBy = ContinuousClock.now + .seconds(2)
            repeat {
                #expect(try await server.whoami(key.token.secret).status == 200)
                try await Task.sleep(for: .milliseconds(300))
            } while server.services.verifier.cachedCount != 1 && ContinuousClock.now < cachedBy
            #expect(server.services.verifier.cachedCount == 1)
            // A change through a different path than this node's own lifecycle (which clears at once).
            _ = try await OrganizationRepository(database: server.database).setLimits(organization.id, rateLimit: 7, accountQuota: nil)
            let start = ContinuousClock.now
            while server.services.verifier.cachedCount != 0, ContinuousClock.now - start < .seconds(2) {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(server.services.verifier.cachedCount == 0)
            #expect(try await server.whoami(key.token.secret).header("X-RateLimit-Limit") == "7")
        }
    }
}
