// README, "Operations": one access-log line per request, and never a key, in headers, query strings, paths or bodies.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("Logging")
struct LoggingTests {
    @Test("with trace logging, no key nor its random part appears in the server's log output", arguments: TestEngines.all)
    func noSecretsInLogs(engine: DatabaseEngine) async throws {
        let capture = LogCapture()
        let keys = try await TestServer.run(engine, logger: capture.logger(level: .trace)) { server -> [String] in
            let organization = try await Fixtures.organization(server.database)
            let valid = try await Fixtures.key(server.services, organization).token.secret
            let disabled = try await Fixtures.key(server.services, organization)
            _ = try await server.services.lifecycle.disable(organizationID: organization.id, id: disabled.record.id, actor: .cli)
            let unknown = APIKeyToken.generate().secret
            var badChecksum = Array(APIKeyToken.generate().secret)
            badChecksum[43] = badChecksum[43] == "a" ? "b" : "a"
            let keys = [valid, disabled.token.secret, unknown, String(badChecksum)]
            for key in keys {
                _ = try await server.whoami(key)
                _ = try await server.request(.GET, "/v2/whoami?api_key=\(key)")
                _ = try await server.request(.GET, "/v2/meta?access_token=\(key)&token=\(key)")
                _ = try await server.request(.GET, "/v2/whoami", headers: [("Authorization", "Basic \(key)")])
                _ = try await server.request(.GET, "/v2/\(key)", key: key)
                _ = try await server.request(.GET, "/v2/whoami?note=\(key)", key: key, headers: [("X-Request-ID", key)])
                _ = try await server.request(.PATCH, "/v2/organization", key: valid, body: #"{"name":"\#(key)"}"#)
                _ = try await server.request(.GET, "/v2/whoami", headers: [("Cookie", "__Host-session=\(key)")])
            }
            // Drive the usage flush and an internal error path too.
            try await server.services.usage.flush()
            return keys
        }
        let log = capture.text
        #expect(capture.count > 40)
        #expect(log.contains("route=/v2/whoami"))
        for key in keys {
            #expect(!log.contains(key))
            #expect(!log.contains(String(key.dropFirst(8).prefix(30))), "random part leaked")
            #expect(!log.contains(String(key.dropFirst(8).prefix(12))), "part of the random part leaked")
        }
        #expect(!log.lowercased().contains("authorization"))
        #expect(!log.contains("__Host-session"))
    }

    @Test("each request writes one access-log line with method, route, status, duration, request id, organization and key")
    func accessLogLine() async throws {
        let capture = LogCapture()
        try await TestServer.run(.sqlite, logger: capture.logger(level: .info)) { server in
            let organization = try await Fixtures.organization(server.database)
            let key = try await Fixtures.key(server.services, organization)
            _ = try await server.request(.GET, "/v2/whoami", key: key.token.secret, headers: [("X-Request-ID", "trace-me-123")])
            let lines = capture.text.split(separator: "\n").filter { $0.contains("request_id=trace-me-123") }
            #expect(lines.count == 1)
            let line = String(lines.first ?? "")
            for part in ["method=GET", "route=/v2/whoami", "status=200", "duration_ms=", "organization_id=\(organization.id)",
                         "key_id=\(key.record.id)", "client=127.0.0.1"] {
                #expect(line.contains(part), "missing \(part) in \(line)")
            }
        }
    }

    @Test("a request without a usable X-Request-ID gets a new random UUID; one shaped like a key, in any case, is replaced")
    func requestIDs() async throws {
        try await TestServer.run(.sqlite) { server in
            var seen = Set<String>()
            for sent in [nil, "CA_LIVE_abc", "x-Ca_LiVe-y", "has space", String(repeating: "a", count: 65)] {
                let headers = sent.map { [("X-Request-ID", $0)] } ?? []
                let response = try await server.request(.GET, "/v2/health", headers: headers)
                let id = try #require(response.headers["X-Request-ID"].first)
                let uuid = try #require(UUID(uuidString: id), "\(id) is not a UUID")
                #expect(id == id.lowercased())
                #expect(id.utf8.count == 36)
                #expect(uuid.uuid.6 >> 4 == 4, "version 4")
                #expect(uuid.uuid.8 >> 6 == 2, "RFC 9562 variant")
                seen.insert(id)
            }
            #expect(seen.count == 5)
            let kept = try await server.request(.GET, "/v2/health", headers: [("X-Request-ID", "ca-live.trace_1")])
            #expect(kept.headers["X-Request-ID"].first == "ca-live.trace_1")
        }
        #expect(ProblemMiddleware.containsKeyPrefix("xxCA_LIVE".utf8))
        #expect(ProblemMiddleware.containsKeyPrefix("ca_live".utf8))
        #expect(!ProblemMiddleware.containsKeyPrefix("ca_liv".utf8))
        #expect(!ProblemMiddleware.containsKeyPrefix("ca-live".utf8))
    }

    @Test("identifiers print as Foundation's lowercased uuidString and parse back to the same UUID")
    func identifierFormat() {
        for _ in 0..<1000 {
            let uuid = UUID()
            #expect(FastUUID.string(uuid) == uuid.uuidString.lowercased())
            #expect(FastUUID.parse(FastUUID.string(uuid)) == uuid)
            #expect(AccountID(uuid: uuid).description == uuid.uuidString.lowercased())
        }
        let edges = [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                     UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))]
        #expect(edges.map(FastUUID.string) == ["00000000-0000-0000-0000-000000000000",
                                                "ffffffff-ffff-ffff-ffff-ffffffffffff"])
    }

    @Test("account and video ids are time-ordered (version 7): later ids sort after earlier ones, as text too")
    func timeOrderedIdentifiers() throws {
        let milliseconds: UInt64 = 1_772_366_400_123
        let id = FastUUID.string(FastUUID.timeOrdered(milliseconds: milliseconds))
        #expect(id.hasPrefix("019ca945-0a7b-7"), "\(id)")  // 0x019ca9450a7b = the milliseconds; version 7
        #expect(["8", "9", "a", "b"].contains(id[id.index(id.startIndex, offsetBy: 19)]), "RFC 9562 variant")
        var earlier: [String] = []
        for step in 0..<200 {
            earlier.append(FastUUID.string(FastUUID.timeOrdered(milliseconds: milliseconds + UInt64(step))))
        }
        #expect(earlier == earlier.sorted() && Set(earlier).count == 200)
        // Fresh ids: unique, and one made a few milliseconds later sorts after.
        let first = VideoID().description
        Thread.sleep(forTimeInterval: 0.005)
        let second = AccountID().description
        #expect(first < second && first.dropFirst(14).first == "7" && second.dropFirst(14).first == "7")
        #expect(try #require(VideoID(first)).description == first)
        #expect(Set((0..<10_000).map { _ in VideoID() }).count == 10_000)
        // Other ids stay random (version 4): an organization's or a key's id says nothing of when it was made.
        #expect(OrganizationID().description.dropFirst(14).first == "4")
        #expect(APIKeyID().description.dropFirst(14).first == "4")
    }
}
