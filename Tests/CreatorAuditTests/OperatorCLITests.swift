// The operator's command without surprises (README, "The `creatoraudit` command"), run as a real separate process:
// what a new operator found when trying it, each item proven.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("creatoraudit command line: no surprises")
struct OperatorCLITests {
    static func freshDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("ca-cli-\(UUID().uuidString)").path
    }

    /// One line on stderr, exit status 1, nothing on stdout, and none of the API's HTTP wording.
    static func expectOneLineError(_ result: CLIResult, _ context: String = "") {
        #expect(result.status == 1, "\(context)")
        #expect(result.stdout.isEmpty, "\(context): \(result.stdout)")
        #expect(result.stderr.hasPrefix("creatoraudit: error: "), "\(context): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(context): \(result.stderr)")
        // Paths and ids are left out: a temporary directory's random name, or an id, may hold "422" or "404".
        let lowered = result.stderr.lowercased().replacingOccurrences(
            of: "/[^ ;:,]+", with: "<path>", options: .regularExpression
        ).replacingOccurrences(
            of: "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", with: "<id>", options: .regularExpression)
        for word in ["the request", "request body", "see errors", "http", "status", "422", "404", "409", "unprocessable"] {
            #expect(!lowered.contains(word), "\(context): '\(word)' in \(result.stderr)")
        }
    }

    @Test(
        "global options may come before the command: creatoraudit --data-dir X keys list …", arguments: TestEngines.all)
    func globalOptionsFirst(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { testDatabase in
            let organization = try await Fixtures.organization(testDatabase.database)
            let org = organization.id.description
            var before = ["--data-dir", testDatabase.dataDir]
            if let url = testDatabase.databaseURL { before += ["--database-url=\(url)"] }
            let created = try await CLIRunner.run(
                before + ["keys", "create", "--org", org, "--name", "first", "--json"])
            #expect(created.status == 0, "\(created.stderr)")
            let listed = try await CLIRunner.run(
                ["--log-level", "error"] + before + ["keys", "list", "--org", org, "--json"])
            #expect(listed.status == 0, "\(listed.stderr)")
            #expect(listed.stdout.contains("\"first\""))
            // The same options after the command still work.
            let after = try await CLIRunner.run(["keys", "list", "--org", org] + testDatabase.cliStorageArguments)
            #expect(after.stdout.contains("first"))
        }
    }

    @Test("commands that need data refuse a data directory without a database, and create nothing there")
    func noNewEmptyDatabase() async throws {
        let directory = Self.freshDirectory()
        let file = Self.freshDirectory() + ".ndjson"
        try "".write(toFile: file, atomically: true, encoding: .utf8)
        defer {
            try? FileManager.default.removeItem(atPath: directory)
            try? FileManager.default.removeItem(atPath: file)
        }
        for arguments in [
            ["keys", "list", "--org", UUID().uuidString], ["org", "list"],
            ["import", "--org", UUID().uuidString, file],
            ["org", "set", UUID().uuidString, "--rate-limit", "5"], ["keys", "disable", UUID().uuidString],
        ] {
            let result = try await CLIRunner.run(arguments + ["--data-dir", directory])
            Self.expectOneLineError(result, arguments.joined(separator: " "))
            #expect(result.stderr.contains("no database at \(directory); run serve or demo first"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: directory), "\(arguments) created \(directory)")
        }
        // The commands that start a database still do.
        let created = try await CLIRunner.run([
            "org", "create", "Acme", "--owner-email", "a@example.com", "--data-dir", directory,
        ])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory + "/creatoraudit.sqlite"))
        let listed = try await CLIRunner.run(["org", "list", "--data-dir", directory])
        #expect(listed.status == 0)
        #expect(listed.stdout.contains("Acme"))
    }

    @Test("PostgreSQL: a database without our schema is refused, and left without one")
    func noNewEmptyPostgresSchema() async throws {
        guard TestEngines.postgresURL != nil else { return }
        try await TestDatabase.with(.postgres, migrate: false) { testDatabase in
            let result = try await CLIRunner.run(["org", "list"] + testDatabase.cliStorageArguments)
            Self.expectOneLineError(result)
            #expect(result.stderr.contains("run serve, demo or migrate first"), "\(result.stderr)")
            #expect(try await Migrations.isInitialized(on: testDatabase.database) == false)
            #expect(try await CLIRunner.run(["migrate"] + testDatabase.cliStorageArguments).status == 0)
            #expect(try await CLIRunner.run(["org", "list"] + testDatabase.cliStorageArguments).status == 0)
        }
    }

    @Test(
        "errors read as the operator's: unknown organization, bad values, unknown key — one line, no HTTP words",
        arguments: TestEngines.all)
    func operatorWording(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { testDatabase in
            let storage = testDatabase.cliStorageArguments
            let organization = try await Fixtures.organization(testDatabase.database)
            let org = organization.id.description
            let unknownOrg = UUID().uuidString.lowercased()

            let list = try await CLIRunner.run(["keys", "list", "--org", unknownOrg] + storage)
            Self.expectOneLineError(list, "keys list --org UNKNOWN")
            #expect(list.stderr.contains("no organization has the id \(unknownOrg)"))
            #expect(!list.stdout.contains("No keys."))

            let emptyName = try await CLIRunner.run(["keys", "create", "--org", org, "--name", "  "] + storage)
            Self.expectOneLineError(emptyName, "empty name")
            #expect(emptyName.stderr.contains("name: must be 1 to 100 characters"))
            let badEmail = try await CLIRunner.run(["org", "create", "X", "--owner-email", "nope"] + storage)
            Self.expectOneLineError(badEmail, "bad email")
            #expect(badEmail.stderr.contains("email: must be an email address"))
            let unknownKey = try await CLIRunner.run(["keys", "rename", UUID().uuidString, "x"] + storage)
            Self.expectOneLineError(unknownKey, "unknown key")
            let noOrg = try await CLIRunner.run(["keys", "create", "--org", unknownOrg, "--name", "x"] + storage)
            Self.expectOneLineError(noOrg, "create in unknown org")
        }
    }

    @Test(
        "usage errors are one line with exit status 1 and say where help is; --help exits 0",
        arguments: [
            ["keys", "create", "--name", "x"],
            ["keys", "frobnicate"],
            ["org", "set"],
            ["keys", "list", "--org"],
            ["--no-such-option"],
            ["import", "--org", "x"],
        ])
    func usageErrors(arguments: [String]) async throws {
        let result = try await CLIRunner.run(arguments + ["--data-dir", Self.freshDirectory()])
        Self.expectOneLineError(result, arguments.joined(separator: " "))
        #expect(result.stderr.contains("--help'"), "\(result.stderr)")
        let help = try await CLIRunner.run(["keys", "create", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--org"))
    }

    @Test("--rate-limit -5 and other bad limits say what is wrong with the value", arguments: TestEngines.all)
    func limitValues(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { testDatabase in
            let storage = testDatabase.cliStorageArguments
            let org = try await Fixtures.organization(testDatabase.database).id.description
            let negative = try await CLIRunner.run(["org", "set", org, "--rate-limit", "-5"] + storage)
            Self.expectOneLineError(negative, "-5")
            #expect(negative.stderr.contains("--rate-limit -5"), "\(negative.stderr)")
            #expect(negative.stderr.contains("from 1 to 10000000"), "\(negative.stderr)")
            let zero = try await CLIRunner.run(["org", "set", org, "--rate-limit", "0"] + storage)
            #expect(zero.stderr.contains("from 1 to 10000000"))
            let words = try await CLIRunner.run(["org", "set", org, "--rate-limit", "lots"] + storage)
            Self.expectOneLineError(words, "lots")
            #expect(words.stderr.contains("lots"))
            let quota = try await CLIRunner.run(["org", "set", org, "--account-quota", "-3"] + storage)
            Self.expectOneLineError(quota, "quota -3")
            #expect(quota.stderr.contains("--account-quota -3"))
            let organizationID = try #require(OrganizationID(org))
            let stored = try #require(try await OrganizationRepository(database: testDatabase.database).find(organizationID))
            #expect(stored.rateLimit == 600)
        }
    }

    @Test("org list shows every organization with its limits, as a table or JSON", arguments: TestEngines.all)
    func orgList(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { testDatabase in
            let storage = testDatabase.cliStorageArguments
            let first = try await Fixtures.organization(testDatabase.database, name: "Northwind")
            let second = try await Fixtures.organization(testDatabase.database, name: "Contoso")
            #expect(
                try await CLIRunner.run(
                    ["org", "set", second.id.description, "--rate-limit", "42", "--account-quota", "7"] + storage
                ).status == 0)
            let table = try await CLIRunner.run(["org", "list"] + storage)
            #expect(table.status == 0, "\(table.stderr)")
            #expect(table.stdout.contains("Northwind") && table.stdout.contains("Contoso"))
            #expect(table.stdout.contains("42/min per key"))
            let json = try await CLIRunner.run(["org", "list", "--json"] + storage)
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            #expect(rows.count == 2)
            let contoso = try #require(rows.first { $0["id"] as? String == second.id.description })
            #expect(contoso["rate_limit"] as? Int == 42)
            #expect(contoso["account_quota"] as? Int == 7)
            let northwind = try #require(rows.first { $0["id"] as? String == first.id.description })
            #expect(northwind["account_quota"] is NSNull)
            #expect(Set(northwind.keys) == ["id", "name", "rate_limit", "account_quota", "created_at"])
        }
    }

    @Test(
        "scopes are a JSON array in every --json output: keys create, keys list, keys roll", arguments: TestEngines.all)
    func scopesAreArrays(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { testDatabase in
            let storage = testDatabase.cliStorageArguments
            let org = try await Fixtures.organization(testDatabase.database).id.description
            let created = try await CLIRunner.run(
                ["keys", "create", "--org", org, "--name", "w", "--scopes", "write", "--json"] + storage)
            #expect(created.json["scopes"] as? [String] == ["read", "write"])
            let id = try #require(created.json["id"] as? String)
            let list = try await CLIRunner.run(["keys", "list", "--org", org, "--json"] + storage)
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
            #expect(rows.first?["scopes"] as? [String] == ["read", "write"])
            #expect(
                rows.first.map { Set($0.keys) } == [
                    "id", "name", "masked_key", "scopes", "status", "created_at", "created_by", "last_used_at",
                    "expires_at",
                    "exposed_at", "exposed_url", "replaced_by",
                ])
            let rolled = try await CLIRunner.run(["keys", "roll", id, "--json"] + storage)
            #expect(rolled.json["scopes"] as? [String] == ["read", "write"])
        }
    }

    @Test("re-importing a file reports its snapshots as already present, not new", arguments: TestEngines.all)
    func reimportCounts(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { testDatabase in
            let storage = testDatabase.cliStorageArguments
            let org = try await Fixtures.organization(testDatabase.database).id.description
            let file = testDatabase.dataDir + "/history.ndjson"
            // One account snapshot and two video snapshots (times as `observed_at`).
            func snapshot(_ subject: String, _ time: String, _ counter: String) -> String {
                #"{"kind":"snapshot","platform":"tiktok",\#(subject),"observed_at":"2026-01-\#(time)Z",\#(counter)}"#
            }
            let lines = [
                #"{"kind":"account","platform":"tiktok","username":"maya"}"#,
                #"{"kind":"video","platform":"tiktok","external_id":"7321000000000000001","account":"maya"}"#,
                snapshot(#""account":"maya""#, "10T09:00:00", #""follower_count":1000"#),
                snapshot(#""video":"7321000000000000001""#, "10T09:00:00", #""view_count":500"#),
                snapshot(#""video":"7321000000000000001""#, "11T09:00:00", #""view_count":900"#),
            ]
            try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
            let first = try await CLIRunner.run(["import", "--org", org, file, "--json"] + storage)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.json["snapshots"] as? Int == 3)
            #expect(first.json["snapshots_new"] as? Int == 3)
            #expect(first.json["snapshots_already_present"] as? Int == 0)
            let again = try await CLIRunner.run(["import", "--org", org, file, "--json"] + storage)
            #expect(again.json["accounts"] as? Int == 0)
            #expect(again.json["snapshots_new"] as? Int == 0)
            #expect(again.json["snapshots_already_present"] as? Int == 3)
            let more = lines + [snapshot(#""video":"7321000000000000001""#, "12T09:00:00", #""view_count":950"#)]
            try more.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
            let text = try await CLIRunner.run(["import", "--org", org, file] + storage)
            #expect(text.status == 0, "\(text.stderr)")
            #expect(text.stdout.contains("1 new, 3 already present"), "\(text.stdout)")
        }
    }
}
