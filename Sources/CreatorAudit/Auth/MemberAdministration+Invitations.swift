// Revoking an invitation before it is used (README, "Dashboard"): owners and admins, audited like the invitation.
import Foundation

extension MemberAdministration {
    /// Revokes an open invitation of the organization (not found for an unknown, used or foreign one).
    public func revokeInvitation(
        organizationID: OrganizationID, id: String, by actorRole: MemberRole, actor: Actor
    ) async throws {
        guard Self.canManage(actorRole) else { throw DomainError.roleDenied }
        try await database.write { db in
            guard let invitation = try await invitations.revoke(id: id, organizationID: organizationID, in: db) else {
                throw DomainError.notFound("invitation")
            }
            try await audit.record(AuditEvent(
                organizationID: organizationID, actor: actor.name, action: "member.invitation_revoked",
                targetType: "member", targetID: nil, targetName: invitation.email, clientIP: actor.clientIP,
                details: "role \(invitation.role.rawValue)"), in: db)
        }
    }
}
