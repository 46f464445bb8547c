// Sign-in under attack (README, "Dashboard"): a stranger's failures cannot lock a member out, guessing from many
// addresses is still slowed down, and the sign-in form needs its pre-session CSRF token (no login CSRF).
// Behind a trusted proxy, so that each request can come from the address the test chooses.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("Sign-in protection")
struct SignInProtectionTests {
    static func from(_ address: String) -> [(String, String)] {
        [("X-Forwarded-Proto", "https"), ("X-Forwarded-For", address)]
    }

    static func proxied(_ engine: DatabaseEngine, _ body: @escaping @Sendable (TestServer) async throws -> Void) async throws {
        try await TestServer.run(engine, configure: {
            $0.transport = .behindProxy(trustedProxies: [CIDR("127.0.0.0/8")!])
            $0.publicURL = "https://localhost:8443"
        }, body)
    }

    @Test("a stranger's wrong passwords lock out only the stranger's address, never the owner", arguments: TestEngines.all)
    func strangerCannotLockOut(engine: DatabaseEngine) async throws {
        try await Self.proxied(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let owner = try await MemberFixtures.member(server.database, organization, role: .owner)
            let stranger = try DashboardClient(server)
            defer { Task { try? await stranger.shutdown() } }
            for _ in 0..<SignInThrottle.perEmailAndAddress.failures {
                #expect(try await stranger.signIn(owner.email, "a guess that is wrong", headers: Self.from("198.51.100.7")).status == 401)
            }
            // The stranger is throttled for this email, even with the right password…
            #expect(try await stranger.signIn(owner.email, MemberFixtures.password, headers: Self.from("198.51.100.7")).status == 429)
            // …and the owner, from their own address, signs in.
            let browser = try DashboardClient(server)
            defer { Task { try? await browser.shutdown() } }
            let signedIn = try await browser.signIn(owner.email, MemberFixtures.password, headers: Self.from("203.0.113.20"))
            #expect(signedIn.status == 303)
            #expect(browser.cookie != nil)
        }
    }

    @Test("guessing one email from many addresses hits the per-email limit, but not a browser the member signed in with before",
          arguments: TestEngines.all)
    func perEmailLimitAndTrustedBrowser(engine: DatabaseEngine) async throws {
        try await Self.proxied(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let owner = try await MemberFixtures.member(server.database, organization, role: .owner)
            // The owner signed in once from this browser, then signed out.
            let trusted = try DashboardClient(server)
            defer { Task { try? await trusted.shutdown() } }
            #expect(try await trusted.signIn(owner.email, MemberFixtures.password, headers: Self.from("203.0.113.20")).status == 303)
            #expect(trusted.otherCookies[TrustedDevice.cookieName] != nil)
            _ = try await trusted.get("/keys", headers: Self.from("203.0.113.20"))
            #expect(try await trusted.post("/sign-out", headers: Self.from("203.0.113.20")).status == 303)

            // Guesses from many addresses, a few each (under the per-address limits).
            let attacker = try DashboardClient(server)
            defer { Task { try? await attacker.shutdown() } }
            let limit = SignInThrottle.perEmail.failures
            for index in 0..<limit {
                let address = "198.51.100.\(index / 4 + 1)"
                #expect(try await attacker.signIn(owner.email, "wrong guess \(index)", headers: Self.from(address)).status == 401)
            }
            // A new browser at a new address is now throttled for this email (the right password too)…
            let fresh = try DashboardClient(server)
            defer { Task { try? await fresh.shutdown() } }
            #expect(try await fresh.signIn(owner.email, MemberFixtures.password, headers: Self.from("192.0.2.77")).status == 429)
            // …but the owner's own browser signs in, from any address.
            #expect(try await trusted.signIn(owner.email, MemberFixtures.password, headers: Self.from("192.0.2.99")).status == 303)
            // A device cookie earned by another email does not help.
            let other = try await MemberFixtures.member(server.database, organization, role: .member)
            let otherBrowser = try DashboardClient(server)
            defer { Task { try? await otherBrowser.shutdown() } }
            #expect(try await otherBrowser.signIn(other.email, MemberFixtures.password, headers: Self.from("192.0.2.50")).status == 303)
            _ = try await otherBrowser.get("/keys", headers: Self.from("192.0.2.50"))
            #expect(try await otherBrowser.post("/sign-out", headers: Self.from("192.0.2.50")).status == 303)
            #expect(try await otherBrowser.signIn(owner.email, MemberFixtures.password, headers: Self.from("192.0.2.51")).status == 429)
        }
    }

    @Test("IPv6 clients are counted per /64")
    func ipv6Buckets() {
        #expect(SignInThrottle.addressBucket("2001:db8:1:2:aaaa::1") == SignInThrottle.addressBucket("2001:db8:1:2:bbbb::9"))
        #expect(SignInThrottle.addressBucket("2001:db8:1:2::1") != SignInThrottle.addressBucket("2001:db8:1:3::1"))
        #expect(SignInThrottle.addressBucket("198.51.100.7") == "198.51.100.7")
    }

    @Test("signing in needs the sign-in form's pre-session token: a cross-site post with Origin: null is refused",
          arguments: TestEngines.all)
    func loginCSRF(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let attackerAccount = try await MemberFixtures.member(server.database, organization, role: .member)
            // An old browser: no Sec-Fetch-Site, Origin: null, no cookie of ours, no token.
            let victim = try DashboardClient(server)
            defer { Task { try? await victim.shutdown() } }
            let forged = try await victim.post(
                "/sign-in", [("email", attackerAccount.email), ("password", MemberFixtures.password)], csrf: .none,
                headers: [("Origin", "null")])
            #expect(forged.status == 403)
            #expect(forged.header("Set-Cookie") == nil)
            #expect(victim.cookie == nil)
            // A token taken from the attacker's own sign-in page does not match the victim's cookie.
            let attacker = try DashboardClient(server)
            defer { Task { try? await attacker.shutdown() } }
            let attackerPage = try await attacker.get("/sign-in")
            let attackerToken = try #require(DashboardClient.firstMatch(#"name="csrf_token" value="([^"]+)""#, in: attackerPage.body))
            _ = try await victim.get("/sign-in")  // the victim has a pre-session cookie of their own
            let replayed = try await victim.post(
                "/sign-in", [("email", attackerAccount.email), ("password", MemberFixtures.password)], csrf: attackerToken,
                headers: [("Origin", "null")])
            #expect(replayed.status == 403)
            #expect(victim.cookie == nil)
            // The form itself works.
            #expect(try await victim.signIn(attackerAccount.email, MemberFixtures.password).status == 303)
            #expect(victim.cookie != nil)
        }
    }
}
