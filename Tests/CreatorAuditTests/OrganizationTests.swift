// `GET|PATCH /v2/organization` and request-body validation.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("Organization resource")
struct OrganizationTests {
    @Test("GET shows the organization with its operator limits; PATCH by an admin key changes name and defaults",
          arguments: TestEngines.all)
    func showAndUpdate(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database, name: "Initech")
            try await Fixtures.setRateLimit(server.database, organization, 900)
            let key = try await Fixtures.key(server.services, organization).token.secret
            let shown = try await server.request(.GET, "/v2/organization", key: key)
            #expect(shown.status == 200)
            #expect(Set(shown.data.keys) == ["type", "id", "name", "max_recent_posts_per_account", "post_lookback_days", "account_quota", "rate_limit"])
            #expect(shown.data["type"] as? String == "organization")
            #expect(shown.data["rate_limit"] as? Int == 900)
            #expect(shown.data["account_quota"] is NSNull)

            let patched = try await server.request(.PATCH, "/v2/organization", key: key, body: """
                {"name": " Initrode ", "post_lookback_days": 14, "max_recent_posts_per_account": 25,
                 "rate_limit": 1000000, "account_quota": 99999, "unknown_field": true}
                """)
            #expect(patched.status == 200)
            #expect(patched.data["name"] as? String == "Initrode")
            #expect(patched.data["post_lookback_days"] as? Int == 14)
            #expect(patched.data["max_recent_posts_per_account"] as? Int == 25)
            // The quota and the rate limit are the operator's: ignored here.
            #expect(patched.data["rate_limit"] as? Int == 900)
            #expect(patched.data["account_quota"] is NSNull)
            let events = try await AuditRepository(database: server.database).list(organizationID: organization.id)
            #expect(events.first?.action == "organization.updated")
        }
    }

    @Test("PATCH lists every invalid field at once with 422 VALIDATION_ERROR", arguments: TestEngines.all)
    func validation(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let key = try await Fixtures.key(server.services, organization).token.secret
            let response = try await server.request(.PATCH, "/v2/organization", key: key, body: """
                {"name": "", "post_lookback_days": 0, "max_recent_posts_per_account": "ten"}
                """)
            #expect(response.status == 422)
            #expect(response.code == "VALIDATION_ERROR")
            let fields = (response.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(Set(fields) == ["name", "post_lookback_days", "max_recent_posts_per_account"])
            #expect(try await OrganizationRepository(database: server.database).find(organization.id)?.name == organization.name)
            let tooLong = try await server.request(.PATCH, "/v2/organization", key: key,
                                                   body: #"{"name":"\#(String(repeating: "n", count: 256))"}"#)
            #expect(tooLong.status == 422)
            #expect(!tooLong.body.contains(String(repeating: "n", count: 256)))  // detail never echoes input
        }
    }

    @Test("bodies: not JSON → 415, unparseable → 400, nested deeper than 32 → 400, over 1 MiB → 413",
          arguments: TestEngines.all)
    func bodies(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let key = try await Fixtures.key(server.services, organization).token.secret
            let form = try await server.request(.PATCH, "/v2/organization", key: key,
                                                headers: [("Content-Type", "application/x-www-form-urlencoded")], body: "name=x")
            #expect(form.status == 415)
            #expect(form.code == "UNSUPPORTED_MEDIA_TYPE")
            let broken = try await server.request(.PATCH, "/v2/organization", key: key, body: #"{"name": "#)
            #expect(broken.status == 400)
            #expect(broken.code == "BAD_REQUEST")
            let deep = String(repeating: "[", count: 33) + String(repeating: "]", count: 33)
            let nested = try await server.request(.PATCH, "/v2/organization", key: key, body: #"{"name": \#(deep)}"#)
            #expect(nested.status == 400)
            let okDepth = String(repeating: "[", count: 30) + String(repeating: "]", count: 30)
            let shallow = try await server.request(.PATCH, "/v2/organization", key: key, body: #"{"x": \#(okDepth)}"#)
            #expect(shallow.status == 200)
            let huge = try await server.request(.PATCH, "/v2/organization", key: key,
                                                body: #"{"name":"\#(String(repeating: "a", count: (1 << 20) + 10))"}"#)
            #expect(huge.status == 413)
            #expect(huge.code == "PAYLOAD_TOO_LARGE")
            let charset = try await server.request(.PATCH, "/v2/organization", key: key,
                                                   headers: [("Content-Type", "application/json; charset=utf-8")], body: #"{"name":"ok"}"#)
            #expect(charset.status == 200)
        }
    }
}
