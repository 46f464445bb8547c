// A busy database is never a 500 (README, "Reliability"): a write that cannot get the lock in time answers
// 503 SERVICE_UNAVAILABLE with Retry-After, and an import — checked first, then applied in short journaled
// transactions — never holds the write lock for long, and finishes after an interruption when run again.
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import SQLiteNIO
import Testing
@testable import CreatorAudit

@Suite("Busy database and imports")
struct BusyDatabaseTests {
    /// Holds the database's write lock (SQLite) or a table lock (PostgreSQL) from another connection for `seconds`.
    static func holdLock(_ database: TestDatabase, seconds: Double, started: @escaping @Sendable () -> Void) async throws {
        switch database.database.engine {
        case .sqlite:
            let connection = try await SQLiteConnection.open(storage: .file(path: database.dataDir + "/creatoraudit.sqlite"))
            _ = try await connection.query("BEGIN IMMEDIATE")
            started()
            try await Task.sleep(for: .seconds(seconds))
            _ = try await connection.query("ROLLBACK")
            try await connection.close()
        case .postgres:
            try await database.database.write(scope: .test) { db in
                try await db.raw("LOCK TABLE creators IN EXCLUSIVE MODE").run()
                started()
                try await Task.sleep(for: .seconds(seconds))
            }
        }
    }

