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
            let id, name, masked_key: String
            let scopes: [String]
            let status, created_at, created_by: String
            let last_used_at, expires_at, exposed_at, exposed_url, replaced_by: String?

            enum CodingKeys: String, CodingKey {
                case id, name, masked_key, scopes, status, created_at, created_by, last_used_at, expires_at, exposed_at,
                     exposed_url, replaced_by
            }

            /// Absent values are `null`, not missing keys: every row has the same fields.
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(id, forKey: .id)
                try container.encode(name, forKey: .name)
                try container.encode(masked_key, forKey: .masked_key)
                try container.encode(scopes, forKey: .scopes)
                try container.encode(status, forKey: .status)
                try container.encode(created_at, forKey: .created_at)
                try container.encode(created_by, forKey: .created_by)
                try container.encode(last_used_at, forKey: .last_used_at)
                try container.encode(expires_at, forKey: .expires_at)
                try container.encode(exposed_at, forKey: .exposed_at)
                try container.encode(exposed_url, forKey: .exposed_url)
                try container.encode(replaced_by, forKey: .replaced_by)
            }
        }

        func run() async throws {
            guard let organizationID = OrganizationID(org) else { throw CLIError("'\(org)' is not an organization id") }
            let keys = try await storage.withDatabase(logger: try storage.makeLogger()) { database in
                guard try await OrganizationRepository(database: database).find(organizationID) != nil else {
                    throw CLIError("no organization has the id \(organizationID)")
                }
                return try await APIKeyRepository(database: database).list(organizationID: organizationID)
            }
            let now = Timestamp.now
            let rows = keys.map { key in
                Row(id: key.id.description, name: key.name, masked_key: key.masked, scopes: key.scopes.map(\.rawValue),
                    status: key.state(at: now).rawValue, created_at: key.createdAt.iso8601, created_by: key.createdBy,
                    last_used_at: key.lastUsedAt?.iso8601, expires_at: key.expiresAt?.iso8601,
                    exposed_at: key.exposedAt?.iso8601, exposed_url: key.exposedURL,
                    replaced_by: key.replacedBy?.description)
            }
            if json { return try printJSON(rows) }
            if rows.isEmpty { return print("No keys.") }
            printTable(["ID", "NAME", "KEY", "SCOPES", "STATUS", "CREATED", "LAST USED", "EXPIRES"], rows.map {
                [$0.id, $0.name, $0.masked_key, $0.scopes.joined(separator: ","),
                 $0.status + ($0.exposed_at == nil ? "" : ", exposed"),
                 $0.created_at, $0.last_used_at ?? "never", $0.expires_at ?? "never"]
            })
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
        static let configuration = CommandConfiguration(abstract: "Disable a key (the API refuses it until it is re-enabled).")
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
        @Option(help: "The new key's lifetime (30d, 12h) or 'never'; default: the old key's lifetime.")
        var expiresIn: String?
        @Flag(help: "Print the new key as one JSON object.") var json = false
        func run() async throws {
            let seconds = try parseDuration(overlap, option: "--overlap")
            let expiry: KeyLifecycle.SuccessorExpiry
            switch expiresIn?.lowercased() {
            case nil: expiry = .sameLifetime
            case "never"?: expiry = .never
            case let text?:
                let lifetime = try parseDuration(text, option: "--expires-in")
                guard lifetime > 0 else { throw CLIError("--expires-in must be positive, or 'never'") }
                expiry = .at(Timestamp.now.adding(seconds: lifetime))
            }
            let (old, new) = try await withKey(storage, keyID) {
                try await $0.roll(
                    organizationID: $1, id: $2, overlapSeconds: seconds, successorExpiry: expiry, actor: .cli)
            }
            if !json { print("Old key \(old.id) expires \(old.expiresAt?.iso8601 ?? "now").") }
            try KeysCommand.printCreated(new, json: json)
        }
    }
}
