// Key lifecycle rules found when a new operator tried them (README, "API keys"): a roll keeps the key's lifetime, a key
// has at most one pending successor, and an expired key is its own state with the actions that make sense.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("API keys: rolls and expiry")
struct KeyRollAndExpiryTests {
    static let day: Int64 = 86400

    /// Moves a key's expiry into the past, as time would.
    static func expire(_ database: Database, _ id: APIKeyID) async throws {
        try await database.write(scope: .test) { db in
            let past = Timestamp.now.seconds - 60
            try await db.raw("UPDATE api_keys SET expires_at = \(bind: past) WHERE id = \(bind: id.description)").run()
        }
    }

    @Test(
        "rolling a 30-day key gives a successor that expires 30 days from now, not never; the caller may choose",
        arguments: TestEngines.all)
    func successorKeepsLifetime(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let lifecycle = server.services.lifecycle
            let expiring = try await Fixtures.key(
                server.services, organization, expiresAt: .now.adding(seconds: 30 * Self.day))
            let (_, successor) = try await lifecycle.roll(
                organizationID: organization.id, id: expiring.record.id, overlapSeconds: 3600, actor: .cli)
            let expiry = try #require(successor.record.expiresAt)
            #expect(abs(expiry.seconds - Timestamp.now.adding(seconds: 30 * Self.day).seconds) <= 5)
            #expect(try await server.whoami(successor.token.secret).data["expires_at"] as? String == expiry.iso8601)

            let forever = try await Fixtures.key(server.services, organization)
            let (_, stillForever) = try await lifecycle.roll(
                organizationID: organization.id, id: forever.record.id, overlapSeconds: 0, actor: .cli)
            #expect(stillForever.record.expiresAt == nil)

            let chosen = Timestamp.now.adding(seconds: 7 * Self.day)
            let (_, shortened) = try await lifecycle.roll(
                organizationID: organization.id, id: stillForever.record.id, overlapSeconds: 0,
                successorExpiry: .at(chosen),
                actor: .cli)
            #expect(shortened.record.expiresAt == chosen)
            let (_, unlimited) = try await lifecycle.roll(
                organizationID: organization.id, id: shortened.record.id, overlapSeconds: 0, successorExpiry: .never,
                actor: .cli)
            #expect(unlimited.record.expiresAt == nil)

            // The CLI: the same default, and --expires-in.
            let storage = server.testDatabase.cliStorageArguments
            let cliKey = try await Fixtures.key(
                server.services, organization, expiresAt: .now.adding(seconds: 10 * Self.day))
            let rolled = try await CLIRunner.run(["keys", "roll", cliKey.record.id.description, "--json"] + storage)
            #expect(rolled.status == 0, "\(rolled.stderr)")
            let printed = try #require(rolled.json["expires_at"] as? String)
            let parsed = Timestamp(try #require(ISO8601DateFormatter().date(from: printed)))
            #expect(abs(parsed.seconds - Timestamp.now.adding(seconds: 10 * Self.day).seconds) <= 60)
            let newID = try #require(rolled.json["id"] as? String)
            let never = try await CLIRunner.run(["keys", "roll", newID, "--expires-in", "never", "--json"] + storage)
            #expect(never.status == 0, "\(never.stderr)")
            #expect(never.json["expires_at"] is NSNull)
        }
    }

    @Test(
        "a rolled key with a live successor cannot be rolled again (409, CLI error); once it is deleted it can",
        arguments: TestEngines.all)
    func onePendingSuccessor(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let lifecycle = server.services.lifecycle
            let original = try await Fixtures.key(server.services, organization, name: "deploy")
            let (_, first) = try await lifecycle.roll(
                organizationID: organization.id, id: original.record.id, overlapSeconds: 24 * 3600, actor: .cli)
            let twice = await #expect(throws: DomainError.self) {
                _ = try await lifecycle.roll(
                    organizationID: organization.id, id: original.record.id, overlapSeconds: 3600, actor: .cli)
            }
            #expect(twice?.kind == .conflict)
            let keys = try await APIKeyRepository(database: server.database).list(organizationID: organization.id)
            #expect(keys.count == 2, "no second successor")

            // The dashboard answers 409 and offers no Roll for it; the CLI says why in one line.
            let (browser, _) = try await MemberFixtures.signedIn(server, organization, role: .owner)
            defer { Task { try? await browser.shutdown() } }
            let page = try await browser.get("/keys")
            #expect(!page.body.contains("/keys/\(original.record.id)/roll"))
            #expect(page.body.contains("/keys/\(first.record.id)/roll"))
            let refused = try await browser.post("/keys/\(original.record.id)/roll", [("overlap_hours", "0")])
            #expect(refused.status == 409)
            let cli = try await CLIRunner.run(
                ["keys", "roll", original.record.id.description] + server.testDatabase.cliStorageArguments)
            #expect(cli.status == 1)
            #expect(cli.stderr.contains("already rolled"))
            #expect(cli.stderr.split(separator: "\n").count == 1)

            try await lifecycle.delete(organizationID: organization.id, id: first.record.id, actor: .cli)
            let (_, second) = try await lifecycle.roll(
                organizationID: organization.id, id: original.record.id, overlapSeconds: 0, actor: .cli)
            #expect(try await server.whoami(second.token.secret).status == 200)
        }
    }

    @Test(
        "an expired key is listed as Expired (not Enabled) with rename and delete only; it cannot be rolled",
        arguments: TestEngines.all)
    func expiredState(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let live = try await Fixtures.key(server.services, organization, name: "live one")
            let old = try await Fixtures.key(
                server.services, organization, name: "ran out", expiresAt: .now.adding(seconds: Self.day))
            try await Self.expire(server.database, old.record.id)
            #expect(try await server.whoami(old.token.secret).status == 403)

            let (browser, _) = try await MemberFixtures.signedIn(server, organization, role: .admin)
            defer { Task { try? await browser.shutdown() } }
            let page = try await browser.get("/keys").body
            let enabled = try #require(
                page.components(separatedBy: #"id="enabled-keys""#).last?
                    .components(separatedBy: #"id="expired-keys""#).first)
            let expired = try #require(
                page.components(separatedBy: #"id="expired-keys""#).last?
                    .components(separatedBy: #"id="disabled-keys""#).first)
            #expect(enabled.contains("live one"))
            #expect(!enabled.contains("ran out"))
            #expect(expired.contains("ran out"))
            let id = old.record.id.description
            #expect(!expired.contains("/keys/\(id)/roll"))
            #expect(!expired.contains("/keys/\(id)/enable"))
            #expect(!expired.contains("/keys/\(id)/disable"))
            #expect(expired.contains("/keys/\(id)/delete"))
            #expect(expired.contains("/keys/\(id)/rename"))
            #expect(enabled.contains("/keys/\(live.record.id)/roll"))

            let refusal = await #expect(throws: DomainError.self) {
                _ = try await server.services.lifecycle.roll(
                    organizationID: organization.id, id: old.record.id, overlapSeconds: 0, actor: .cli)
            }
            #expect(refusal?.kind == .conflict)
            #expect(try await browser.post("/keys/\(id)/roll", [("overlap_hours", "0")]).status == 409)
            let list = try await CLIRunner.run(
                ["keys", "list", "--org", organization.id.description, "--json"]
                    + server.testDatabase.cliStorageArguments)
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
            #expect(rows.first { $0["id"] as? String == id }?["status"] as? String == "expired")
            #expect(rows.first { $0["id"] as? String == live.record.id.description }?["status"] as? String == "enabled")
        }
    }
}
