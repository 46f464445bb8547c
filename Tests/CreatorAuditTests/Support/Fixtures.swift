// Organizations and keys made at run time (no key is ever committed).
import Foundation
@testable import CreatorAudit

enum Fixtures {
    static func organization(_ database: Database, name: String = "Org \(UUID().uuidString.prefix(6))") async throws -> Organization {
        try await database.write(scope: .test) { db in
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

/// Dashboard members. bcrypt at cost 12 is slow in debug builds, so one password is hashed once per test
/// process and every fixture member shares its hash.
enum MemberFixtures {
    static let password = "correct horse battery staple"
    private static let hashTask = Task { try await Provisioning.hashPassword(password) }

    static func passwordHash() async throws -> String { try await hashTask.value }

    /// A member of `organization` with `role` (a new person unless `email` already exists).
    @discardableResult
    static func member(
        _ database: Database, _ organization: Organization, role: MemberRole,
        email: String = "m-\(UUID().uuidString.prefix(8).lowercased())@example.com"
    ) async throws -> Member {
        let hash = try await passwordHash()
        let members = MemberRepository(database: database)
        return try await database.write(scope: .test) { db in
            let member: Member
            if let existing = try await members.findByEmail(email, in: db) {
                member = existing
            } else {
                member = try await members.create(email: email, passwordHash: hash, in: db)
            }
            try await members.addMembership(organizationID: organization.id, memberID: member.id, role: role, in: db)
            return member
        }
    }

    /// A signed-in browser for a new member (one real sign-in through the form).
    static func signedIn(
        _ server: TestServer, _ organization: Organization, role: MemberRole, email: String? = nil
    ) async throws -> (DashboardClient, Member) {
        let member: Member
        if let email {
            member = try await self.member(server.database, organization, role: role, email: email)
        } else {
            member = try await self.member(server.database, organization, role: role)
        }
        let browser = try DashboardClient(server)
        do {
            let response = try await browser.signIn(member.email, password)
            guard response.status == 303, browser.cookie != nil else {
                throw ConfigurationError("sign-in failed with \(response.status)")
            }
            return (browser, member)
        } catch {
            try? await browser.shutdown()
            throw error
        }
    }
}
