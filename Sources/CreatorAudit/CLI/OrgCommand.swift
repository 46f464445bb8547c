import ArgumentParser
import Foundation

struct OrgCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org", abstract: "Manage organizations.", subcommands: [Create.self, Set.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an organization and its owner.")
        @OptionGroup var storage: StorageOptions
        @Argument(help: "The organization's name.") var name: String
        @Option(help: "The owner's email address.") var ownerEmail: String
        @Flag(help: "Print one JSON object.") var json = false

        func run() async throws {
            let logger = try storage.makeLogger()
            let created = try await storage.withDatabase(logger: logger, creating: true) { database in
                try await Provisioning(database: database).createOrganization(name: name, ownerEmail: ownerEmail)
            }
            if json {
                try printJSON([
                    "organization_id": created.organization.id.description, "email": created.ownerEmail,
                    "password": created.ownerPassword,
                ])
            } else {
                print("Organization: \(created.organization.name) (\(created.organization.id))")
                print("Owner:        \(created.ownerEmail)")
                if created.ownerPassword.isEmpty {
                    print("Password:     unchanged (this person already had an account)")
                } else {
                    print("Password:     \(created.ownerPassword)   (shown once; change it after signing in)")
                }
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set an organization's rate limit and account quota.")
        @OptionGroup var storage: StorageOptions
        @Argument(help: "The organization's id.") var orgID: String
        // `.unconditional`: `--rate-limit -5` reaches the check below (and its explanation) instead of being taken
        // for an unknown option.
        @Option(parsing: .unconditional, help: "Requests per minute per API key, 1 to 10000000.") var rateLimit: Int?
        @Option(parsing: .unconditional, help: "Maximum tracked accounts (0 or more), or 'none'.")
        var accountQuota: String?

        func run() async throws {
            guard let id = OrganizationID(orgID) else { throw CLIError("'\(orgID)' is not an organization id") }
            if let rateLimit, !(1...10_000_000).contains(rateLimit) {
                throw CLIError(
                    "--rate-limit \(rateLimit): the limit is requests per minute per key, "
                        + "a whole number from 1 to 10000000")
            }
            var quota: Int??
            if let accountQuota {
                if accountQuota.lowercased() == "none" {
                    quota = .some(nil)
                } else if let value = Int(accountQuota), value >= 0 {
                    quota = .some(value)
                } else {
                    throw CLIError(
                        "--account-quota \(accountQuota): give the most accounts the organization may track "
                            + "(0 or more), or 'none'")
                }
            }
            guard rateLimit != nil || quota != nil else { throw CLIError("nothing to set: give --rate-limit and/or --account-quota") }
            let logger = try storage.makeLogger()
            let organization = try await storage.withDatabase(logger: logger) { database in
                try await OrganizationRepository(database: database).setLimits(id, rateLimit: rateLimit, accountQuota: quota)
            }
            guard let organization else { throw CLIError("no organization has the id \(id)") }
            print("\(organization.name): rate limit \(organization.rateLimit) requests/min per key, account quota \(organization.accountQuota.map(String.init) ?? "none")")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the organizations with their limits.")
        @OptionGroup var storage: StorageOptions
        @Flag(help: "Print a JSON array.") var json = false

        struct Row: Encodable {
            let id: String
            let name: String
            let rate_limit: Int
            let account_quota: Int?
            let created_at: String

            enum CodingKeys: String, CodingKey { case id, name, rate_limit, account_quota, created_at }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(id, forKey: .id)
                try container.encode(name, forKey: .name)
                try container.encode(rate_limit, forKey: .rate_limit)
                try container.encode(account_quota, forKey: .account_quota)  // null when unlimited
                try container.encode(created_at, forKey: .created_at)
            }
        }

        func run() async throws {
            let organizations = try await storage.withDatabase(logger: try storage.makeLogger()) { database in
                try await OrganizationRepository(database: database).all()
            }
            let rows = organizations.map {
                Row(id: $0.id.description, name: $0.name, rate_limit: $0.rateLimit, account_quota: $0.accountQuota,
                    created_at: $0.createdAt.iso8601)
            }
            if json { return try printJSON(rows) }
            if rows.isEmpty { return print("No organizations.") }
            printTable(["ID", "NAME", "RATE LIMIT", "ACCOUNT QUOTA", "CREATED"], rows.map {
                [$0.id, $0.name, "\($0.rate_limit)/min per key", $0.account_quota.map(String.init) ?? "none",
                 $0.created_at]
            })
        }
    }
}
