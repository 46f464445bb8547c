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
            Member(id: MemberID(try $0.decode(column: "id", as: String.self)) ?? MemberID(),
                   email: try $0.decode(column: "email", as: String.self))
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
                """).first().flatMap { MemberRole(rawValue: try $0.decode(column: "role", as: String.self)) }
        }
    }
}
