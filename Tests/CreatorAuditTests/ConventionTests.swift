// Conventions every route shares (README, "API conventions"): request ids, problem documents, 404/405/406/414/431.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("HTTP conventions")
struct ConventionTests {
    @Test("X-Request-ID: a well-formed client value is echoed; anything else is replaced by a new UUID")
    func requestID() async throws {
        try await TestServer.run(.sqlite) { server in
            let echoed = try await server.request(.GET, "/v2/meta", headers: [("X-Request-ID", "abc.DEF_123-x")])
            #expect(echoed.header("X-Request-ID") == "abc.DEF_123-x")
            for bad in [String(repeating: "a", count: 65), "has space", "semi;colon", "ca_live_" + String(repeating: "a", count: 36)] {
                let response = try await server.request(.GET, "/v2/meta", headers: [("X-Request-ID", bad)])
                let id = try #require(response.header("X-Request-ID"))
                #expect(id != bad)
                #expect(UUID(uuidString: id) != nil && id == id.lowercased())
            }
            let problem = try await server.request(.GET, "/v2/whoami", headers: [("X-Request-ID", "req-42")])
            #expect(problem.json["request_id"] as? String == "req-42")
        }
    }

    @Test("unknown paths → 404 NOT_FOUND; a known path with another method → 405 with Allow")
    func notFoundAndMethod() async throws {
        try await TestServer.run(.sqlite) { server in
            let missing = try await server.request(.GET, "/v2/does-not-exist?x=1")
            #expect(missing.status == 404)
            #expect(missing.code == "NOT_FOUND")
            #expect(missing.json["instance"] as? String == "/v2/does-not-exist")
            #expect(missing.header("Content-Type") == "application/problem+json")
            let method = try await server.request(.DELETE, "/v2/whoami")
            #expect(method.status == 405)
            #expect(method.code == "METHOD_NOT_ALLOWED")
            #expect(method.header("Allow") == "GET, HEAD")
            let organization = try await server.request(.POST, "/v2/organization", body: "{}")
            #expect(organization.status == 405)
            #expect(organization.header("Allow") == "GET, HEAD, PATCH")
        }
    }

    @Test("an Accept header that excludes JSON → 406 NOT_ACCEPTABLE; wildcards and JSON are fine")
    func accept() async throws {
        try await TestServer.run(.sqlite) { server in
            for accept in ["text/html", "application/xml, text/plain", "application/json;q=0"] {
                let response = try await server.request(.GET, "/v2/meta", headers: [("Accept", accept)])
                #expect(response.status == 406, "\(accept)")
                #expect(response.code == "NOT_ACCEPTABLE")
            }
            for accept in ["application/json", "*/*", "application/*", "text/html, application/json;q=0.5", "application/problem+json"] {
                #expect(try await server.request(.GET, "/v2/meta", headers: [("Accept", accept)]).status == 200, "\(accept)")
            }
        }
    }

    @Test("a request line over 8 KiB → 414 URI_TOO_LONG; headers over 16 KiB → 431 HEADERS_TOO_LARGE")
    func limits() async throws {
        try await TestServer.run(.sqlite) { server in
            let long = try await server.request(.GET, "/v2/meta?q=" + String(repeating: "x", count: 8300))
            #expect(long.status == 414)
            #expect(long.code == "URI_TOO_LONG")
            let headers = (0..<20).map { ("X-Filler-\($0)", String(repeating: "y", count: 1000)) }
            let big = try await server.request(.GET, "/v2/meta", headers: headers)
            #expect(big.status == 431)
            #expect(big.code == "HEADERS_TOO_LARGE")
        }
    }

    @Test("meta's URLs come from --public-url, never from the Host header")
    func meta() async throws {
        try await TestServer.run(.sqlite, configure: { $0.publicURL = "https://api.example.test" }) { server in
            let response = try await server.request(.GET, "/v2/meta", headers: [("Host", "evil.example"), ("X-Forwarded-Host", "evil.example")])
            #expect(response.status == 200)
            let data = response.data
            #expect(data["type"] as? String == "api_meta")
            #expect(data["api_version"] as? String == "v2")
            #expect(data["status"] as? String == "current")
            #expect(data["docs_url"] as? String == "https://api.example.test/v2/docs")
            #expect(data["openapi_url"] as? String == "https://api.example.test/v2/openapi.json")
            #expect(data["whoami_url"] as? String == "https://api.example.test/v2/whoami")
            #expect(data["deprecation"] is NSNull)
            #expect(data["sunset"] is NSNull)
            #expect(!response.body.contains("evil"))
        }
    }

    @Test("health answers ok while the database answers, 503 SERVICE_UNAVAILABLE when it does not", arguments: TestEngines.all)
    func health(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let healthy = try await server.request(.GET, "/v2/health")
            #expect(healthy.status == 200)
            #expect(healthy.data["status"] as? String == "ok")
            #expect(healthy.data["type"] as? String == "health")
            await server.database.close()
            try await Task.sleep(for: .milliseconds(1100))  // the check is cached for 1 s
            let down = try await server.request(.GET, "/v2/health")
            #expect(down.status == 503)
            #expect(down.code == "SERVICE_UNAVAILABLE")
        }
    }
}
