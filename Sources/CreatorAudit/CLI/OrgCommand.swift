import ArgumentParser
import Foundation

struct OrgCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org", abstract: "Manage organizations.", subcommands: [Create.self, Set.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an organization and its owner.")
        @OptionGroup var storage: StorageOptions
        @Argument(help: "The organization's name.") var name: String
        @Option(help: "The owner's email address.") var ownerEmail: String
        @Flag(help: "Print one JSON object.") var json = false

        func run() async throws {
            let logger = try storage.makeLogger()
            let created = try await storage.withDatabase(logger: logger) { database in
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
        @Option(help: "Requests per minute per API key.") var rateLimit: Int?
        @Option(help: "Maximum tracked accounts, or 'none'.") var accountQuota: String?

        func run() async throws {
            guard let id = OrganizationID(orgID) else { throw CLIError("'\(orgID)' is not an organization id") }
            if let rateLimit, !(1...10_000_000).contains(rateLimit) {
                throw CLIError("--rate-limit must be between 1 and 10000000")
            }
            var quota: Int??
            if let accountQuota {
                if accountQuota.lowercased() == "none" {
                    quota = .some(nil)
                } else if let value = Int(accountQuota), value >= 0 {
                    quota = .some(value)
                } else {
                    throw CLIError("--account-quota must be a non-negative number or 'none'")
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
}
