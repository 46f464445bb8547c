// Shutdown and durability of the real server process (README, "Reliability"): on SIGTERM every request in flight
// on a keep-alive connection gets its response, marked `Connection: close`, and the process exits 0; on SQLite an
// acknowledged write is synced to disk before the answer (synchronous=FULL).
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SQLiteNIO
import Testing
@testable import CreatorAudit

@Suite("Graceful shutdown and durability")
struct GracefulShutdownTests {
    @Test("SIGTERM with 16 keep-alive clients mid-request: each gets its response with Connection: close, then exit 0")
    func drainOnSIGTERM() async throws {
        // setup: an organization and a key made by the CLI, then `serve`
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("ca-drain-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let org = try await CLIRunner.run(["org", "create", "Drain", "--owner-email", "drain@example.com", "--json", "--data-dir", dataDir])
        let organizationID = try #require(org.json["organization_id"] as? String, "\(org.stderr)")
        _ = try await CLIRunner.run(["org", "set", organizationID, "--rate-limit", "100000", "--data-dir", dataDir])
        let created = try await CLIRunner.run(["keys", "create", "--org", organizationID, "--name", "drain", "--json", "--data-dir", dataDir])
        let key = try #require(created.json["api_key"] as? String, "\(created.stderr)")
        let server = try await ServerProcess.start(dataDir: dataDir)
        defer { server.kill() }

        // Sixteen clients, each with its own keep-alive connection (opened by a first request).
        let clients = try (0..<16).map { _ in try TestServer.makeClient(trusting: server.certificatePath) }
        let (baseURL, authorization) = (server.baseURL, "Bearer \(key)")
        for client in clients {
            #expect(try await Self.send(client, .GET, baseURL + "/v2/whoami", authorization).0 == 200)
        }

        // run: hold the write lock so that 16 creates are in flight inside the server, send SIGTERM, let go
        let lock = try await SQLiteConnection.open(storage: .file(path: dataDir + "/creatoraudit.sqlite"))
        _ = try await lock.query("BEGIN IMMEDIATE")
        let responses = Task {
            try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for (index, client) in clients.enumerated() {
                    group.addTask {
                        try await Self.send(client, .POST, baseURL + "/v2/creators", authorization,
                                            body: #"{"name":"In flight \#(index)"}"#)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        try await Task.sleep(for: .milliseconds(800))
        server.signal(SIGTERM)
        try await Task.sleep(for: .milliseconds(500))
        _ = try await lock.query("ROLLBACK")
        try await lock.close()

        // validate
        let answers = try await responses.value
        #expect(answers.count == 16)
        #expect(answers.allSatisfy { $0.0 == 201 }, "\(answers)")
        #expect(answers.allSatisfy { $0.1?.lowercased() == "close" }, "\(answers)")
        let status = await server.waitForExit(timeout: .seconds(15))
        #expect(status == 0, "serve exited with \(status.map(String.init) ?? "nothing yet"): \(server.log.suffix(500))")
        for client in clients { try? await client.shutdown() }
        let stored = try await SQLiteConnection.open(storage: .file(path: dataDir + "/creatoraudit.sqlite"))
        let rows = try await stored.query("SELECT COUNT(*) AS n FROM creators WHERE name LIKE 'In flight %'")
        #expect(rows.first?.column("n")?.integer == 16)
        try await stored.close()
    }

    /// One request; the status and the `Connection` header of the answer.
    static func send(
        _ client: HTTPClient, _ method: HTTPMethod, _ url: String, _ authorization: String, body: String? = nil
    ) async throws -> (Int, String?) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: authorization)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(20))
        _ = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), response.headers.first(name: "Connection"))
    }

    @Test("SQLite commits API writes with synchronous=FULL, so an acknowledged write survives a power loss")
    func synchronousFull() async throws {
        let synchronous = try await TestDatabase.with(.sqlite) { database in try await database.database.writerSynchronous() }
        #expect(synchronous == 2)
    }

    @Test("A collector claim commits without waiting for the disk; the write after it commits with synchronous=FULL again")
    func claimsCommitRelaxedOthersDurable() async throws {
        try await TestDatabase.with(.sqlite) { test in
            let database = test.database
            let now = Timestamp(seconds: Int64(Date().timeIntervalSince1970))
            // A real claim round (nothing is due: the transaction still runs and commits).
            _ = try await CollectorQueue(database: database).claim(
                [CollectorQueue.ClaimRequest(platform: .instagram, jobs: 4)], owner: "test-worker", now: now,
                leaseUntil: now.adding(seconds: 60))
            #expect(try await database.writerSynchronous() == 1)  // the claim committed with NORMAL
            #expect(try await database.writerSynchronous(committing: .durable) == 2)
            #expect(try await database.writerSynchronous() == 2)
            #expect(try await database.writerSynchronous(committing: .collected) == 1)
            #expect(try await database.writerSynchronous(committing: .durable) == 2)
        }
    }
}
