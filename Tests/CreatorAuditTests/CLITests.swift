// The operator's `creatoraudit` command, run as a real separate process.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("creatoraudit command line")
struct CLITests {
    @Test("key changes made by the CLI against a running server are in force within 1 second",
          arguments: TestEngines.all)
    func changesPropagate(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let storage = server.testDatabase.cliStorageArguments
            let organization = try await Fixtures.organization(server.database)
            let created = try await CLIRunner.run(["keys", "create", "--org", organization.id.description, "--name", "cli key", "--json"] + storage)
            #expect(created.status == 0, "\(created.stderr)")
            let key = try #require(created.json["api_key"] as? String)
            let id = try #require(created.json["id"] as? String)
            #expect(Set(created.json.keys) == ["id", "name", "api_key", "scopes", "expires_at"])
            #expect(created.json["scopes"] as? [String] == ["read", "write", "admin"])
            // The server caches the key once it has verified it.
            #expect(try await server.whoami(key).status == 200)

            let steps: [(arguments: [String], check: (TestResponse) -> Bool)] = [
                (["keys", "rename", id, "renamed by cli"], { $0.data["api_key_name"] as? String == "renamed by cli" }),
                (["keys", "disable", id], { $0.status == 403 && $0.code == "FORBIDDEN" }),
                (["keys", "enable", id], { $0.status == 200 }),
                (["keys", "delete", id], { $0.status == 401 }),
            ]
            for step in steps {
                #expect(try await server.whoami(key).status != 401)
                let result = try await CLIRunner.run(step.arguments + storage)
                #expect(result.status == 0, "\(step.arguments): \(result.stderr)")
                let seconds = try await server.secondsUntil(key, step.check)
                #expect(seconds != nil && seconds! < 1.0, "\(step.arguments) took \(String(describing: seconds)) s")
            }
            let events = try await AuditRepository(database: server.database).list(organizationID: organization.id)
            #expect(events.filter { $0.actor == "cli" }.map(\.action).prefix(5) == [
                "api_key.deleted", "api_key.enabled", "api_key.disabled", "api_key.renamed", "api_key.created",
            ])
        }
    }

    @Test("keys roll prints the new key; the old one keeps working for the overlap", arguments: TestEngines.all)
    func roll(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let storage = server.testDatabase.cliStorageArguments
            let organization = try await Fixtures.organization(server.database)
            let old = try await Fixtures.key(server.services, organization, name: "rotating")
            let rolled = try await CLIRunner.run(["keys", "roll", old.record.id.description, "--overlap", "1h", "--json"] + storage)
            #expect(rolled.status == 0, "\(rolled.stderr)")
            let new = try #require(rolled.json["api_key"] as? String)
            #expect(rolled.json["name"] as? String == "rotating")
            #expect(try await server.whoami(new).status == 200)
            #expect(try await server.whoami(old.token.secret).status == 200)
            let bad = try await CLIRunner.run(["keys", "roll", old.record.id.description, "--overlap", "8d"] + storage)
            #expect(bad.status == 1)
        }
    }

    @Test("demo --json prints exactly the documented object and a working key; twice makes two organizations",
          arguments: TestEngines.all)
    func demo(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let storage = server.testDatabase.cliStorageArguments
            let first = try await CLIRunner.run(["demo", "--json"] + storage)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(Set(first.json.keys) == ["organization_id", "email", "password", "api_key", "base_url"])
            #expect((first.json["password"] as? String)?.count ?? 0 >= 12)
            #expect(first.json["base_url"] as? String == "https://localhost:8443")
            let key = try #require(first.json["api_key"] as? String)
            let whoami = try await server.whoami(key)
            #expect(whoami.status == 200)
            #expect(whoami.data["organization_id"] as? String == first.json["organization_id"] as? String)
            #expect(whoami.data["scopes"] as? [String] == ["read", "write", "admin"])
            let second = try await CLIRunner.run(["demo", "--json"] + storage)
            #expect(second.status == 0)
            #expect(second.json["organization_id"] as? String != first.json["organization_id"] as? String)
        }
    }

    @Test("org create, org set and keys list; keys list never prints a key", arguments: TestEngines.all)
    func organizationsAndList(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let storage = server.testDatabase.cliStorageArguments
            let org = try await CLIRunner.run(["org", "create", "Northwind", "--owner-email", "Owner@Example.com", "--json"] + storage)
            #expect(org.status == 0, "\(org.stderr)")
            #expect(Set(org.json.keys) == ["organization_id", "email", "password"])
            #expect(org.json["email"] as? String == "owner@example.com")
            let orgID = try #require(org.json["organization_id"] as? String)

            let set = try await CLIRunner.run(["org", "set", orgID, "--rate-limit", "5", "--account-quota", "10"] + storage)
            #expect(set.status == 0, "\(set.stderr)")
            let organizationID = try #require(OrganizationID(orgID))
            let stored = try #require(try await OrganizationRepository(database: server.database).find(organizationID))
            #expect(stored.rateLimit == 5)
            #expect(stored.accountQuota == 10)
            let unlimited = try await CLIRunner.run(["org", "set", orgID, "--account-quota", "none"] + storage)
            #expect(unlimited.status == 0)

            let created = try await CLIRunner.run(["keys", "create", "--org", orgID, "--name", "reporting", "--scopes", "read", "--expires-in", "30d", "--json"] + storage)
            let key = try #require(created.json["api_key"] as? String)
            #expect(created.json["scopes"] as? [String] == ["read"])
            #expect(created.json["expires_at"] as? String != nil)
            let whoami = try await server.whoami(key)
            #expect(whoami.header("X-RateLimit-Limit") == "5")

            let list = try await CLIRunner.run(["keys", "list", "--org", orgID, "--json"] + storage)
            #expect(list.status == 0)
            #expect(!list.stdout.contains(key))
            #expect(!list.stdout.contains(String(key.dropFirst(12).prefix(20))))
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
            #expect(rows.count == 1)
            #expect(rows.first?["name"] as? String == "reporting")
            #expect((rows.first?["masked_key"] as? String)?.hasPrefix("ca_live_") == true)
            let table = try await CLIRunner.run(["keys", "list", "--org", orgID] + storage)
            #expect(table.stdout.contains("reporting"))
            #expect(!table.stdout.contains(key))
        }
    }

    @Test("errors are one line on stderr with exit status 1", arguments: [
        ["keys", "disable", "not-a-uuid"],
        ["keys", "disable", "00000000-0000-0000-0000-000000000000"],
        ["keys", "create", "--org", "00000000-0000-0000-0000-000000000000", "--name", "x"],
        ["keys", "create", "--org", "00000000-0000-0000-0000-000000000000", "--name", "x", "--scopes", "superuser"],
        ["org", "set", "00000000-0000-0000-0000-000000000000", "--rate-limit", "10"],
        ["org", "create", "X", "--owner-email", "not-an-email"],
        ["serve", "--tls", "off"],
        ["migrate", "--database-url", "mysql://nope"],
    ])
    func errors(arguments: [String]) async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("ca-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let result = try await CLIRunner.run(arguments + ["--data-dir", dataDir])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("creatoraudit: error: "))
        #expect(result.stdout.isEmpty)
    }

    @Test("migrate applies the schema once; a second run is a no-op", arguments: TestEngines.all)
    func migrate(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine, migrate: false) { testDatabase in
            let first = try await CLIRunner.run(["migrate"] + testDatabase.cliStorageArguments)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("Applied migrations 1"))
            let second = try await CLIRunner.run(["migrate"] + testDatabase.cliStorageArguments)
            #expect(second.status == 0)
            #expect(second.stdout.contains("up to date"))
        }
    }
}
