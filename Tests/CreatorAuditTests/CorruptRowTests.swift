// A stored row that does not decode is an error — one log line naming the table and column, and a 500 that reveals
// nothing — never a made-up id, a default platform or an empty metadata map that the next PATCH would store back.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("Corrupt rows")
struct CorruptRowTests {
    @Test("corrupt metadata or platform: 500 INTERNAL_ERROR, a log line naming table and column, the row untouched", arguments: TestEngines.all)
    func corruptRows(engine: DatabaseEngine) async throws {
        let capture = LogCapture()
        try await TestServer.run(engine, logger: capture.logger(level: .info)) { server in
            let tenant = try await Tenant.make(server)
            let created = try await server.request(.POST, "/v2/accounts", key: tenant.key, body: #"{"platform":"tiktok","username":"broken","metadata":{"a":"b"}}"#)
            let id = created.id
            let organization = tenant.id.description
            for (column, value) in [("metadata", "{not json"), ("platform", "myspace")] {
                try await server.database.write(scope: .test) { db in
                    try await db.raw("""
                        UPDATE accounts SET metadata = '{"a":"b"}', platform = 'tiktok'
                        WHERE organization_id = \(bind: organization) AND id = \(bind: id)
                        """).run()
                    try await db.raw("""
                        UPDATE accounts SET \(unsafeRaw: column) = \(bind: value) WHERE organization_id = \(bind: organization) AND id = \(bind: id)
                        """).run()
                }
                let shown = try await server.request(.GET, "/v2/accounts/\(id)", key: tenant.key)
                #expect(shown.status == 500, "\(column)")
                #expect(shown.code == "INTERNAL_ERROR")
                #expect(!shown.body.contains(value) && !shown.body.contains(column), "reveals nothing")
                let listed = try await server.request(.GET, "/v2/accounts", key: tenant.key)
                #expect(listed.status == 500, "\(column): the list fails rather than invents")
                let patched = try await server.request(.PATCH, "/v2/accounts/\(id)", key: tenant.key, body: #"{"category":"x"}"#)
                #expect(patched.status == 500, "\(column): nothing is written back")
                let stored = try await server.database.read(scope: .test) { db in
                    try await db.raw("SELECT \(unsafeRaw: column) AS v, category FROM accounts WHERE id = \(bind: id)").first()
                }
                #expect(try stored?.decode(column: "v", as: String.self) == value)
                #expect(try stored?.decodeNil(column: "category") == true)
                #expect(capture.text.contains("corrupt row") && capture.text.contains("table=accounts") && capture.text.contains("column=\(column)"),
                        "\(column)")
            }
        }
    }
}
