// Control characters in text (README, "Input rules"): a NUL anywhere, and any C0 control in a single-line field,
// is a 422 naming the field — on both engines (PostgreSQL used to answer 500, SQLite cut the text at the NUL),
// in query parameters, on the dashboard's forms and in import files.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("Input rules: control characters")
struct InputRulesTests {
    static func fields(_ response: TestResponse) -> [String] {
        (response.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
    }

    @Test("a NUL in a JSON body is a 422 naming the field, and nothing is stored", arguments: TestEngines.all)
    func nulInBody(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let key = try await Fixtures.key(server.services, organization).token.secret
            let creator = try await server.request(.POST, "/v2/creators", key: key, body: #"{"name":"Ma\u0000ya"}"#)
            #expect(creator.status == 422)
            #expect(creator.code == "VALIDATION_ERROR")
            #expect(Self.fields(creator) == ["name"])
            let account = try await server.request(
                .POST, "/v2/accounts", key: key,
                body: #"{"platform":"tiktok","username":"maya","category":"fo\u0000od","metadata":{"note":"a\u0000b"}}"#)
            #expect(account.status == 422)
            #expect(Self.fields(account) == ["category", "metadata.note"])
            let listed = try await server.request(.GET, "/v2/creators", key: key)
            #expect((listed.json["data"] as? [Any])?.isEmpty == true)
            let accounts = try await server.request(.GET, "/v2/accounts", key: key)
            #expect((accounts.json["data"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("other control characters: refused in single-line fields, tab and line breaks kept in metadata values",
          arguments: TestEngines.all)
    func controlCharacters(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let key = try await Fixtures.key(server.services, organization).token.secret
            for name in [#"line\nbreak"#, #"bell\u0007"#, #"tab\there"#, #"esc\u001b[31m"#] {
                let response = try await server.request(.POST, "/v2/creators", key: key, body: #"{"name":"\#(name)"}"#)
                #expect(response.status == 422, "\(name)")
                #expect(Self.fields(response) == ["name"])
            }
            let created = try await server.request(
                .POST, "/v2/creators", key: key, body: #"{"name":"Maya Chen","metadata":{"note":"two\nlines\tand a tab"}}"#)
            #expect(created.status == 201)
            #expect((created.data["metadata"] as? [String: String])?["note"] == "two\nlines\tand a tab")
        }
    }

    @Test("fields an endpoint does not take are ignored whatever they hold; a metadata key with a control character is refused",
          arguments: TestEngines.all)
    func unknownFieldsIgnored(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let key = try await Fixtures.key(server.services, organization).token.secret
            // What schemathesis sent in CI: extra properties whose names and values hold NUL and other controls.
            let extras = #""\u0012P=":{"\u0000x":"a\u0000b"},"\u0007":[null,"\u0000"],"ok":"\u001b""#
            let created = try await server.request(.POST, "/v2/creators", key: key, body: #"{"name":"Maya Chen",\#(extras)}"#)
            #expect(created.status == 201)
            let id = try #require(created.data["id"] as? String)
            let patched = try await server.request(.PATCH, "/v2/creators/\(id)", key: key, body: #"{\#(extras),"is_active":false}"#)
            #expect(patched.status == 200)
            #expect(patched.data["is_active"] as? Bool == false)
            let organizationPatch = try await server.request(.PATCH, "/v2/organization", key: key, body: "{\(extras)}")
            #expect(organizationPatch.status == 200)
            for badKey in [#"a\u0000b"#, #"esc\u001b"#, #"line\nbreak"#] {
                let refused = try await server.request(
                    .PATCH, "/v2/creators/\(id)", key: key, body: #"{"metadata":{"\#(badKey)":"x"}}"#)
                #expect(refused.status == 422, "\(badKey)")
                #expect(refused.code == "VALIDATION_ERROR")
                #expect(Self.fields(refused) == ["metadata"])
            }
            let stored = try await server.request(.GET, "/v2/creators/\(id)", key: key)
            #expect((stored.data["metadata"] as? [String: String])?.isEmpty == true)
        }
    }

    @Test("a NUL or another control character (tab and line breaks aside) in a query parameter is a 422 naming it",
          arguments: TestEngines.all)
    func queryParameters(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let key = try await Fixtures.key(server.services, organization).token.secret
            for (path, field) in [("/v2/accounts?q=a%00b", "q"), ("/v2/search?q=%00", "q"), ("/v2/accounts?category=x%01", "category"),
                                  ("/v2/videos?q=ok&is_active=tr%1Bue", "is_active")] {
                let response = try await server.request(.GET, path, key: key)
                #expect(response.status == 422, "\(path)")
                #expect(response.code == "VALIDATION_ERROR")
                #expect(Self.fields(response) == [field], "\(path)")
            }
            #expect(try await server.request(.GET, "/v2/accounts?q=caf%C3%A9", key: key).status == 200)
            // Tab and line breaks in a query are blank space, not an error (a blank search).
            #expect(try await server.request(.GET, "/v2/search?q=%09%0A", key: key).status == 200)
        }
    }

    @Test("the dashboard answers a control character in a form with a 422 page naming the field", arguments: TestEngines.all)
    func dashboardForms(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let member = try await MemberFixtures.member(server.database, organization, role: .owner)
            let browser = try DashboardClient(server)
            defer { Task { try? await browser.shutdown() } }
            let page = try await browser.get("/sign-in")
            #expect(page.status == 200)
            let refused = try await browser.post("/sign-in", [("email", member.email + "\u{0}x"), ("password", MemberFixtures.password)])
            #expect(refused.status == 422)
            #expect(refused.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(refused.body.contains("<strong>email</strong>"))
            #expect(browser.cookie == nil)
            // Signed in, a key name with a control character is refused the same way.
            #expect(try await browser.signIn(member.email, MemberFixtures.password).status == 303)
            _ = try await browser.get("/keys")
            let key = try await browser.post("/keys", [("name", "bad\u{1}name"), ("scopes", "read")])
            #expect(key.status == 422)
            #expect(key.body.contains("<strong>name</strong>"))
        }
    }

    @Test("an import file with a NUL in a field stops at that line and stores nothing", arguments: TestEngines.all)
    func importFile(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { database in
            let organization = try await Fixtures.organization(database.database)
            let text = #"{"kind":"account","platform":"tiktok","username":"maya"}"# + "\n"
                + #"{"kind":"account","platform":"tiktok","username":"lee","name":"Lee\u0000Smith"}"# + "\n"
            let path = try ImportTests.write(text, name: "nul.ndjson")
            let result = try await ImportTests.importFile(path, into: organization, database)
            #expect(result.status == 1)
            #expect(result.stderr == "creatoraudit: error: line 2: field name: must not contain control characters\n")
            #expect(try await ImportTests.storedCount(database.database, organization) == 0)
        }
    }
}
