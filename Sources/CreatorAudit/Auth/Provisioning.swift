// Creating organizations with their first owner (CLI `org create`, `demo`). Passwords are bcrypt-hashed
// (cost 12) on bcrypt's own thread pool, never on an event loop.
import Foundation
import HummingbirdBcrypt
import NIOPosix
import SQLKit

public struct Provisioning: Sendable {
    public static let bcryptCost: UInt8 = 12
    public static let minimumPasswordBytes = 12
    public static let maximumPasswordBytes = 72

    let database: Database

    public init(database: Database) { self.database = database }

    public struct CreatedOrganization: Sendable {
        public let organization: Organization
        public let ownerEmail: String
        /// Shown once to the operator; only its bcrypt hash is stored.
        public let ownerPassword: String
    }

    /// A random password of 20 base62 characters (≈119 bits).
    public static func generatePassword() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in Character(UnicodeScalar(APIKeyToken.alphabet.randomElement(using: &generator)!)) })
    }

    public static func hashPassword(_ password: String) async throws -> String {
        try await Passwords.pool.runIfActive { Bcrypt.hash(password, cost: bcryptCost) }
    }

    public static func validateEmail(_ raw: String) throws -> String {
        let email = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = email.split(separator: "@")
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), email.count <= 254,
              !email.contains(where: { $0.isWhitespace }) else {
            throw DomainError.invalid([FieldError(field: "email", message: "must be an email address")])
        }
        return email
    }

    /// A new organization whose owner is `email` (a new member, or an existing one who gains a membership).
    public func createOrganization(name rawName: String, ownerEmail rawEmail: String) async throws -> CreatedOrganization {
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 255 else {
            throw DomainError.invalid([FieldError(field: "name", message: "must be 1 to 255 characters")])
        }
        let email = try Self.validateEmail(rawEmail)
        let password = Self.generatePassword()
        let passwordHash = try await Self.hashPassword(password)
        let members = MemberRepository(database: database)
        let organizations = OrganizationRepository(database: database)
        let audit = AuditRepository(database: database)
        return try await database.write { db in
            let organization = try await organizations.create(name: name, in: db)
            let member: Member
            var password: String? = password
            if let existing = try await members.findByEmail(email, in: db) {
                member = existing
                password = nil
            } else {
                member = try await members.create(email: email, passwordHash: passwordHash, in: db)
            }
            try await members.addMembership(organizationID: organization.id, memberID: member.id, role: .owner, in: db)
            try await audit.record(AuditEvent(
                organizationID: organization.id, actor: "cli", action: "organization.created", targetType: "organization",
                targetID: organization.id.description, targetName: organization.name, clientIP: nil), in: db)
            try await audit.record(AuditEvent(
                organizationID: organization.id, actor: "cli", action: "member.added", targetType: "member",
                targetID: member.id.description, targetName: member.email, clientIP: nil, details: "role owner"), in: db)
            return CreatedOrganization(organization: organization, ownerEmail: member.email, ownerPassword: password ?? "")
        }
    }
}
