// `POST /v2/snapshots`: a team's own collector pushes import records as NDJSON — all or nothing, the import's
// line-numbered errors, limits, tenancy and idempotency, over a live server.
import Foundation
import Testing

@testable import CreatorAudit

@Suite("Push ingestion: POST /v2/snapshots")
struct PushIngestionTests {
    static let ndjson = [("Content-Type", "application/x-ndjson")]

    /// One NDJSON line.
    static func line(_ record: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// An account snapshot line.
    static func followers(_ username: String, _ count: Int, at time: String = "2026-01-10T09:00:00Z") -> String {
        line([
            "kind": "snapshot", "platform": "tiktok", "account": username, "observed_at": time, "follower_count": count,
        ])
    }

    static func body(observedAt: String = "2026-01-10T09:00:00Z", followers: Int = 1_000) -> String {
        let video = "7321000000000000001"
        return [
            line(["kind": "account", "platform": "tiktok", "username": "mayachen", "name": "Maya Chen"]),
            line([
                "kind": "video", "platform": "tiktok", "external_id": video, "account": "mayachen",
                "create_time": "2026-01-09T19:00:00Z",
            ]),
            "",
            Self.followers("mayachen", followers, at: observedAt),
            line([
                "kind": "snapshot", "platform": "tiktok", "video": video, "observed_at": observedAt, "view_count": 500,
                "play_count": 500, "like_count": 50,
            ]),
        ].joined(separator: "\n") + "\n"
    }

    static func push(
        _ server: TestServer, _ key: String, _ body: String, headers: [(String, String)] = []
    ) async throws -> TestResponse {
        try await server.request(.POST, "/v2/snapshots", key: key, headers: ndjson + headers, body: body)
    }

    static func accounts(_ server: TestServer, _ tenant: Tenant) async throws -> [[String: Any]] {
        try await server.request(.GET, "/v2/accounts", key: tenant.key).items
    }

    @Test(
        "records are stored as by import: accounts, videos, snapshots, latest counters; unknown counters stay null",
        arguments: TestEngines.all)
    func happyPath(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let response = try await Self.push(server, tenant.key, Self.body())
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json")
            let data = response.data
            #expect(data["type"] as? String == "snapshot_ingestion")
            #expect(data["records"] as? Int == 4 && data["snapshots_stored"] as? Int == 2)
            #expect(data["accounts_created"] as? Int == 1 && data["videos_created"] as? Int == 1)

            let accounts = try await Self.accounts(server, tenant)
            #expect(accounts.count == 1)
            let account = try #require(accounts.first)
            #expect(account["follower_count"] as? Int == 1_000 && account["data_source"] as? String == "import")
            #expect(account["last_scrape_time"] as? String == "2026-01-10T09:00:00Z")
            let videos = try await server.request(.GET, "/v2/account-videos", key: tenant.key).items
            let video = try #require(videos.first)
            #expect(video["view_count"] as? Int == 500 && video["like_count"] as? Int == 50)
            #expect(video["comment_count"] is NSNull && video["saved_count"] is NSNull, "not sent: unknown, not 0")

            // Later snapshots for what is now tracked: referred to, not created again.
            let later = try await Self.push(
                server, tenant.key, Self.body(observedAt: "2026-01-11T09:00:00Z", followers: 1_200))
            #expect(later.data["accounts_created"] as? Int == 0 && later.data["snapshots_stored"] as? Int == 2)
            #expect(try await Self.accounts(server, tenant).first?["follower_count"] as? Int == 1_200)
        }
    }

