// The key lifecycle end to end through a live TLS server (README, "API keys").
import Foundation
import Testing
@testable import CreatorAudit

@Suite("API key lifecycle")
struct KeyLifecycleTests {
    @Test("create → works; rename → whoami echoes it; disable → 403; enable → works; delete → 401",
          arguments: TestEngines.all)
    func lifecycle(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let lifecycle = server.services.lifecycle
            let created = try await Fixtures.key(server.services, organization, name: "ci pipeline")
            let key = created.token.secret
            #expect(try await server.whoami(key).data["api_key_name"] as? String == "ci pipeline")

            _ = try await lifecycle.rename(organizationID: organization.id, id: created.record.id, to: "  nightly export ", actor: .cli)
            #expect(try await server.whoami(key).data["api_key_name"] as? String == "nightly export")

            _ = try await lifecycle.disable(organizationID: organization.id, id: created.record.id, actor: .cli)
            let disabled = try await server.whoami(key)
            #expect(disabled.status == 403)
            #expect(disabled.code == "FORBIDDEN")

            _ = try await lifecycle.enable(organizationID: organization.id, id: created.record.id, actor: .cli)
            let enabled = try await server.whoami(key)
            #expect(enabled.status == 200)
            #expect(enabled.data["api_key_name"] as? String == "nightly export")

            try await lifecycle.delete(organizationID: organization.id, id: created.record.id, actor: .cli)
            #expect(try await server.whoami(key).status == 401)

            // A deleted key is gone from lists but its hash stays as a tombstone, and the audit trail survives it.
            #expect(try await APIKeyRepository(database: server.database).list(organizationID: organization.id).isEmpty)
            let tombstones = try await server.database.read(scope: .test) { db in
                try await db.raw("SELECT status, key_hash FROM api_keys WHERE id = \(bind: created.record.id.description)").all()
            }
            #expect(try tombstones.first?.decode(column: "status", as: String.self) == "deleted")
            #expect(try tombstones.first?.decode(column: "key_hash", as: String.self) == created.token.hash.hex)
            let actions = try await AuditRepository(database: server.database).list(organizationID: organization.id)
                .filter { $0.targetID == created.record.id.description }.map(\.action)
            #expect(actions == ["api_key.deleted", "api_key.enabled", "api_key.disabled", "api_key.renamed", "api_key.created"])
        }
    }

    @Test("rotation: both keys work during the overlap; disabling the old one leaves the new one working",
          arguments: TestEngines.all)
    func rotation(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let old = try await Fixtures.key(server.services, organization, name: "backend", scopes: [.read])
            let (oldAfter, new) = try await server.services.lifecycle.roll(
                organizationID: organization.id, id: old.record.id, overlapSeconds: 24 * 3600, actor: .cli)
            #expect(new.record.name == "backend")
            #expect(new.record.scopes == [.read])
            let expiry = try #require(oldAfter.expiresAt)
            #expect(abs(expiry.seconds - Timestamp.now.adding(seconds: 24 * 3600).seconds) <= 2)
            #expect(try await server.whoami(old.token.secret).status == 200)
            #expect(try await server.whoami(new.token.secret).status == 200)
            #expect(try await server.whoami(old.token.secret).data["expires_at"] as? String == expiry.iso8601)

            _ = try await server.services.lifecycle.disable(organizationID: organization.id, id: old.record.id, actor: .cli)
            #expect(try await server.whoami(old.token.secret).status == 403)
            #expect(try await server.whoami(new.token.secret).status == 200)
        }
    }

    @Test("roll with a 0 h overlap expires the old key at once (403); overlap is capped by the old expiry and at 7 days",
          arguments: TestEngines.all)
    func rollZeroOverlap(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let lifecycle = server.services.lifecycle
            let old = try await Fixtures.key(server.services, organization)
            #expect(try await server.whoami(old.token.secret).status == 200)
            let (_, new) = try await lifecycle.roll(organizationID: organization.id, id: old.record.id, overlapSeconds: 0, actor: .cli)
            let expired = try await server.whoami(old.token.secret)
            #expect(expired.status == 403)
            #expect(expired.code == "FORBIDDEN")
            #expect(try await server.whoami(new.token.secret).status == 200)

            let shortLived = try await Fixtures.key(server.services, organization, expiresAt: .now.adding(seconds: 3600))
            let (capped, _) = try await lifecycle.roll(
                organizationID: organization.id, id: shortLived.record.id, overlapSeconds: 48 * 3600, actor: .cli)
            #expect(capped.expiresAt == shortLived.record.expiresAt)

            await #expect(throws: DomainError.self) {
                _ = try await lifecycle.roll(organizationID: organization.id, id: new.record.id, overlapSeconds: 8 * 86400, actor: .cli)
            }
        }
    }

    @Test("names are trimmed and 1–100 characters; scopes expand admin ⊃ write ⊃ read", arguments: TestEngines.all)
    func validation(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { testDatabase in
            let services = AppServices(database: testDatabase.database)
            let organization = try await Fixtures.organization(testDatabase.database)
            for bad in ["", "   ", String(repeating: "x", count: 101)] {
                await #expect(throws: DomainError.self) { _ = try await Fixtures.key(services, organization, name: bad) }
            }
            #expect(try await Fixtures.key(services, organization, name: String(repeating: "x", count: 100)).record.name.count == 100)
            #expect(try await Fixtures.key(services, organization, scopes: [.admin]).record.scopes == [.read, .write, .admin])
            #expect(try await Fixtures.key(services, organization, scopes: [.write]).record.scopes == [.read, .write])
            #expect(try await Fixtures.key(services, organization, scopes: [.read]).record.scopes == [.read])
        }
    }

    @Test("at most 100 keys that are not deleted per organization (409 CONFLICT beyond)", arguments: TestEngines.all)
    func keyLimit(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { testDatabase in
            let services = AppServices(database: testDatabase.database)
            let organization = try await Fixtures.organization(testDatabase.database)
            var first: CreatedAPIKey?
            for index in 0..<100 {
                let key = try await Fixtures.key(services, organization, name: "k\(index)")
                if first == nil { first = key }
            }
            do {
                _ = try await Fixtures.key(services, organization, name: "one too many")
                Issue.record("the 101st key was created")
            } catch let error as DomainError {
                #expect(error.kind == .conflict)
            }
            try await services.lifecycle.delete(organizationID: organization.id, id: try #require(first).record.id, actor: .cli)
            _ = try await Fixtures.key(services, organization, name: "fits again")
        }
    }

    @Test("another organization's key id is not found for every lifecycle action", arguments: TestEngines.all)
    func foreignKeyID(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { testDatabase in
            let services = AppServices(database: testDatabase.database)
            let mine = try await Fixtures.organization(testDatabase.database)
            let theirs = try await Fixtures.organization(testDatabase.database)
            let theirKey = try await Fixtures.key(services, theirs).record.id
            let lifecycle = services.lifecycle
            let actions: [@Sendable () async throws -> Void] = [
                { _ = try await lifecycle.rename(organizationID: mine.id, id: theirKey, to: "x", actor: .cli) },
                { _ = try await lifecycle.disable(organizationID: mine.id, id: theirKey, actor: .cli) },
                { _ = try await lifecycle.enable(organizationID: mine.id, id: theirKey, actor: .cli) },
                { try await lifecycle.delete(organizationID: mine.id, id: theirKey, actor: .cli) },
                { _ = try await lifecycle.roll(organizationID: mine.id, id: theirKey, overlapSeconds: 0, actor: .cli) },
            ]
            for action in actions {
                do {
                    try await action()
                    Issue.record("a foreign key was changed")
                } catch let error as DomainError {
                    #expect(error.kind == .notFound)
                }
            }
            let still = try #require(try await APIKeyRepository(database: testDatabase.database).find(organizationID: theirs.id, id: theirKey))
            #expect(still.status == .enabled)
            #expect(still.name == "test key")
        }
    }
}
