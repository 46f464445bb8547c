// README, "Authentication"'s outcome table, row by row, over a live TLS server.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("Authentication outcomes (README, Authentication)")
struct AuthenticationTests {
    static let realm = "Bearer realm=\"creatoraudit\""

    func expectProblem(_ response: TestResponse, status: Int, code: String, path: String = "/v2/whoami") {
        #expect(response.status == status)
        #expect(response.code == code)
        #expect(response.header("Content-Type") == "application/problem+json")
        let json = response.json
        #expect(json["status"] as? Int == status)
        #expect(json["type"] as? String == "urn:creatoraudit:error:" + code.lowercased().replacingOccurrences(of: "_", with: "-"))
        #expect(json["title"] as? String != nil)
        #expect(json["detail"] as? String != nil)
        #expect(json["instance"] as? String == path)
        #expect(json["request_id"] as? String == response.header("X-Request-ID"))
    }

    @Test("no Authorization header → 401 UNAUTHORIZED with a bare Bearer challenge", arguments: TestEngines.all)
    func noHeader(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let response = try await server.request(.GET, "/v2/whoami")
            expectProblem(response, status: 401, code: "UNAUTHORIZED")
            #expect(response.header("WWW-Authenticate") == Self.realm)
        }
    }

    @Test("a scheme other than Bearer, a malformed token, a bad checksum, an unknown key → 401 invalid_token",
          arguments: TestEngines.all)
    func invalidTokens(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let real = try await Fixtures.key(server.services, organization).token.secret
            var badChecksum = Array(real)
            badChecksum[43] = badChecksum[43] == "A" ? "B" : "A"
            let unknown = APIKeyToken.generate().secret  // well-formed, valid checksum, never stored
            let headers: [String] = [
                "Basic " + Data("user:\(real)".utf8).base64EncodedString(),
                "Token \(real)",
                "Bearer not-a-key",
                "Bearer " + String(badChecksum),
                "Bearer " + unknown,
                "Bearer",
            ]
            for header in headers {
                let response = try await server.request(.GET, "/v2/whoami", headers: [("Authorization", header)])
                expectProblem(response, status: 401, code: "UNAUTHORIZED")
                #expect(response.header("WWW-Authenticate") == Self.realm + ", error=\"invalid_token\"")
            }
        }
    }

    @Test("the scheme name is case-insensitive", arguments: TestEngines.all)
    func caseInsensitiveScheme(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let key = try await Fixtures.key(server.services, organization).token.secret
            for scheme in ["bearer", "BEARER", "BeArEr"] {
                let response = try await server.request(.GET, "/v2/whoami", headers: [("Authorization", "\(scheme) \(key)")])
                #expect(response.status == 200)
            }
        }
    }

    @Test("a deleted key → 401 UNAUTHORIZED", arguments: TestEngines.all)
    func deletedKey(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let key = try await Fixtures.key(server.services, organization)
            #expect(try await server.whoami(key.token.secret).status == 200)
            try await server.services.lifecycle.delete(organizationID: organization.id, id: key.record.id, actor: .cli)
            let response = try await server.whoami(key.token.secret)
            expectProblem(response, status: 401, code: "UNAUTHORIZED")
            #expect(response.header("WWW-Authenticate") == Self.realm + ", error=\"invalid_token\"")
        }
    }

    @Test("a disabled key → 403 FORBIDDEN", arguments: TestEngines.all)
    func disabledKey(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let key = try await Fixtures.key(server.services, organization)
            _ = try await server.services.lifecycle.disable(organizationID: organization.id, id: key.record.id, actor: .cli)
            expectProblem(try await server.whoami(key.token.secret), status: 403, code: "FORBIDDEN")
        }
    }

    @Test("an expired key → 403 FORBIDDEN", arguments: TestEngines.all)
    func expiredKey(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let key = try await Fixtures.key(server.services, organization, expiresAt: .now.adding(seconds: 4))
            #expect(try await server.whoami(key.token.secret).status == 200)  // cached while valid
            try await Task.sleep(for: .milliseconds(4100))
            expectProblem(try await server.whoami(key.token.secret), status: 403, code: "FORBIDDEN")
        }
    }

    @Test("a key without the route's scope → 403 INSUFFICIENT_SCOPE naming the scope", arguments: TestEngines.all)
    func insufficientScope(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let read = try await Fixtures.key(server.services, organization, scopes: [.read]).token.secret
            let write = try await Fixtures.key(server.services, organization, scopes: [.write]).token.secret
            for key in [read, write] {
                let response = try await server.request(.PATCH, "/v2/organization", key: key, body: #"{"name":"x"}"#)
                expectProblem(response, status: 403, code: "INSUFFICIENT_SCOPE", path: "/v2/organization")
                #expect(response.header("WWW-Authenticate") == "Bearer error=\"insufficient_scope\", scope=\"admin\"")
            }
            // read suffices for GET
            #expect(try await server.request(.GET, "/v2/organization", key: read).status == 200)
        }
    }

    @Test("more than 30 failed authentications per minute from one address → 429 RATE_LIMITED; a valid key from it still works",
          arguments: TestEngines.all)
    func failedAuthenticationThrottle(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let valid = try await Fixtures.key(server.services, organization).token.secret
            try await MinuteWindow.atLeast(40)
            for _ in 0..<30 {
                #expect(try await server.whoami(APIKeyToken.generate().secret).status == 401)
            }
            let blocked = try await server.whoami(APIKeyToken.generate().secret)
            expectProblem(blocked, status: 429, code: "RATE_LIMITED")
            #expect(Int(blocked.header("Retry-After") ?? "") ?? 0 >= 1)
            // The throttle is for invalid credentials: a valid key from the same address (a NAT) is served…
            #expect(try await server.whoami(valid).status == 200)
            // …and invalid ones keep getting 429.
            #expect(try await server.whoami(APIKeyToken.generate().secret).status == 429)
            // Requests without credentials are not attempts: still a plain 401.
            #expect(try await server.request(.GET, "/v2/whoami").status == 401)
        }
    }

    @Test("the failed-authentication throttle follows ServerSettings.failedAuthLimit (serve --failed-auth-limit)")
    func failedAuthenticationThrottleSetting() async throws {
        try await TestServer.run(.sqlite, configure: { $0.failedAuthLimit = 40 }) { (server: TestServer) async throws in
            try await MinuteWindow.atLeast(40)
            for _ in 0..<40 {
                #expect(try await server.whoami(APIKeyToken.generate().secret).status == 401)
            }
            #expect(try await server.whoami(APIKeyToken.generate().secret).status == 429)
        }
    }

    @Test("credentials in the query string → 400 BAD_REQUEST on every route, before authentication",
          arguments: TestEngines.all)
    func queryCredentials(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let key = try await Fixtures.key(server.services, organization).token.secret
            for name in ["api_key", "key", "token", "access_token", "API_KEY"] {
                for path in ["/v2/whoami", "/v2/meta", "/v2/health", "/v2/nowhere"] {
                    let response = try await server.request(.GET, "\(path)?\(name)=\(key)")
                    expectProblem(response, status: 400, code: "BAD_REQUEST", path: path)
                    let withHeader = try await server.request(.GET, "\(path)?\(name)=\(key)", key: key)
                    #expect(withHeader.status == 400)
                }
            }
        }
    }

    @Test("whoami returns exactly the published fields plus the additive ones", arguments: TestEngines.all)
    func whoamiShape(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database, name: "Acme Studios")
            let key = try await Fixtures.key(server.services, organization, name: "reporting", scopes: [.write])
            let response = try await server.whoami(key.token.secret)
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.header("Cache-Control") == "private, no-cache")
            #expect(response.header("Vary") == "Authorization")
            #expect(response.header("Access-Control-Allow-Origin") == nil)
            let data = response.data
            #expect(Set(data.keys) == ["type", "organization_id", "api_key_name", "organization_name", "api_key_id", "scopes", "expires_at"])
            #expect(data["type"] as? String == "whoami")
            #expect(data["organization_id"] as? String == organization.id.description)
            #expect(data["api_key_name"] as? String == "reporting")
            #expect(data["organization_name"] as? String == "Acme Studios")
            #expect(data["api_key_id"] as? String == key.record.id.description)
            #expect(data["scopes"] as? [String] == ["read", "write"])
            #expect(data["expires_at"] is NSNull)
        }
    }
}
