// Revoking an open invitation (README, "Dashboard"): its row goes, so the link answers like an unknown one.
import SQLKit

extension InvitationRepository {
    /// Deletes an open (not accepted) invitation of the organization; nil when there is none with that id.
    func revoke(id: String, organizationID: OrganizationID, in db: any SQLDatabase) async throws -> Invitation? {
        guard let row = try await db.raw("""
            SELECT * FROM invitations WHERE id = \(bind: id) AND organization_id = \(bind: organizationID.description)
                AND accepted_at IS NULL
            """).first() else { return nil }
        let invitation = try Self.decode(row)
        try await db.raw("""
            DELETE FROM invitations WHERE id = \(bind: id) AND organization_id = \(bind: organizationID.description)
                AND accepted_at IS NULL
            """).run()
        return invitation
    }
}
