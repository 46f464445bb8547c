// A real PostgreSQL stopped and started again under load (README, "Reliability"): while it is down every request
// that needs it answers 503 SERVICE_UNAVAILABLE with Retry-After within 2 s, keys verified in the last minute
// keep working, health names the database; within 2 s of the database's return everything answers again.
// Runs against a throwaway server of its own (CREATORAUDIT_TEST_PG_BIN; `.ci/run` sets it).
import Foundation
import NIOConcurrencyHelpers
import Testing
@testable import CreatorAudit

@Suite("PostgreSQL outage", .enabled(if: ThrowawayPostgres.binaries != nil, "set CREATORAUDIT_TEST_PG_BIN"))
struct OutageTests {
    struct Sample: Sendable {
        let label: String
        let started: ContinuousClock.Instant
        let duration: Duration
        let status: Int?
        let code: String?
        let retryAfter: String?
        let body: String
    }

    @Test("stopping PostgreSQL under load: 503 within 2 s, cached keys still work, health names the database, recovery within 2 s")
    func outageUnderLoad() async throws {
        let postgres = try await ThrowawayPostgres.start()
        do {
            try await TestDatabase.with(.postgres, postgresURL: postgres.url) { database in
                try await TestServer.run(on: database) { server in
                    try await Self.exercise(server, postgres)
                }
            }
        } catch {
            await postgres.destroy()
            throw error
        }
        await postgres.destroy()
    }

    static func exercise(_ server: TestServer, _ postgres: ThrowawayPostgres) async throws {
        // setup
        let organization = try await Fixtures.organization(server.database)
        try await Fixtures.setRateLimit(server.database, organization, 1_000_000)
        let key = try await Fixtures.key(server.services, organization).token.secret
        let unseen = try await Fixtures.key(server.services, organization, name: "never used").token.secret
        #expect(try await server.whoami(key).status == 200)  // verified now: in the cache for a minute
        let samples = NIOLockedValueBox<[Sample]>([])
        let running = NIOLockedValueBox(true)
        let requests: [(String, @Sendable () async throws -> TestResponse)] = [
            ("list", { try await server.request(.GET, "/v2/accounts", key: key) }),
            ("create", { try await server.request(.POST, "/v2/creators", key: key, body: #"{"name":"Under load"}"#) }),
            ("whoami", { try await server.whoami(key) }),
            ("health", { try await server.request(.GET, "/v2/health") }),
        ]

        // run: four clients in a loop; PostgreSQL stops after a second, comes back 4 s later.
        var stopped = ContinuousClock.now
        var ready = ContinuousClock.now
        var unseenDuringOutage: TestResponse?
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var index = worker
                    while running.withLockedValue({ $0 }) {
                        let (label, send) = requests[index % requests.count]
                        index += 1
                        let started = ContinuousClock.now
                        let response = try? await send()
                        samples.withLockedValue {
                            $0.append(Sample(label: label, started: started, duration: started.duration(to: .now),
                                             status: response?.status, code: response?.code,
                                             retryAfter: response?.header("Retry-After"), body: response?.body ?? ""))
                        }
                        try await Task.sleep(for: .milliseconds(20))
                    }
                }
            }
            try await Task.sleep(for: .seconds(1))
            stopped = ContinuousClock.now
            try await postgres.stopServer()
            try await Task.sleep(for: .seconds(2))
            unseenDuringOutage = try await server.whoami(unseen)
            try await Task.sleep(for: .seconds(2))
            try await postgres.startServer()
            ready = ContinuousClock.now
            // Until a list started after the database's return succeeds (at most 5 s).
            while ContinuousClock.now < ready + .seconds(5) {
                let recovered = samples.withLockedValue { $0.contains { $0.label == "list" && $0.started > ready && $0.status == 200 } }
                if recovered { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Task.sleep(for: .milliseconds(500))
            running.withLockedValue { $0 = false }
            try await group.waitForAll()
        }

        // validate
        let all = samples.withLockedValue { $0 }
        #expect(all.count > 40, "too few requests were sent: \(all.count)")
        for sample in all {
            #expect(sample.status != nil, "\(sample.label) got no answer (after \(sample.duration))")
            #expect(sample.duration < .seconds(2), "\(sample.label) took \(sample.duration)")
            #expect(sample.status != 500, "\(sample.label): 500 \(sample.body)")
        }
        // While the database is down (after the health cache's second, before it returns):
        let outage = all.filter { $0.started > stopped + .milliseconds(1200) && $0.started + $0.duration < ready }
        for label in ["list", "create", "health"] {
            let answers = outage.filter { $0.label == label }
            #expect(!answers.isEmpty, "no \(label) request during the outage")
            for sample in answers {
                #expect(sample.status == 503, "\(label) during the outage: \(sample.status.map(String.init) ?? "none")")
                #expect(sample.code == "SERVICE_UNAVAILABLE")
                #expect(Int(sample.retryAfter ?? "") ?? 0 >= 1, "\(label): Retry-After \(sample.retryAfter ?? "missing")")
            }
        }
        let health = try #require(outage.first { $0.label == "health" })
        let checks = (try? JSONSerialization.jsonObject(with: Data(health.body.utf8)) as? [String: Any])?["checks"] as? [String: Any]
        #expect(checks?["database"] as? String == "unreachable")
        let whoami = outage.filter { $0.label == "whoami" }
        #expect(!whoami.isEmpty)
        #expect(whoami.allSatisfy { $0.status == 200 }, "a key verified a minute ago must keep working")
        // A key this server never verified cannot be checked: 503, not 401.
        #expect(unseenDuringOutage?.status == 503)
        #expect(unseenDuringOutage?.code == "SERVICE_UNAVAILABLE")

        // Recovery: the first list started after the database was back succeeded within 2 s of its return.
        let recovered = all.filter { $0.label == "list" && $0.started > ready && $0.status == 200 }
            .min { $0.started + $0.duration < $1.started + $1.duration }
        let recovery = try #require(recovered, "no successful list after PostgreSQL came back")
        #expect(ready.duration(to: recovery.started + recovery.duration) < .seconds(2))
        let after = try await server.request(.POST, "/v2/creators", key: key, body: #"{"name":"After"}"#)
        #expect(after.status == 201, "\(after.body)")
        try await Task.sleep(for: .milliseconds(1100))  // health caches its check for 1 s
        #expect(try await server.request(.GET, "/v2/health").status == 200)
        // Every acknowledged write is there.
        let acknowledged = all.filter { $0.label == "create" && $0.status == 201 }.count
        let stored = try await server.database.read(scope: .test) { db in
            try await db.raw("SELECT COUNT(*) AS n FROM creators WHERE organization_id = \(bind: organization.id.description)")
                .first()?.decode(column: "n", as: Int.self) ?? 0
        }
        #expect(stored >= acknowledged + 1)
    }
}
