// Cost of verifying an API key: cold (cache miss: checksum + SHA-256 + one indexed lookup) versus
// warm (cache hit). Run: swift run -c release verify-bench [--keys N] [--database-url postgres://…]
import CreatorAudit
import Foundation
import Logging

@main
struct VerifyBench {
    static func main() async throws {
        var arguments = CommandLine.arguments.dropFirst()
        var count = 2000
        var url: String?
        while let argument = arguments.popFirst() {
            switch argument {
            case "--keys": count = Int(arguments.popFirst() ?? "") ?? count
            case "--database-url": url = arguments.popFirst()
            default: break
            }
        }
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("verify-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let location: DatabaseLocation = try url.map { .postgres(try PostgresURL($0)) } ?? .sqlite(path: directory + "/bench.sqlite")
        let database = try await Database.open(location, logger: logger)
        try await Migrations.run(on: database, logger: logger)
        let services = AppServices(database: database)
        // One organization per 100 keys (the per-organization limit).
        var secrets: [String] = []
        var organization = try await Provisioning(database: database).createOrganization(name: "bench", ownerEmail: "bench-\(UUID().uuidString.prefix(8))@example.com").organization
        for index in 0..<count {
            if index > 0 && index % 100 == 0 {
                organization = try await Provisioning(database: database).createOrganization(name: "bench \(index)", ownerEmail: "bench-\(UUID().uuidString.prefix(8))@example.com").organization
            }
            let key = try await services.lifecycle.create(organizationID: organization.id, name: "k\(index)", actor: .cli)
            secrets.append(key.token.secret)
        }
        let verifier = KeyVerifier(database: database)
        func measure(_ label: String, rounds: Int, cold: Bool) async throws -> Double {
            var total: Duration = .zero
            for _ in 0..<rounds {
                for secret in secrets {
                    if cold { verifier.invalidateAll() }
                    let start = ContinuousClock.now
                    _ = try await verifier.verify(secret[...])
                    total += ContinuousClock.now - start
                }
            }
            let micros = Double(total.components.seconds) * 1e6 + Double(total.components.attoseconds) / 1e12
            return micros / Double(rounds * secrets.count)
        }
        _ = try await measure("warm-up", rounds: 1, cold: true)
        let cold = try await measure("cold", rounds: 3, cold: true)
        _ = try await measure("fill", rounds: 1, cold: false)
        let warm = try await measure("warm", rounds: 10, cold: false)
        let engine = url == nil ? "SQLite" : "PostgreSQL"
        print("| \(engine) | \(count) keys | cold (cache miss) \(String(format: "%.1f", cold)) µs | warm (cache hit) \(String(format: "%.2f", warm)) µs | ratio \(String(format: "%.0f", cold / warm))× |")
        await database.close()
    }
}