    @Test("a write that cannot get the lock answers 503 SERVICE_UNAVAILABLE with Retry-After after a bounded wait, not 500",
          arguments: TestEngines.all)
    func lockedWrite(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { database in
            try await TestServer.run(on: database) { server in
                let organization = try await Fixtures.organization(server.database)
                let key = try await Fixtures.key(server.services, organization).token.secret
                let locked = AsyncStream.makeStream(of: Void.self)
                let holder = Task {
                    try await Self.holdLock(database, seconds: 9) { locked.continuation.yield() }
                }
                var iterator = locked.stream.makeAsyncIterator()
                await iterator.next()
                let started = ContinuousClock.now
                let response = try await server.request(.POST, "/v2/creators", key: key, body: #"{"name":"Waiting"}"#)
                let waited = started.duration(to: .now)
                #expect(response.status == 503)
                #expect(response.code == "SERVICE_UNAVAILABLE")
                #expect(Int(response.header("Retry-After") ?? "") ?? 0 >= 1)
                // 5 s of waiting for the lock, then the answer (before: 201 once the lock was released after 9 s).
                #expect(waited < .seconds(9), "waited \(waited)")
                // Reads are not blocked by a writer.
                #expect(try await server.request(.GET, "/v2/creators", key: key).status == 200)
                try await holder.value
                #expect(try await server.request(.POST, "/v2/creators", key: key, body: #"{"name":"After"}"#).status == 201)
            }
        }
    }

    /// `videos` videos with `days` daily snapshots each, ordered by day (as a daily export is).
    static func writeFile(videos: Int, days: Int, account: String = "big.account") throws -> String {
        var text = #"{"kind":"account","platform":"tiktok","username":"\#(account)"}"# + "\n"
        for video in 0..<videos {
            text += #"{"kind":"video","platform":"tiktok","external_id":"\#(7_321_000_000_000_000_000 + video)","account":"\#(account)"}"# + "\n"
        }
        let base: Int64 = 1_700_000_000
        for day in 0..<days {
            for video in 0..<videos {
                let time = Timestamp(seconds: base + Int64(day) * 86_400 + Int64(video)).iso8601
                text += #"{"kind":"snapshot","platform":"tiktok","video":"\#(7_321_000_000_000_000_000 + video)","observed_at":"\#(time)","view_count":\#(day * 10 + video),"like_count":\#(day)}"# + "\n"
            }
        }
        return try ImportTests.write(text, name: "big.ndjson")
    }

    @Test("an import applies in short transactions (each well under the lock budget), all of the file", arguments: TestEngines.all)
    func shortTransactions(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { database in
            let organization = try await Fixtures.organization(database.database)
            let path = try Self.writeFile(videos: 50, days: 400)
            let counts = try await Importer(store: database.database.tenant(organization.id)).run(path: path)
            #expect(counts.snapshots == 20_000)
            #expect(counts.videos == 50)
            // Many short transactions (~50 ms targeted; release numbers in BENCHMARKS.md), not one long one. On a
            // loaded 2-core machine a debug build's slowest can be stretched by the scheduler, so the typical one
            // is what is asserted; the longest is printed.
            #expect(counts.transactions >= 20)
            let sorted = counts.transactionTimes.sorted()
            let p90 = sorted[sorted.count * 9 / 10]
            #expect(p90 < .milliseconds(500), "90th percentile transaction \(p90)")
            print("import on \(engine): \(counts.transactions) transactions, p90 \(p90), longest \(counts.longestTransaction)")
            let stored = try await database.database.read(scope: .test) { db in
                try await db.raw("SELECT COUNT(*) AS n FROM video_snapshots WHERE organization_id = \(bind: organization.id.description)")
                    .first()?.decode(column: "n", as: Int.self) ?? 0
            }
            #expect(stored == 20_000)
        }
    }

    @Test("API writes keep answering quickly while the CLI imports a large file into the same database", arguments: TestEngines.all)
    func writesDuringImport(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { database in
            try await TestServer.run(on: database) { server in
                let organization = try await Fixtures.organization(server.database)
                let key = try await Fixtures.key(server.services, organization).token.secret
                let path = try Self.writeFile(videos: 80, days: 500)
                let importer = Task { try await ImportTests.importFile(path, into: organization, database) }
                // Wait until the import is applying (its journal row exists), then write while it runs.
                try await Self.waitForJournal(server.database, organization)
                var latencies: [Duration] = []
                var statuses: [Int] = []
                var finished = false
                while !finished, latencies.count < 200 {
                    let started = ContinuousClock.now
                    let response = try await server.request(.POST, "/v2/creators", key: key, body: #"{"name":"During import"}"#)
                    latencies.append(started.duration(to: .now))
                    statuses.append(response.status)
                    try await Task.sleep(for: .milliseconds(50))
                    finished = try await Self.importDone(server.database, organization)
                }
                let result = try await importer.value
                #expect(result.status == 0, "\(result.stderr)")
                #expect(result.json["snapshots"] as? Int == 40_000)
                #expect(latencies.count >= 5, "the import ended before the writes could overlap it")
                #expect(statuses.allSatisfy { $0 == 201 }, "\(statuses.filter { $0 != 201 })")
                // Before: every write waited for the import's one transaction (tens of seconds in a debug build),
                // then failed. Now each waits for at most one short import transaction.
                let slowest = latencies.max() ?? .zero
                let median = latencies.sorted()[latencies.count / 2]
                #expect(median < .milliseconds(500), "median write during the import: \(median)")
                #expect(slowest < .seconds(5), "slowest write during the import: \(slowest)")
                print("writes during import on \(engine): \(latencies.count), median \(median), slowest \(slowest)")
            }
        }
    }

    static func waitForJournal(_ database: Database, _ organization: Organization) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let rows = try await database.read(scope: .test) { db in
                try await db.raw("SELECT next_record FROM imports WHERE organization_id = \(bind: organization.id.description)").all()
            }
            if !rows.isEmpty { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ConfigurationError("the import never started applying")
    }

    static func importDone(_ database: Database, _ organization: Organization) async throws -> Bool {
        try await database.read(scope: .test) { db in
            try await db.raw("""
                SELECT COUNT(*) AS n FROM imports WHERE organization_id = \(bind: organization.id.description) AND status = 'done'
                """).first()?.decode(column: "n", as: Int.self) ?? 0
        } > 0
    }

    @Test("an import killed half-way is finished by running the same command again; the data equal a clean import",
          arguments: TestEngines.all)
    func resumeAfterKill(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { database in
            let interrupted = try await Fixtures.organization(database.database)
            let clean = try await Fixtures.organization(database.database)
            let path = try Self.writeFile(videos: 40, days: 300)
            // Start the import and kill it (SIGKILL: no chance to clean up) once some snapshots are in.
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CLIRunner.executable)
            process.arguments = ["import", "--org", interrupted.id.description, path, "--json"] + database.cliStorageArguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = ContinuousClock.now + .seconds(60)
            var applied = 0
            while ContinuousClock.now < deadline, process.isRunning {
                applied = try await database.database.read(scope: .test) { db in
                    try await db.raw("SELECT next_record FROM imports WHERE organization_id = \(bind: interrupted.id.description)")
                        .first()?.decode(column: "next_record", as: Int.self) ?? 0
                }
                if applied > 0 { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(process.isRunning, "the import finished before it could be interrupted")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let partial = try await ImportTests.storedCount(database.database, interrupted)
            #expect(partial > 0)

            // run: the same command again, and a clean import of the same file elsewhere
            let resumed = try await ImportTests.importFile(path, into: interrupted, database)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            #expect(resumed.stderr.contains("resumed an interrupted import"))
            #expect(resumed.json["snapshots"] as? Int == 12_000)
            #expect(resumed.json["videos"] as? Int == 40)
            #expect(resumed.json["accounts"] as? Int == 1)
            let fresh = try await ImportTests.importFile(path, into: clean, database)
            #expect(fresh.status == 0, "\(fresh.stderr)")

            // validate: identical data, and the organization's daily amounts agree with a rebuild
            let a = try await ImportTests.dump(database.database, interrupted)
            let b = try await ImportTests.dump(database.database, clean)
            #expect(a.count == b.count)
            #expect(a == b)
            // The organization's levels agree too, and equal the sums of the videos' own histories (each apply
            // transaction kept them exact).
            let first = UTCDay.of(Timestamp(seconds: 1_700_000_000)) - 1
            let last = first + 302
            let window = Window(period: "custom", startDay: first, endDay: last)
            let series = { (organization: Organization) in
                try await database.database.tenant(organization.id).levels
                    .levels(.organization, from: first - 1, through: last).series(window).map(\.amounts)
            }
            let expected = try await SubjectLevelsTests.expectedSeries(
                database.database, clean.id, first: first, last: last)
            #expect(try await series(clean) == expected)
            #expect(try await series(interrupted) == expected)
        }
    }
}
