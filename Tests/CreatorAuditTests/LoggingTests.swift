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
}
