// Members, roles, invitations, passwords and the audit log page (README, "Dashboard") over live TLS.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("Dashboard: members, invitations, audit log")
struct DashboardMembersTests {
    @Test("an invitation link works once: the invited person sets a password (12+ characters) and is signed in",
          arguments: TestEngines.all)
    func invitationWorksOnce(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let (admin, _) = try await MemberFixtures.signedIn(server, organization, role: .admin)
            defer { Task { try? await admin.shutdown() } }
            try await admin.get("/members")
            // Admins cannot invite owners.
            #expect(try await admin.post("/members/invite", [("email", "boss@example.com"), ("role", "owner")]).status == 403)
            let invited = try await admin.post("/members/invite", [("email", "New.Person@Example.com"), ("role", "member")])
            #expect(invited.header("Location") == "/members/invited")
            let shown = try await admin.get("/members/invited")
            #expect(shown.header("Cache-Control") == "no-store")
            let link = try #require(DashboardClient.firstMatch(#"id="invitation-link" class="secret">([^<]+)<"#, in: shown.body))
            #expect(link.hasPrefix("https://localhost:8443/invitations/"))
            #expect(!(try await admin.get("/members/invited").body.contains(link)))
            let path = String(link.dropFirst("https://localhost:8443".count))
            // Only a hash of the token is stored.
            let token = String(path.dropFirst("/invitations/".count))
            let stored = try await server.database.read(scope: .test) { db in try await db.raw("SELECT token_hash FROM invitations").all() }
            #expect(try stored.map { try $0.decode(column: "token_hash", as: String.self) } == [SessionSecret.hash(token)])

            let guest = try DashboardClient(server)
            defer { Task { try? await guest.shutdown() } }
            let form = try await guest.get(path)
            #expect(form.status == 200)
            #expect(form.body.contains("new.person@example.com"))
            #expect(try await guest.post(path, [("password", "too short")]).status == 422)
            #expect(try await guest.post(path, [("password", String(repeating: "x", count: 73))]).status == 422)
            let accepted = try await guest.post(path, [("password", "a long enough password")])
            #expect(accepted.status == 303)
            #expect(accepted.header("Location") == "/")
            let page = try await guest.get("/keys")
            #expect(page.status == 200)
            #expect(page.body.contains("new.person@example.com"))
            #expect(!page.body.contains("create-key"))  // joined as a member: read only

            // Used: the link is dead, for anyone.
            let stranger = try DashboardClient(server)
            defer { Task { try? await stranger.shutdown() } }
            #expect(try await stranger.get(path).status == 404)
            #expect(try await stranger.post(path, [("password", "another long password")], csrf: .none).status == 404)
            #expect(try await stranger.get("/invitations/\(SessionSecret.generate())").status == 404)
            // And they can sign in with the password they chose.
            #expect(try await stranger.signIn("new.person@example.com", "a long enough password").status == 303)
            let roles = try await MemberRepository(database: server.database).list(organizationID: organization.id).map(\.role)
            #expect(roles.sorted { $0.rawValue < $1.rawValue } == [.admin, .member])
        }
    }

    @Test("an expired invitation cannot be used", arguments: TestEngines.all)
    func expiredInvitation(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { testDatabase in
            let organization = try await Fixtures.organization(testDatabase.database)
            let administration = MemberAdministration(database: testDatabase.database)
            let (_, token) = try await administration.invite(
                organizationID: organization.id, email: "late@example.com", role: .member, by: .owner, actor: .cli)
            try await testDatabase.database.write(scope: .test) { db in
                try await db.raw("UPDATE invitations SET expires_at = \(bind: Timestamp.now.seconds - 1)").run()
            }
            #expect(try await administration.lookUpInvitation(token: token) == nil)
            await #expect(throws: DomainError.invitationUnusable) {
                _ = try await administration.accept(token: token, password: "a long enough password", clientIP: nil)
            }
        }
    }

    @Test("removing a member ends their sessions at once", arguments: TestEngines.all)
    func removalEndsSessions(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let (owner, _) = try await MemberFixtures.signedIn(server, organization, role: .owner)
            let (admin, adminMember) = try await MemberFixtures.signedIn(server, organization, role: .admin)
            defer { Task { try? await owner.shutdown(); try? await admin.shutdown() } }
            #expect(try await admin.get("/keys").status == 200)

            try await owner.get("/members")
            let removed = try await owner.post("/members/\(adminMember.id)/remove")
            #expect(removed.header("Location") == "/members?notice=removed")
            #expect(try await SessionRepository(database: server.database).count(memberID: adminMember.id) == 0)
            #expect(try await admin.get("/keys").header("Location") == "/sign-in")
            #expect(try await admin.post("/keys", [("name", "too late")]).header("Location") == "/sign-in")
            let actions = try await AuditRepository(database: server.database).list(organizationID: organization.id).map(\.action)
            #expect(actions.first == "member.removed")
        }
    }

    @Test("the last owner can be neither removed nor demoted; admins cannot touch owners", arguments: TestEngines.all)
    func lastOwner(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let (owner, ownerMember) = try await MemberFixtures.signedIn(server, organization, role: .owner)
            let (admin, _) = try await MemberFixtures.signedIn(server, organization, role: .admin)
            defer { Task { try? await owner.shutdown(); try? await admin.shutdown() } }
            try await owner.get("/members")
            #expect(try await owner.post("/members/\(ownerMember.id)/role", [("role", "admin")]).status == 409)
            #expect(try await owner.post("/members/\(ownerMember.id)/remove").status == 409)
            try await admin.get("/members")
            #expect(try await admin.post("/members/\(ownerMember.id)/remove").status == 403)
            #expect(try await admin.post("/members/\(ownerMember.id)/role", [("role", "member")]).status == 403)
            #expect(try await MemberRepository(database: server.database).role(organizationID: organization.id, memberID: ownerMember.id) == .owner)

            // With a second owner, the first may step down.
            let second = try await MemberFixtures.member(server.database, organization, role: .member)
            #expect(try await owner.post("/members/\(second.id)/role", [("role", "owner")]).status == 303)
            #expect(try await owner.post("/members/\(ownerMember.id)/role", [("role", "admin")]).status == 303)
            #expect(try await MemberRepository(database: server.database).role(organizationID: organization.id, memberID: ownerMember.id) == .admin)
        }
    }

    @Test("changing the password needs the current one and 12+ characters, and ends the other sessions", arguments: TestEngines.all)
    func changePassword(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let (browser, member) = try await MemberFixtures.signedIn(server, organization, role: .member)
            let other = try DashboardClient(server)
            defer { Task { try? await browser.shutdown(); try? await other.shutdown() } }
            try await other.signIn(member.email, MemberFixtures.password)
            try await browser.get("/account")
            #expect(try await browser.post("/account/password", [("current_password", "wrong password!!"),
                                                                 ("new_password", "a brand new password")]).status == 422)
            #expect(try await browser.post("/account/password", [("current_password", MemberFixtures.password),
                                                                 ("new_password", "short")]).status == 422)
            #expect(try await other.get("/keys").status == 200)
            let changed = try await browser.post("/account/password", [("current_password", MemberFixtures.password),
                                                                       ("new_password", "a brand new password")])
            #expect(changed.header("Location") == "/account?notice=password")
            #expect(try await browser.get("/keys").status == 200)
            #expect(try await other.get("/keys").header("Location") == "/sign-in")
            #expect(try await other.signIn(member.email, "a brand new password").status == 303)
        }
    }

    @Test("the audit log page shows key, member and sign-in events newest first, 50 to a page", arguments: TestEngines.all)
    func auditLog(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let other = try await Fixtures.organization(server.database)
            _ = try await Fixtures.key(server.services, other, name: "someone else's")
            for index in 0..<55 { _ = try await Fixtures.key(server.services, organization, name: "key \(index)") }
            let (browser, member) = try await MemberFixtures.signedIn(server, organization, role: .member)
            defer { Task { try? await browser.shutdown() } }
            let first = try await browser.get("/audit")
            #expect(first.status == 200)
            let rows = DashboardClient.allMatches(#"<td><code>([a-z_.]+)</code></td>"#, in: first.body)
            #expect(rows.count == 50)
            #expect(rows.first == "member.signed_in")
            #expect(first.body.contains(member.email))
            #expect(first.body.contains("127.0.0.1"))
            #expect(first.body.contains("key 54"))
            #expect(!first.body.contains("someone else"))
            #expect(first.body.contains("/audit?page=2"))
            let second = try await browser.get("/audit?page=2")
            let more = DashboardClient.allMatches(#"<td><code>([a-z_.]+)</code></td>"#, in: second.body)
            #expect(more.count == 6)  // 55 keys + 1 sign-in = 56 events
            #expect(second.body.contains("key 0"))
            #expect(!second.body.contains("/audit?page=3"))
        }
    }
}
