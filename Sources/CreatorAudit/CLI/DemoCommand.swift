import ArgumentParser
import Foundation

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Create a demo organization with an owner, an API key and a year of sandbox data (run again for another one).")

    @OptionGroup var storage: StorageOptions
    @Option(help: "The server's base URL to print (default https://localhost:8443).") var publicURL: String?
    @Flag(help: "Print one JSON object: organization_id, email, password, api_key, base_url.") var json = false

    struct Output: Encodable {
        let organization_id: String
        let email: String
        let password: String
        let api_key: String
        let base_url: String
    }

    func run() async throws {
        let baseURL = (publicURL ?? ProcessInfo.processInfo.environment["CREATORAUDIT_PUBLIC_URL"] ?? "https://localhost:8443")
            .trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        // The development certificate, so `curl --cacert DATA_DIR/tls/cert.pem` works before the first `serve`.
        let files = try CertificateFiles.resolve(dataDir: storage.resolvedDataDir, certificate: nil, key: nil)
        let suffix = String(UUID().uuidString.lowercased().prefix(8))
        let (organization, key) = try await storage.withDatabase(logger: try storage.makeLogger()) { database in
            let organization = try await Provisioning(database: database).createOrganization(
                name: "Demo organization \(suffix)", ownerEmail: "demo-\(suffix)@example.com")
            let key = try await KeyLifecycle(database: database).create(
                organizationID: organization.organization.id, name: "Demo key", scopes: Scope.allCases, actor: .cli)
            // Creators, accounts, videos and a year of history from the sandbox source.
            try await DemoData(store: database.tenant(organization.organization.id)).fill()
            return (organization, key)
        }
        if json {
            try printJSON(Output(
                organization_id: organization.organization.id.description, email: organization.ownerEmail,
                password: organization.ownerPassword, api_key: key.token.secret, base_url: baseURL))
            return
        }
        print("""
            Demo organization ready: \(organization.organization.name) (\(organization.organization.id))
              Dashboard:          \(baseURL)/
                email:            \(organization.ownerEmail)
                password:         \(organization.ownerPassword)
              API key (all scopes, shown once):
                \(key.token.secret)
              Base URL: \(baseURL)  (TLS certificate: \(files.certificatePath))

            Start the server with `swift run creatoraudit serve`, open the dashboard and sign in, or:
              curl --cacert \(files.certificatePath) -H "Authorization: Bearer <the key above>" \(baseURL)/v2/whoami
            """)
    }
}
