import ArgumentParser
import Foundation

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage API keys (every change is audited with actor 'cli').",
        subcommands: [Create.self, List.self, Rename.self, Disable.self, Enable.self, Delete.self, Roll.self])

    struct KeyJSON: Encodable {
        let id: String
        let name: String
        let api_key: String
        let scopes: [String]
        let expires_at: String?

        enum CodingKeys: String, CodingKey { case id, name, api_key, scopes, expires_at }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(api_key, forKey: .api_key)
            try container.encode(scopes, forKey: .scopes)
            try container.encode(expires_at, forKey: .expires_at)
        }

        init(_ created: CreatedAPIKey) {
            id = created.record.id.description
            name = created.record.name
            api_key = created.token.secret
            scopes = created.record.scopes.map(\.rawValue)
            expires_at = created.record.expiresAt?.iso8601
        }
    }

    static func printCreated(_ created: CreatedAPIKey, json: Bool) throws {
        if json {
            try printJSON(KeyJSON(created))
        } else {
            print("Key \(created.record.id) '\(created.record.name)' (scopes \(created.record.scopes.map(\.rawValue).joined(separator: ",")))")
            print(created.token.secret)
            print("Store it now: it is shown once and cannot be retrieved again.")
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key; prints it once.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "Organization id.") var org: String
        @Option(help: "A name to recognise the key by.") var name: String
        @Option(help: "read, write and/or admin, comma-separated (admin ⊃ write ⊃ read).") var scopes = "read,write,admin"
        @Option(help: "Lifetime such as 30d or 12h; default never expires.") var expiresIn: String?
        @Flag(help: "Print one JSON object.") var json = false

        func run() async throws {
            guard let organizationID = OrganizationID(org) else { throw CLIError("'\(org)' is not an organization id") }
            let scopeList: [Scope]
            switch Scope.parseList(scopes) {
            case .success(let list): scopeList = list
            case .failure(let error): throw CLIError("unknown scope '\(error.value)' (use read, write, admin)")
            }
            let expiresAt = try expiresIn.map { text -> Timestamp in
                let seconds = try parseDuration(text, option: "--expires-in")
                guard seconds > 0 else { throw CLIError("--expires-in must be positive") }
                return Timestamp.now.adding(seconds: seconds)
            }
            let created = try await storage.withDatabase(logger: try storage.makeLogger()) { database in
                try await KeyLifecycle(database: database).create(
                    organizationID: organizationID, name: name, scopes: scopeList, expiresAt: expiresAt, actor: .cli)
            }
            try KeysCommand.printCreated(created, json: json)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an organization's keys (never the keys themselves).")
        @OptionGroup var storage: StorageOptions
        @Option(help: "Organization id.") var org: String
        @Flag(help: "Print a JSON array.") var json = false

        struct Row: Encodable {
            let id, name, masked_key, scopes, status, created_at, created_by: String
            let last_used_at, expires_at: String?
        }

        func run() async throws {
            guard let organizationID = OrganizationID(org) else { throw CLIError("'\(org)' is not an organization id") }
            let keys = try await storage.withDatabase(logger: try storage.makeLogger()) { database in
                try await APIKeyRepository(database: database).list(organizationID: organizationID)
            }
            let now = Timestamp.now
            let rows = keys.map { key in
                Row(id: key.id.description, name: key.name, masked_key: key.masked,
                    scopes: key.scopes.map(\.rawValue).joined(separator: ","),
                    status: key.isExpired(at: now) ? "expired" : key.status.rawValue,
                    created_at: key.createdAt.iso8601, created_by: key.createdBy,
                    last_used_at: key.lastUsedAt?.iso8601, expires_at: key.expiresAt?.iso8601)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(rows), as: UTF8.self))
                return
            }
            if rows.isEmpty { print("No keys."); return }
            let header = ["ID", "NAME", "KEY", "SCOPES", "STATUS", "CREATED", "LAST USED", "EXPIRES"]
            let table = [header] + rows.map {
                [$0.id, $0.name, $0.masked_key, $0.scopes, $0.status, $0.created_at, $0.last_used_at ?? "never", $0.expires_at ?? "never"]
            }
            let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
            for line in table {
                print(line.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  "))
            }
        }
    }

    /// Resolves KEY_ID to its organization (the operator names only the key), then runs the change.
    static func withKey<T>(
        _ storage: StorageOptions, _ rawID: String, _ body: (KeyLifecycle, OrganizationID, APIKeyID) async throws -> T
    ) async throws -> T {
        guard let keyID = APIKeyID(rawID) else { throw CLIError("'\(rawID)' is not a key id") }
        return try await storage.withDatabase(logger: try storage.makeLogger()) { database in
            guard let organizationID = try await APIKeyRepository(database: database).owner(of: keyID) else {
                throw CLIError("no key has the id \(keyID)")
            }
            return try await body(KeyLifecycle(database: database), organizationID, keyID)
        }
    }

    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rename a key.")
        @OptionGroup var storage: StorageOptions
        @Argument var keyID: String
        @Argument var name: String
        func run() async throws {
            let key = try await withKey(storage, keyID) { try await $0.rename(organizationID: $1, id: $2, to: name, actor: .cli) }
            print("Renamed key \(key.id) to '\(key.name)'.")
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a key (refused with 403 until re-enabled).")
        @OptionGroup var storage: StorageOptions
        @Argument var keyID: String
        func run() async throws {
            let key = try await withKey(storage, keyID) { try await $0.disable(organizationID: $1, id: $2, actor: .cli) }
            print("Disabled key \(key.id) '\(key.name)'.")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-enable a disabled key.")
        @OptionGroup var storage: StorageOptions
        @Argument var keyID: String
        func run() async throws {
            let key = try await withKey(storage, keyID) { try await $0.enable(organizationID: $1, id: $2, actor: .cli) }
            print("Enabled key \(key.id) '\(key.name)'.")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a key permanently.")
        @OptionGroup var storage: StorageOptions
        @Argument var keyID: String
        func run() async throws {
            try await withKey(storage, keyID) { try await $0.delete(organizationID: $1, id: $2, actor: .cli) }
            print("Deleted key \(keyID.lowercased()).")
        }
    }

    struct Roll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace a key: a new key with the same name and scopes; the old one expires after the overlap.")
        @OptionGroup var storage: StorageOptions
        @Argument var keyID: String
        @Option(help: "How long the old key keeps working: 0h to 7d.") var overlap = "24h"
        @Flag(help: "Print the new key as one JSON object.") var json = false
        func run() async throws {
            let seconds = try parseDuration(overlap, option: "--overlap")
            let (old, new) = try await withKey(storage, keyID) {
                try await $0.roll(organizationID: $1, id: $2, overlapSeconds: seconds, actor: .cli)
            }
            if !json { print("Old key \(old.id) expires \(old.expiresAt?.iso8601 ?? "now").") }
            try KeysCommand.printCreated(new, json: json)
        }
    }
}
