// The dashboard's API keys page (README, "API keys"; README, "Dashboard") over live TLS: every change is in force for API requests at once.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("Dashboard: API keys page")
struct DashboardKeysTests {
    /// Creates a key through the form and reads it from the show-once page.
    static func createKey(_ browser: DashboardClient, name: String, scopes: [String] = ["read", "write"],
                          expiresIn: String = "") async throws -> (secret: String, id: APIKeyID) {
        try await browser.get("/keys")
        let created = try await browser.post("/keys", [("name", name)] + scopes.map { ("scopes", $0) } + [("expires_in", expiresIn)])
        #expect(created.status == 303)
        #expect(created.header("Location") == "/keys/created")
        let page = try await browser.get("/keys/created")
        #expect(page.header("Cache-Control") == "no-store")
        let secret = try #require(DashboardClient.firstMatch(#"id="new-key" class="secret">([^<]+)<"#, in: page.body))
        let keys = try await browser.get("/keys")
        let id = try #require(DashboardClient.allMatches(#"<article class="key[^"]*" id="key-([0-9a-f-]+)" data-key-name="([^"]*)""#,
                                                         in: keys.body).last.flatMap(APIKeyID.init))
        return (secret, id)
    }

    @Test("create shows the key once (no-store); rename, disable → 403, re-enable → 200, delete → 401, all audited",
          arguments: TestEngines.all)
    func lifecycle(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let (browser, member) = try await MemberFixtures.signedIn(server, organization, role: .admin)
            defer { Task { try? await browser.shutdown() } }

            let (secret, id) = try await Self.createKey(browser, name: "Reporting", scopes: ["write"], expiresIn: "30")
            #expect(APIKeyToken(parsing: secret) != nil)
            let whoami = try await server.whoami(secret)
            #expect(whoami.status == 200)
            #expect(whoami.data["api_key_name"] as? String == "Reporting")
            #expect(whoami.data["scopes"] as? [String] == ["read", "write"])
            #expect(whoami.data["expires_at"] is String)
            // Shown once: the same page again, and the keys page, never contain it.
            let again = try await browser.get("/keys/created")
            #expect(!again.body.contains(secret))
            #expect(again.body.contains("Key no longer shown"))
            let keysPage = try await browser.get("/keys")
            #expect(!keysPage.body.contains(secret))
            #expect(keysPage.body.contains(String(secret.prefix(12)) + "…" + String(secret.suffix(4))))
            #expect(keysPage.body.contains("by \(member.email)"))
            // The sealed flash is gone from the database, and never held the key in clear.
            let flashes = try await server.database.read(scope: .test) { db in
                try await db.raw("SELECT flash FROM sessions WHERE flash IS NOT NULL").all()
            }
            #expect(flashes.isEmpty)

            #expect(try await browser.post("/keys/\(id)/rename", [("name", "  Nightly export ")]).header("Location") == "/keys?notice=renamed")
            #expect(try await server.whoami(secret).data["api_key_name"] as? String == "Nightly export")

            #expect(try await browser.post("/keys/\(id)/disable").status == 303)
            #expect(try await server.whoami(secret).status == 403)
            let disabledPage = try await browser.get("/keys")
            let disabledSection = try #require(disabledPage.body.components(separatedBy: "id=\"disabled-keys\"").last)
            #expect(disabledSection.contains("Nightly export"))

            #expect(try await browser.post("/keys/\(id)/enable").status == 303)
            #expect(try await server.whoami(secret).status == 200)

            let confirm = try await browser.get("/keys/\(id)/delete")
            #expect(confirm.status == 200)
            #expect(confirm.body.contains("confirm-delete"))
            #expect(try await browser.post("/keys/\(id)/delete").header("Location") == "/keys?notice=deleted")
            #expect(try await server.whoami(secret).status == 401)
            #expect(!(try await browser.get("/keys").body.contains("Nightly export")))

            let events = try await AuditRepository(database: server.database).list(organizationID: organization.id)
                .filter { $0.targetID == id.description }
            #expect(events.map(\.action) == ["api_key.deleted", "api_key.enabled", "api_key.disabled", "api_key.renamed", "api_key.created"])
            #expect(events.allSatisfy { $0.actor == member.email && $0.clientIP == "127.0.0.1" })
        }
    }

    @Test("the delete confirmation warns when the key was used in the last 24 hours", arguments: TestEngines.all)
    func deleteWarning(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let unused = try await Fixtures.key(server.services, organization, name: "idle")
            let used = try await Fixtures.key(server.services, organization, name: "busy")
            let (browser, _) = try await MemberFixtures.signedIn(server, organization, role: .owner)
            defer { Task { try? await browser.shutdown() } }
            #expect(try await server.whoami(used.token.secret).status == 200)

            #expect(!(try await browser.get("/keys/\(unused.record.id)/delete").body.contains("recent-use-warning")))
            #expect(try await browser.get("/keys/\(used.record.id)/delete").body.contains("recent-use-warning"))
            // Also once the usage is flushed to the database (another node's view).
            try await server.services.usage.flush()
            #expect(try await browser.get("/keys/\(used.record.id)/delete").body.contains("used in the last 24 hours"))
            let page = try await browser.get("/keys")
            #expect(page.body.contains("1 request in 30 days"))
            #expect(page.body.contains("<svg"))
        }
    }

    @Test("roll shows the new key once; the old key keeps working for the chosen overlap", arguments: TestEngines.all)
    func roll(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let old = try await Fixtures.key(server.services, organization, name: "backend", scopes: [.read])
            let (browser, _) = try await MemberFixtures.signedIn(server, organization, role: .owner)
            defer { Task { try? await browser.shutdown() } }
            #expect(try await browser.get("/keys/\(old.record.id)/roll").body.contains("overlap_hours"))
            #expect(try await browser.post("/keys/\(old.record.id)/roll", [("overlap_hours", "24")]).header("Location") == "/keys/created")
            let shown = try await browser.get("/keys/created")
            let secret = try #require(DashboardClient.firstMatch(#"id="new-key" class="secret">([^<]+)<"#, in: shown.body))
            #expect(shown.body.contains("keeps working until"))
            #expect(try await server.whoami(secret).data["scopes"] as? [String] == ["read"])
            let oldWhoami = try await server.whoami(old.token.secret)
            #expect(oldWhoami.status == 200)
            let expiry = try #require(oldWhoami.data["expires_at"] as? String)
            #expect(expiry.hasPrefix(Timestamp.now.adding(seconds: 86400).day))
            // 0 h: the old key stops at once; over 7 days is refused.
            let newID = try #require(try await APIKeyRepository(database: server.database).list(organizationID: organization.id)
                .first { $0.id != old.record.id }?.id)
            #expect(try await browser.post("/keys/\(newID)/roll", [("overlap_hours", "200")]).status == 422)
            try await browser.get("/keys")
            #expect(try await browser.post("/keys/\(newID)/roll", [("overlap_hours", "0")]).status == 303)
            #expect(try await server.whoami(secret).status == 403)
        }
    }

    @Test("a member sees the keys page without any action form and gets 403 for every key action", arguments: TestEngines.all)
    func memberIsReadOnly(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let key = try await Fixtures.key(server.services, organization, name: "shared")
            let (browser, _) = try await MemberFixtures.signedIn(server, organization, role: .member)
            defer { Task { try? await browser.shutdown() } }
            let page = try await browser.get("/keys")
            #expect(page.status == 200)
            #expect(page.body.contains("shared"))
            #expect(page.body.contains(key.record.masked))
            for action in ["action=\"/keys\"", "/rename", "/disable", "/enable", "/delete", "/roll", "create-key"] {
                #expect(!page.body.contains(action), "\(action) is on a member's page")
            }
            let id = key.record.id
            for (path, fields) in [("/keys", [("name", "mine")]), ("/keys/\(id)/rename", [("name", "x")]), ("/keys/\(id)/disable", []),
                                   ("/keys/\(id)/enable", []), ("/keys/\(id)/delete", []), ("/keys/\(id)/roll", [("overlap_hours", "0")])] {
                let response = try await browser.post(path, fields)
                #expect(response.status == 403, "\(path)")
                #expect(response.body.contains("Your role"))
            }
            for path in ["/keys/\(id)/delete", "/keys/\(id)/roll"] {
                #expect(try await browser.get(path).status == 403, "\(path)")
            }
            let still = try #require(try await APIKeyRepository(database: server.database).find(organizationID: organization.id, id: id))
            #expect(still.name == "shared" && still.status == .enabled)
            #expect(try await APIKeyRepository(database: server.database).list(organizationID: organization.id).count == 1)
            #expect(try await server.whoami(key.token.secret).status == 200)
        }
    }

    @Test("someone in two organizations cannot act on the other organization's key by editing the key id (404)",
          arguments: TestEngines.all)
    func twoOrganizations(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let acme = try await Fixtures.organization(server.database, name: "Acme")
            let globex = try await Fixtures.organization(server.database, name: "Globex")
            let acmeKey = try await Fixtures.key(server.services, acme, name: "acme key")
            let globexKey = try await Fixtures.key(server.services, globex, name: "globex key")
            let email = "both-\(UUID().uuidString.prefix(6).lowercased())@example.com"
            try await MemberFixtures.member(server.database, globex, role: .owner, email: email)
            let (browser, _) = try await MemberFixtures.signedIn(server, acme, role: .owner, email: email)
            defer { Task { try? await browser.shutdown() } }

            // The session starts in the first organization by name (Acme), and shows only its keys.
            let page = try await browser.get("/keys")
            #expect(page.body.contains("acme key"))
            #expect(!page.body.contains("globex key"))
            #expect(page.body.contains("organization_id"))  // the switcher
            let foreign = globexKey.record.id
            for (path, fields) in [("/keys/\(foreign)/rename", [("name", "pwned")]), ("/keys/\(foreign)/disable", []),
                                   ("/keys/\(foreign)/enable", []), ("/keys/\(foreign)/delete", []),
                                   ("/keys/\(foreign)/roll", [("overlap_hours", "0")])] {
                let response = try await browser.post(path, fields)
                #expect(response.status == 404, "\(path)")
                #expect(response.header("Content-Type") == "text/html; charset=utf-8")
            }
            #expect(try await browser.get("/keys/\(foreign)/delete").status == 404)
            #expect(try await server.whoami(globexKey.token.secret).data["api_key_name"] as? String == "globex key")

            // Switching to Globex: now its key is the one that can be changed, and Acme's is not found.
            #expect(try await browser.post("/organizations/switch", [("organization_id", globex.id.description)]).status == 303)
            let switched = try await browser.get("/keys")
            #expect(switched.body.contains("globex key") && !switched.body.contains("acme key"))
            #expect(try await browser.post("/keys/\(acmeKey.record.id)/disable").status == 404)
            #expect(try await browser.post("/keys/\(foreign)/disable").status == 303)
            #expect(try await server.whoami(globexKey.token.secret).status == 403)
            #expect(try await server.whoami(acmeKey.token.secret).status == 200)
            // An organization one does not belong to cannot be switched to.
            let stranger = try await Fixtures.organization(server.database, name: "Stranger")
            #expect(try await browser.post("/organizations/switch", [("organization_id", stranger.id.description)]).status == 404)
        }
    }
}
