// Members are the people who sign in to the dashboard; memberships give them a role in an organization.
import Foundation
import SQLKit

public enum MemberRole: String, Sendable, Codable {
    case owner, admin, member
}

public struct Member: Sendable, Equatable {
    public let id: MemberID
    public let email: String
}

public struct MemberRepository: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    func findByEmail(_ email: String, in db: any SQLDatabase) async throws -> Member? {
        try await db.raw("SELECT id, email FROM members WHERE email = \(bind: email.lowercased())").first().map {
            Member(id: try $0.reader("members").id("id", as: MemberID.self),
                   email: try $0.reader("members").value("email", as: String.self))
        }
    }

    func create(email: String, passwordHash: String, in db: any SQLDatabase) async throws -> Member {
        let member = Member(id: MemberID(), email: email.lowercased())
        try await db.raw("""
            INSERT INTO members (id, email, password_hash, created_at)
            VALUES (\(bind: member.id.description), \(bind: member.email), \(bind: passwordHash), \(bind: Timestamp.now.seconds))
            """).run()
        return member
    }

    func addMembership(organizationID: OrganizationID, memberID: MemberID, role: MemberRole, in db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO memberships (organization_id, member_id, role, created_at)
            VALUES (\(bind: organizationID.description), \(bind: memberID.description), \(bind: role.rawValue),
                \(bind: Timestamp.now.seconds))
            """).run()
    }

    /// The role of a member in one organization; nil when they do not belong to it.
    public func role(organizationID: OrganizationID, memberID: MemberID) async throws -> MemberRole? {
        try await database.read { db in
            try await db.raw("""
                SELECT role FROM memberships
                WHERE organization_id = \(bind: organizationID.description) AND member_id = \(bind: memberID.description)
                """).first().map { try $0.reader("members").choice("role", as: MemberRole.self) }
        }
    }
}

/// A member as listed on an organization's members page.
public struct MembershipRow: Sendable {
    public let member: Member
    public let role: MemberRole
    public let since: Timestamp
}

/// One organization a member belongs to (the organization switcher).
public struct MemberOrganization: Sendable {
    public let id: OrganizationID
    public let name: String
    public let role: MemberRole
}

extension MemberRepository {
    /// The member and bcrypt hash for an email (sign-in).
    func credentials(email: String) async throws -> (member: Member, passwordHash: String)? {
        try await database.read { db in
            try await db.raw("SELECT id, email, password_hash FROM members WHERE email = \(bind: email.lowercased())").first()
                .map { row in
                    (Member(id: try row.reader("members").id("id", as: MemberID.self),
                            email: try row.reader("members").value("email", as: String.self)),
                     try row.reader("members").value("password_hash", as: String.self))
                }
        }
    }

    func passwordHash(memberID: MemberID) async throws -> String? {
        try await database.read { db in
            try await db.raw("SELECT password_hash FROM members WHERE id = \(bind: memberID.description)").first()?
                .reader("members").value("password_hash", as: String.self)
        }
    }

    func setPasswordHash(memberID: MemberID, _ hash: String, in db: any SQLDatabase) async throws {
        try await db.raw("UPDATE members SET password_hash = \(bind: hash) WHERE id = \(bind: memberID.description)").run()
    }

    /// The organization's members, owners first, then by email.
    public func list(organizationID: OrganizationID) async throws -> [MembershipRow] {
        try await database.read { db in
            try await db.raw("""
                SELECT m.id, m.email, ms.role, ms.created_at FROM memberships ms JOIN members m ON m.id = ms.member_id
                WHERE ms.organization_id = \(bind: organizationID.description)
                ORDER BY CASE ms.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, m.email
                """).all().map { row in
                MembershipRow(
                    member: Member(id: try row.reader("members").id("id", as: MemberID.self),
                                   email: try row.reader("members").value("email", as: String.self)),
                    role: try row.reader("members").choice("role", as: MemberRole.self),
                    since: Timestamp(seconds: try row.reader("members").value("created_at", as: Int64.self)))
            }
        }
    }

    /// Every organization the member belongs to, by name.
    public func organizations(memberID: MemberID) async throws -> [MemberOrganization] {
        try await database.read { db in
            try await db.raw("""
                SELECT o.id, o.name, ms.role FROM memberships ms JOIN organizations o ON o.id = ms.organization_id
                WHERE ms.member_id = \(bind: memberID.description) ORDER BY o.name, o.id
                """).all().map { row in
                MemberOrganization(
                    id: try row.reader("members").id("id", as: OrganizationID.self),
                    name: try row.reader("members").value("name", as: String.self),
                    role: try row.reader("members").choice("role", as: MemberRole.self))
            }
        }
    }

    func role(organizationID: OrganizationID, memberID: MemberID, in db: any SQLDatabase) async throws -> MemberRole? {
        try await db.raw("""
            SELECT role FROM memberships
            WHERE organization_id = \(bind: organizationID.description) AND member_id = \(bind: memberID.description)
            """).first().map { try $0.reader("members").choice("role", as: MemberRole.self) }
    }

    func email(organizationID: OrganizationID, memberID: MemberID, in db: any SQLDatabase) async throws -> String? {
        try await db.raw("""
            SELECT m.email FROM memberships ms JOIN members m ON m.id = ms.member_id
            WHERE ms.organization_id = \(bind: organizationID.description) AND ms.member_id = \(bind: memberID.description)
            """).first()?.reader("members").value("email", as: String.self)
    }

    func ownerCount(organizationID: OrganizationID, in db: any SQLDatabase) async throws -> Int {
        try await db.raw("""
            SELECT COUNT(*) AS n FROM memberships WHERE organization_id = \(bind: organizationID.description) AND role = 'owner'
            """).first()?.reader("members").value("n", as: Int.self) ?? 0
    }

    func setRole(organizationID: OrganizationID, memberID: MemberID, role: MemberRole, in db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE memberships SET role = \(bind: role.rawValue)
            WHERE organization_id = \(bind: organizationID.description) AND member_id = \(bind: memberID.description)
            """).run()
    }

    func removeMembership(organizationID: OrganizationID, memberID: MemberID, in db: any SQLDatabase) async throws {
        try await db.raw("""
            DELETE FROM memberships
            WHERE organization_id = \(bind: organizationID.description) AND member_id = \(bind: memberID.description)
            """).run()
    }
}
