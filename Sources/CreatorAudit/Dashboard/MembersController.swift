// Members of the current organization, invitations, switching organization, and the member's own account.
// Rules (who may change whom, the last owner, ending sessions) live in MemberAdministration.
import Foundation
import HTTPTypes
import Hummingbird

struct MembersController {
    let administration: MemberAdministration
    let members: MemberRepository
    let invitations: InvitationRepository
    let sessions: SessionRepository
    let publicURL: String

    static let notices: [String: String] = [
        "role": "The role was changed.", "removed": "The member was removed and signed out everywhere.",
        "password": "Your password was changed. Your other sessions were ended.",
        "revoked": "The invitation was revoked.",
    ]

    func addRoutes(to routes: Routes<AppRequestContext>) {
        /// The organization's members; owners and admins also see the invite form and role controls.
        routes.on(.get, "members") { request, context in try await membersPage(request, context) }
        /// Creates a one-time invitation link, then redirects to the page that shows it once.
        routes.on(.post, "members/invite") { request, context in
            let session = try signedIn(context)
            let (organizationID, role) = try session.requireManager()
            let form = try await FormData.read(request)
            guard let invitedRole = form["role"].flatMap(MemberRole.init(rawValue:)) else {
                throw APIError.validation([FieldError(field: "role", message: "must be owner, admin or member")])
            }
            let (invitation, token) = try await administration.invite(
                organizationID: organizationID, email: form["email"] ?? "", role: invitedRole, by: role, actor: session.actor(context))
            let payload = ["invitation", token, invitation.email].joined(separator: "\n")
            try await sessions.setFlash(idHash: session.record.idHash, sealed: try SessionSecret.seal(payload, forSession: session.secret))
            return Pages.redirect("/members/invited")
        }
        /// Shows the invitation link just created — once.
        routes.on(.get, "members/invited") { _, context in
            let session = try signedIn(context)
            var values: [String: Any] = ["shown": false]
            if let sealed = try await sessions.takeFlash(idHash: session.record.idHash),
               let payload = SessionSecret.open(sealed, forSession: session.secret) {
                let parts = payload.split(separator: "\n").map(String.init)
                if parts.count == 3, parts[0] == "invitation" {
                    values = ["shown": true, "link": "\(publicURL)/invitations/\(parts[1])", "email": parts[2]]
                }
            }
            return try await page("invitation-created", title: "Invitation", session, values, showsSecret: true)
        }
        /// Changes a member's role (the last owner stays an owner).
        routes.on(.post, "members/{id}/role") { request, context in
            let session = try signedIn(context)
            let (organizationID, role) = try session.requireManager()
            let form = try await FormData.read(request)
            guard let newRole = form["role"].flatMap(MemberRole.init(rawValue:)) else {
                throw APIError.validation([FieldError(field: "role", message: "must be owner, admin or member")])
            }
            try await administration.changeRole(
                organizationID: organizationID, memberID: try memberID(context), to: newRole, by: role, actor: session.actor(context))
            return Pages.redirect("/members?notice=role")
        }
        /// Removes a member from the organization and ends their sessions at once.
        routes.on(.post, "members/{id}/remove") { _, context in
            let session = try signedIn(context)
            let (organizationID, role) = try session.requireManager()
            let target = try memberID(context)
            try await administration.remove(organizationID: organizationID, memberID: target, by: role, actor: session.actor(context))
            return Pages.redirect(target == session.memberID ? "/sign-in" : "/members?notice=removed")
        }
        /// Makes another of the member's organizations the current one.
        routes.on(.post, "organizations/switch") { request, context in
            let session = try signedIn(context)
            let form = try await FormData.read(request)
            guard let wanted = form["organization_id"].flatMap(OrganizationID.init),
                  try await members.organizations(memberID: session.memberID).contains(where: { $0.id == wanted })
            else { throw APIError.notFound("organization") }
            try await sessions.setOrganization(idHash: session.record.idHash, organizationID: wanted)
            return Pages.redirect("/")
        }
        /// The member's own account: change password.
        routes.on(.get, "account") { request, context in
            let session = try signedIn(context)
            var values: [String: Any] = [:]
            if let notice = request.uri.queryParameters["notice"].flatMap({ Self.notices[String($0)] }) { values["notice"] = notice }
            return try await page("account", title: "Account", session, values, section: "account")
        }
        /// Changes the password (12–72 bytes) and ends the member's other sessions.
        routes.on(.post, "account/password") { request, context in
            let session = try signedIn(context)
            let form = try await FormData.read(request)
            try await administration.changePassword(
                memberID: session.memberID, current: form["current_password"] ?? "", new: form["new_password"] ?? "",
                keepingSession: session.record.idHash, organizationID: session.organizationID, actor: session.actor(context))
            return Pages.redirect("/account?notice=password")
        }
    }

    func signedIn(_ context: AppRequestContext) throws -> DashboardSession {
        guard let session = context.session else { throw APIError(.unauthorized, "Sign in first.") }
        return session
    }

    func memberID(_ context: AppRequestContext) throws -> MemberID {
        guard let id = context.parameters.get("id").flatMap(MemberID.init) else { throw APIError.notFound("member") }
        return id
    }

    func page(_ template: String, title: String, _ session: DashboardSession, _ values: [String: Any],
              section: String = "members", showsSecret: Bool = false) async throws -> Response {
        let organizations = try await members.organizations(memberID: session.memberID)
        return Pages.page(template, title: title, section: section, session: session, organizations: organizations, values,
                          showsSecret: showsSecret)
    }

    func membersPage(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let session = try signedIn(context)
        let organizationID = try session.requireOrganization()
        let isOwner = session.role == .owner
        let rows = try await members.list(organizationID: organizationID).map { row -> [String: Any] in
            [
                "id": row.member.id.description, "email": row.member.email, "role": row.role.rawValue,
                "since": Pages.date(row.since), "is_me": row.member.id == session.memberID,
                "is_owner": row.role == .owner, "is_admin": row.role == .admin, "is_member": row.role == .member,
                // Admins neither grant nor see the owner choice; an owner's row shows it so the select is truthful.
                "owner_choice": isOwner || row.role == .owner,
            ]
        }
        let pending = session.canManage ? try await invitations.pending(organizationID: organizationID) : []
        var values: [String: Any] = [
            "members": rows, "is_owner_me": isOwner, "has_pending": !pending.isEmpty,
            "pending": pending.map(SettingsController.invitationRow), "invitations_return": "/members",
        ]
        if let notice = request.uri.queryParameters["notice"].flatMap({ Self.notices[String($0)] }) { values["notice"] = notice }
        return try await page("members", title: "Members", session, values)
    }
}
