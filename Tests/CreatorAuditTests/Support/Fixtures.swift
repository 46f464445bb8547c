// Organizations and keys made at run time (no key is ever committed).
import Foundation
@testable import CreatorAudit

enum Fixtures {
    static func organization(_ database: Database, name: String = "Org \(UUID().uuidString.prefix(6))") async throws -> Organization {
        try await database.write { db in
            try await OrganizationRepository(database: database).create(name: name, in: db)
        }
    }

    static func key(
        _ services: AppServices, _ organization: Organization, name: String = "test key",
        scopes: [Scope] = Scope.allCases, expiresAt: Timestamp? = nil
    ) async throws -> CreatedAPIKey {
        try await services.lifecycle.create(
            organizationID: organization.id, name: name, scopes: scopes, expiresAt: expiresAt, actor: .cli)
    }

    static func setRateLimit(_ database: Database, _ organization: Organization, _ limit: Int) async throws {
        _ = try await OrganizationRepository(database: database).setLimits(organization.id, rateLimit: limit, accountQuota: nil)
    }
}
