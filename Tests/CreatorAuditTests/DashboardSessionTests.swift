// Dashboard sign-in, sessions, CSRF and page headers (README, "Dashboard"), through the live TLS server.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("Dashboard: sign-in, sessions, CSRF, headers")
struct DashboardSessionTests {
    @Test("signing in sets __Host-session with Secure, HttpOnly, SameSite=Strict, Path=/ — and a new id each time",
          arguments: TestEngines.all)
    func cookieAttributes(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let member = try await MemberFixtures.member(server.database, organization, role: .owner)
            let browser = try DashboardClient(server)
            defer { Task { try? await browser.shutdown() } }

            let response = try await browser.signIn(member.email, MemberFixtures.password)
            #expect(response.status == 303)
            #expect(response.header("Location") == "/")
            let setCookie = try #require(response.header("Set-Cookie"))
            let attributes = setCookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(attributes.first?.hasPrefix("__Host-session=") == true)
            #expect(Set(attributes.dropFirst()) == ["Path=/", "Secure", "HttpOnly", "SameSite=Strict"])
            let first = try #require(browser.cookie)
            #expect(first.count >= 43)

            // Signing in again (same browser) issues a new id and ends the old session.
            try await browser.signIn(member.email, MemberFixtures.password)
            let second = try #require(browser.cookie)
            #expect(second != first)
            #expect(try await SessionRepository(database: server.database).count(memberID: member.id) == 1)
            // Only hashes are stored.
            let stored = try await server.database.read(scope: .test) { db in
                try await db.raw("SELECT id_hash, csrf_hash FROM sessions").all()
            }
            for row in stored {
                #expect(try row.decode(column: "id_hash", as: String.self) == SessionSecret.hash(second))
                #expect(try row.decode(column: "csrf_hash", as: String.self) != SessionSecret.csrfToken(forSession: second))
            }
            browser.cookie = first
            #expect(try await browser.get("/keys").header("Location") == "/sign-in")
        }
    }

    @Test("an unknown email and a wrong password get the same answer; failures are throttled per email and per address",
          arguments: TestEngines.all)
    func failedSignIns(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let member = try await MemberFixtures.member(server.database, organization, role: .owner)
            let browser = try DashboardClient(server)
            defer { Task { try? await browser.shutdown() } }

            let unknown = try await browser.signIn("nobody@example.com", MemberFixtures.password)
            let wrong = try await browser.signIn(member.email, "not the password at all")
            #expect(unknown.status == 401)
            #expect(wrong.status == 401)
            #expect(unknown.body.contains(SignInController.failedMessage))
            #expect(wrong.body.contains(SignInController.failedMessage))
            #expect(unknown.header("Set-Cookie") == nil)
            #expect(wrong.body.replacingOccurrences(of: member.email, with: "E")
                    == unknown.body.replacingOccurrences(of: "nobody@example.com", with: "E"))

            // Per (email, address): after 5 failures even the right password is refused there for a while.
            for _ in 0..<(SignInThrottle.perEmailAndAddress.failures - 1) {
                #expect(try await browser.signIn(member.email, "still not the password").status == 401)
            }
            let throttled = try await browser.signIn(member.email, MemberFixtures.password)
            #expect(throttled.status == 429)
            #expect(throttled.body.contains(SignInController.throttledMessage))
            #expect(browser.cookie == nil)
            // The failures of a known member are in the audit log.
            let actions = try await AuditRepository(database: server.database).list(organizationID: organization.id).map(\.action)
            #expect(actions.filter { $0 == "member.sign_in_failed" }.count == SignInThrottle.perEmailAndAddress.failures)

            // Per address: many different emails from one address.
            for index in 0..<(SignInThrottle.perAddress.failures - SignInThrottle.perEmailAndAddress.failures - 1) {
                _ = try await browser.signIn("guess\(index)@example.com", "wrong password here")
            }
            let other = try await MemberFixtures.member(server.database, organization, role: .member)
            #expect(try await browser.signIn(other.email, MemberFixtures.password).status == 429)
        }
    }

    @Test("sessions expire after 12 h idle and after 7 days in any case", arguments: TestEngines.all)
    func expiry(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let (browser, member) = try await MemberFixtures.signedIn(server, organization, role: .admin)
            defer { Task { try? await browser.shutdown() } }
            let sessions = SessionRepository(database: server.database)
            #expect(try await browser.get("/keys").status == 200)

            // Idle for 11 h: still valid (and touched); idle for 12 h + 1 s: gone.
            let now = Timestamp.now.seconds
            try await setTimes(server, created: now - 11 * 3600, lastSeen: now - 11 * 3600)
            #expect(try await browser.get("/keys").status == 200)
            try await setTimes(server, created: now - 13 * 3600, lastSeen: now - SessionRepository.idleTimeout - 1)
            let idle = try await browser.get("/keys")
            #expect(idle.status == 303)
            #expect(idle.header("Location") == "/sign-in")
            #expect(try await sessions.count(memberID: member.id) == 0)

            // Active all the time, but older than 7 days: gone.
            try await browser.signIn(member.email, MemberFixtures.password)
            try await setTimes(server, created: now - SessionRepository.absoluteTimeout - 1, lastSeen: now - 60)
            #expect(try await browser.get("/keys").header("Location") == "/sign-in")
            #expect(try await sessions.count(memberID: member.id) == 0)
        }
    }

    func setTimes(_ server: TestServer, created: Int64, lastSeen: Int64) async throws {
        try await server.database.write(scope: .test) { db in
            try await db.raw("UPDATE sessions SET created_at = \(bind: created), last_seen_at = \(bind: lastSeen)").run()
        }
    }

    @Test("signing out deletes the session on the server: the old cookie no longer works", arguments: TestEngines.all)
    func signOut(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let (browser, member) = try await MemberFixtures.signedIn(server, organization, role: .member)
            defer { Task { try? await browser.shutdown() } }
            #expect(try await browser.get("/keys").status == 200)
            let cookie = try #require(browser.cookie)

            // Without the CSRF token, sign-out is refused and the session survives.
            #expect(try await browser.post("/sign-out", csrf: .some("forged")).status == 403)
            #expect(try await SessionRepository(database: server.database).count(memberID: member.id) == 1)

            let out = try await browser.post("/sign-out")
            #expect(out.status == 303)
            #expect(out.header("Location") == "/sign-in?signed_out=1")
            #expect(out.header("Set-Cookie")?.contains("Max-Age=0") == true)
            #expect(try await SessionRepository(database: server.database).count(memberID: member.id) == 0)
            browser.cookie = cookie
            #expect(try await browser.get("/keys").header("Location") == "/sign-in")
            let actions = try await AuditRepository(database: server.database).list(organizationID: organization.id).map(\.action)
            #expect(actions.prefix(2) == ["member.signed_out", "member.signed_in"])
        }
    }

    @Test("a POST with a missing or wrong CSRF token, or from another origin, is 403 and changes nothing",
          arguments: TestEngines.all)
    func csrf(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let key = try await Fixtures.key(server.services, organization, name: "original")
            let (browser, _) = try await MemberFixtures.signedIn(server, organization, role: .owner)
            defer { Task { try? await browser.shutdown() } }
            try await browser.get("/keys")
            let token = try #require(browser.csrf)
            let eventsBefore = try await AuditRepository(database: server.database).list(organizationID: organization.id).count
            let path = "/keys/\(key.record.id)/rename"

            let attempts: [(String??, [(String, String)])] = [
                (.none, []),                                              // no token
                (.some((token.hasPrefix("x") ? "y" : "x") + token.dropFirst()), []),  // wrong token (never the right one)
                (.some(SessionSecret.csrfToken(forSession: "another session")), []),
                (.some(token), [("Origin", "https://evil.example")]),     // right token, foreign origin
                (.some(token), [("Sec-Fetch-Site", "cross-site")]),
                (.some(token), [("Origin", "null"), ("Sec-Fetch-Site", "cross-site")]),
                (.some(token), [("Sec-Fetch-Site", "same-site")]),
            ]
            for (csrf, headers) in attempts {
                let response = try await browser.post(path, [("name", "hijacked")], csrf: csrf, headers: headers)
                #expect(response.status == 403)
                #expect(response.header("Content-Type") == "text/html; charset=utf-8")
                #expect(response.body.contains("did not come from this dashboard"))
            }
            #expect(try await APIKeyRepository(database: server.database).find(organizationID: organization.id, id: key.record.id)?.name == "original")
            #expect(try await AuditRepository(database: server.database).list(organizationID: organization.id).count == eventsBefore)
            #expect(try await server.whoami(key.token.secret).data["api_key_name"] as? String == "original")

            // The same form from our own origin works.
            let ok = try await browser.post(path, [("name", "renamed")], csrf: .some(token),
                                            headers: [("Origin", "https://localhost:8443"), ("Sec-Fetch-Site", "same-origin")])
            #expect(ok.status == 303)
            // What Chromium sends for our own form under `Referrer-Policy: no-referrer`.
            try await browser.get("/keys")
            let chromium = try await browser.post(path, [("name", "renamed")],
                                                  headers: [("Origin", "null"), ("Sec-Fetch-Site", "same-origin")])
            #expect(chromium.status == 303)
            #expect(try await server.whoami(key.token.secret).data["api_key_name"] as? String == "renamed")
        }
    }

    @Test("every dashboard page carries CSP without inline script, X-Frame-Options, Referrer-Policy and nosniff; errors are pages, /v2 stays JSON")
    func headersAndErrorPages() async throws {
        try await TestServer.run(.sqlite) { server in
            let organization = try await Fixtures.organization(server.database)
            let (browser, _) = try await MemberFixtures.signedIn(server, organization, role: .owner)
            defer { Task { try? await browser.shutdown() } }
            for (path, status) in [("/sign-in", 303), ("/keys", 200), ("/members", 200), ("/audit", 200), ("/account", 200),
                                   ("/", 200), ("/static/app.css", 200), ("/static/app.js", 200), ("/nowhere", 404),
                                   ("/keys/not-a-uuid/delete", 404), ("/keys/\(UUID())/delete", 404)] {
                let response = try await browser.get(path)
                #expect(response.status == status, "\(path)")
                let csp = try #require(response.header("Content-Security-Policy"), "\(path)")
                #expect(csp.contains("script-src 'self'"))
                #expect(!csp.contains("unsafe-inline"))
                #expect(csp.contains("frame-ancestors 'none'"))
                #expect(response.header("X-Frame-Options") == "DENY")
                #expect(response.header("Referrer-Policy") == "no-referrer")
                #expect(response.header("X-Content-Type-Options") == "nosniff")
                if response.header("Content-Type")?.hasPrefix("text/html") == true {
                    #expect(!response.body.lowercased().contains("<script>"), "\(path) has an inline script")
                    #expect(!response.body.contains(" style=\""), "\(path) has an inline style")
                }
            }
            let missing = try await browser.get("/nowhere")
            #expect(missing.header("Content-Type") == "text/html; charset=utf-8")
            #expect(missing.body.contains("<h1>Not Found</h1>"))
            #expect(missing.body.contains("/static/app.css"))
            let method = try await browser.send(.DELETE, "/keys")
            #expect(method.status == 405)
            #expect(method.header("Allow")?.contains("POST") == true)
            // The API keeps RFC 9457 problems.
            let api = try await browser.get("/v2/nowhere")
            #expect(api.header("Content-Type") == "application/problem+json")
            // Credentials in a query string are refused everywhere, dashboard included.
            #expect(try await browser.get("/keys?token=abc").status == 400)
            // Signed out, pages lead to the sign-in page.
            let anonymous = try DashboardClient(server)
            defer { Task { try? await anonymous.shutdown() } }
            for path in ["/keys", "/members", "/audit", "/account", "/keys/created"] {
                #expect(try await anonymous.get(path).header("Location") == "/sign-in", "\(path)")
            }
            #expect(try await anonymous.post("/keys", [("name", "x")], csrf: .none).header("Location") == "/sign-in")
        }
    }

    @Test("a 500 outside /v2 is the dashboard's error page and reveals nothing internal")
    func internalErrorPage() {
        let response = Pages.error(APIError(.internalError, "SELECT * FROM sessions failed at Database.swift:42"), requestID: "r-1")
        #expect(response.status == .internalServerError)
        #expect(response.headers[.contentType] == "text/html; charset=utf-8")
        #expect(response.headers[.contentSecurityPolicy] == Pages.contentSecurityPolicy)
        let html = Pages.errorHTML(APIError(.internalError, "SELECT * FROM sessions failed at Database.swift:42"), requestID: "r-1")
        #expect(html.contains("<h1>Internal Server Error</h1>"))
        #expect(html.contains("Something went wrong on our side"))
        #expect(html.contains("/static/app.css"))
        #expect(!html.contains("SELECT") && !html.contains("Database.swift"))
    }

    @Test("the log never shows a session id, a password or a CSRF token")
    func logging() async throws {
        let capture = LogCapture()
        try await TestServer.run(.sqlite, logger: capture.logger()) { server in
            let organization = try await Fixtures.organization(server.database)
            let (browser, _) = try await MemberFixtures.signedIn(server, organization, role: .owner)
            defer { Task { try? await browser.shutdown() } }
            let cookie = try #require(browser.cookie)
            try await browser.get("/keys")
            try await browser.post("/keys", [("name", "logged"), ("scopes", "read")])
            let shown = try await browser.get("/keys/created")
            let key = try #require(DashboardClient.firstMatch(#"id="new-key" class="secret">([^<]+)<"#, in: shown.body))
            try await browser.post("/sign-out")
            let text = capture.text
            #expect(capture.count > 0)
            for secret in [cookie, try #require(browser.csrf), MemberFixtures.password, key] {
                #expect(!text.contains(secret))
            }
            #expect(text.contains("/keys"))
        }
    }
}
