// Invitations to join an organization: a one-time link (7 days, single use). Only SHA-256 of its token is stored.
import Foundation
import SQLKit

public struct Invitation: Sendable {
    public let id: String
    public let organizationID: OrganizationID
    public let email: String
    public let role: MemberRole
    public let invitedBy: String
    public let createdAt: Timestamp
    public let expiresAt: Timestamp
    public let acceptedAt: Timestamp?
}

public struct InvitationRepository: Sendable {
    public static let lifetime: Int64 = 7 * 24 * 3600

    let database: Database

    public init(database: Database) { self.database = database }

    func insert(_ invitation: Invitation, tokenHash: String, in db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO invitations (id, token_hash, organization_id, email, role, invited_by, created_at, expires_at, accepted_at)
            VALUES (\(bind: invitation.id), \(bind: tokenHash), \(bind: invitation.organizationID.description),
                \(bind: invitation.email), \(bind: invitation.role.rawValue), \(bind: invitation.invitedBy),
                \(bind: invitation.createdAt.seconds), \(bind: invitation.expiresAt.seconds), NULL)
            """).run()
    }

    /// The invitation a token stands for (accepted or expired ones too: the caller decides).
    func find(token: String, in db: any SQLDatabase) async throws -> Invitation? {
        let tokenHash = SessionSecret.hash(token)
        guard let row = try await db.raw("SELECT * FROM invitations WHERE token_hash = \(bind: tokenHash)").first(),
              ConstantTime.equal(try row.reader("invitations").value("token_hash", as: String.self), tokenHash)
        else { return nil }
        return try Self.decode(row)
    }

    func find(token: String) async throws -> Invitation? {
        try await database.read { db in try await find(token: token, in: db) }
    }

    /// Marks it used; false when another request used it first.
    func markAccepted(id: String, organizationID: OrganizationID, in db: any SQLDatabase) async throws -> Bool {
        let rows = try await db.raw("""
            UPDATE invitations SET accepted_at = \(bind: Timestamp.now.seconds)
            WHERE id = \(bind: id) AND organization_id = \(bind: organizationID.description) AND accepted_at IS NULL
            RETURNING id
            """).all()
        return !rows.isEmpty
    }

    /// Open invitations of an organization, newest first.
    public func pending(organizationID: OrganizationID, now: Timestamp = .now) async throws -> [Invitation] {
        try await database.read { db in
            try await db.raw("""
                SELECT * FROM invitations WHERE organization_id = \(bind: organizationID.description)
                    AND accepted_at IS NULL AND expires_at > \(bind: now.seconds)
                ORDER BY created_at DESC, id
                """).all().map(Self.decode)
        }
    }

    static func decode(_ row: any SQLRow) throws -> Invitation {
        Invitation(
            id: try row.reader("invitations").value("id", as: String.self),
            organizationID: try row.reader("invitations").id("organization_id", as: OrganizationID.self),
            email: try row.reader("invitations").value("email", as: String.self),
            role: try row.reader("invitations").choice("role", as: MemberRole.self),
            invitedBy: try row.reader("invitations").value("invited_by", as: String.self),
            createdAt: Timestamp(seconds: try row.reader("invitations").value("created_at", as: Int64.self)),
            expiresAt: Timestamp(seconds: try row.reader("invitations").value("expires_at", as: Int64.self)),
            acceptedAt: try row.reader("invitations").optional("accepted_at", as: Int64.self).map(Timestamp.init(seconds:)))
    }
}