    @Test("a bad line answers 422 with its line number, and nothing of the body is stored", arguments: TestEngines.all)
    func badLine(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            var lines = Self.body().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            lines[3] = Self.followers("mayachen", -5)
            let response = try await Self.push(server, tenant.key, lines.joined(separator: "\n"))
            Check.validation(response, ["line[4].follower_count"])
            #expect(response.json["detail"] as? String == "Line 4 is not a valid record; nothing was stored.")
            #expect(try await Self.accounts(server, tenant).isEmpty, "the account of line 1 was not stored either")

            // Not JSON at all, and a record naming an account the organization does not track.
            let garbage = try await Self.push(server, tenant.key, "{\"kind\":\"account\"\n")
            Check.validation(garbage, ["line[1]"])
            let unknown = try await Self.push(server, tenant.key, Self.followers("nobody", 1))
            Check.validation(unknown, ["line[1].account"])
            let empty = try await Self.push(server, tenant.key, "\n\n")
            #expect(empty.status == 422)
        }
    }

    @Test("another organization's account answers exactly like one that does not exist", arguments: TestEngines.all)
    func tenancy(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let owner = try await Tenant.make(server)
            let other = try await Tenant.make(server)
            #expect(try await Self.push(server, owner.key, Self.body()).status == 200)
            let snapshot = Self.followers("mayachen", 7, at: "2026-01-12T09:00:00Z")
            let foreign = try await Self.push(server, other.key, snapshot)
            let missing = try await Self.push(
                server, other.key, snapshot.replacingOccurrences(of: "mayachen", with: "nobody.here"))
            #expect(foreign.status == 422 && missing.status == 422)
            #expect(foreign.json["errors"] as? NSArray == missing.json["errors"] as? NSArray)
            #expect(foreign.json["detail"] as? String == missing.json["detail"] as? String)
            #expect(try await Self.accounts(server, owner).first?["follower_count"] as? Int == 1_000, "untouched")
        }
    }

    @Test("over 50,000 lines or 16 MiB: 413; JSON instead of NDJSON: 415; a read-only key: 403")
    func limits() async throws {
        try await TestServer.run(.sqlite) { server in
            let tenant = try await Tenant.make(server)
            let line = #"{"kind":"account","platform":"tiktok","username":"a"}"#
            let tooManyLines = String(repeating: line + "\n", count: 50_001)
            let lines = try await Self.push(server, tenant.key, tooManyLines)
            #expect(lines.status == 413 && lines.code == "PAYLOAD_TOO_LARGE")
            let tooLarge = String(repeating: " ", count: (16 << 20) + 1)
            let large = try await Self.push(server, tenant.key, tooLarge)
            #expect(large.status == 413 && large.code == "PAYLOAD_TOO_LARGE")
            #expect(try await Self.accounts(server, tenant).isEmpty)

            let exactly = String(repeating: "\n", count: 50_000) + line + "\n"
            #expect(try await Self.push(server, tenant.key, exactly).status == 413, "50,001 lines, blank ones count")

            let json = try await server.request(.POST, "/v2/snapshots", key: tenant.key, body: #"{"kind":"account"}"#)
            #expect(json.status == 415 && json.code == "UNSUPPORTED_MEDIA_TYPE")
            let readOnly = try await Self.push(server, tenant.readKey, Self.body())
            #expect(readOnly.status == 403 && readOnly.code == "INSUFFICIENT_SCOPE")
            // A JSON route keeps its 1 MiB limit.
            let big = try await server.request(
                .POST, "/v2/creators", key: tenant.key, body: String(repeating: " ", count: (1 << 20) + 1))
            #expect(big.status == 413)
        }
    }

    @Test(
        "an Idempotency-Key replays the first answer; the same key with another body is a conflict",
        arguments: TestEngines.all)
    func idempotency(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let key = [("Idempotency-Key", "push-\(UUID().uuidString)")]
            let first = try await Self.push(server, tenant.key, Self.body(), headers: key)
            #expect(first.status == 200 && first.header("Idempotent-Replayed") == nil)
            let replay = try await Self.push(server, tenant.key, Self.body(), headers: key)
            #expect(replay.status == 200 && replay.header("Idempotent-Replayed") == "true")
            #expect(replay.body == first.body)
            let snapshots = try await server.database.read(scope: .test) { db in
                try await db.raw("SELECT COUNT(*) AS n FROM account_snapshots").first()?.decode(
                    column: "n", as: Int.self)
            }
            #expect(snapshots == 1, "stored once")
            let other = try await Self.push(server, tenant.key, Self.body(followers: 5), headers: key)
            #expect(other.status == 409 && other.code == "CONFLICT")
        }
    }
}
