// Settings (README, "Dashboard"): the organization's name and scraping defaults — what `PATCH /v2/organization`
// changes, through the same audited `OrganizationRepository.updateSettings` — and, read-only, the operator's rate
// limit and account quota. Open invitations can be revoked here and on the members page. Members see it read-only.
import Foundation
import Hummingbird

struct SettingsController {
    let services: DataPageServices
    let administration: MemberAdministration
    let invitations: InvitationRepository
    /// Cached key data carries the organization's name (whoami): a rename invalidates it on this node at once.
    let onOrganizationChange: @Sendable () -> Void

    static let notices = ["saved": "The settings were saved.", "revoked": "The invitation was revoked."]
    /// The post age limits offered (any other stored value is shown as well).
    static let lookbackPresets = AccountDetailController.lookbackPresets

    func addRoutes(to routes: Routes<AppRequestContext>) {
        /// The organization's name, scraping defaults, limits and open invitations.
        routes.on(.get, "settings") { request, context in try await show(request, context) }
        /// Saves the name and the scraping defaults (audited).
        routes.on(.post, "settings") { request, context in try await save(request, context) }
        /// Revokes an open invitation (audited); back to the page it was revoked from.
        routes.on(.post, "settings/invitations/{id}/revoke") { request, context in
            let page = try DataPage(request, context, services)
            let (organizationID, role) = try page.session.requireManager()
            let form = try await FormData.read(request)
            guard let raw = context.parameters.get("id"), UUID(uuidString: raw) != nil else {
                throw DomainError.notFound("invitation")
            }
            try await administration.revokeInvitation(organizationID: organizationID, id: raw.lowercased(), by: role,
                                                      actor: page.actor(context))
            let back = form["return_to"] == "/members" ? "/members" : "/settings"
            return Pages.redirect(back + "?notice=revoked")
        }
    }

    func show(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let page = try DataPage(request, context, services)
        guard let organization = try await page.store.organization.find(page.organizationID) else {
            throw DomainError.notFound("organization")
        }
        var lookbacks = Self.lookbackPresets.map { preset -> [String: Any] in
            ["lookback_days": preset.days, "lookback_label": preset.label,
             "lookback_selected": preset.days == organization.postLookbackDays]
        }
        if !Self.lookbackPresets.contains(where: { $0.days == organization.postLookbackDays }) {
            lookbacks.append(["lookback_days": organization.postLookbackDays,
                              "lookback_label": LookbackText.words(organization.postLookbackDays), "lookback_selected": true])
        }
        var values: [String: Any] = [
            "org_name": organization.name,
            "max_recent": organization.maxRecentPostsPerAccount,
            "lookback_words": LookbackText.words(organization.postLookbackDays),
            "lookbacks": lookbacks,
            "rate_limit": Figure.count(organization.rateLimit),
            "quota": organization.accountQuota.map { Figure.count($0) + " accounts" } ?? "No quota",
        ]
        if page.canManage {
            let pending = try await invitations.pending(organizationID: page.organizationID)
            values["pending"] = pending.map(Self.invitationRow)
            values["has_pending"] = !pending.isEmpty
            values["invitations_return"] = "/settings"
        }
        if let notice = page.notice(Self.notices) { values["notice"] = notice }
        return try await page.render("settings", title: "Settings", section: "settings", values)
    }

    static func invitationRow(_ invitation: Invitation) -> [String: Any] {
        ["invitation_id": invitation.id, "invitation_email": invitation.email, "invitation_role": invitation.role.rawValue,
         "invited_by": invitation.invitedBy, "invitation_expires": Pages.date(invitation.expiresAt)]
    }

    func save(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let page = try DataPage(request, context, services)
        try page.requireManager()
        let form = try await FormData.read(request)
        var errors: [FieldError] = []
        let name = (form["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if !(1...255).contains(name.count) { errors.append(FieldError(field: "name", message: "must be 1 to 255 characters")) }
        let maxPosts = form["max_recent_posts_per_account"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        if maxPosts.map({ !(1...500).contains($0) }) ?? true {
            errors.append(FieldError(field: "max_recent_posts_per_account", message: "must be a whole number from 1 to 500"))
        }
        let lookback = form["post_lookback_days"].flatMap { Int($0) }
        if lookback.map({ !(1...365).contains($0) }) ?? true {
            errors.append(FieldError(field: "post_lookback_days", message: "must be from 1 to 365 days"))
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        guard let current = try await page.store.organization.find(page.organizationID) else {
            throw DomainError.notFound("organization")
        }
        // Only what changed, so the audit event names exactly that (nothing changed, nothing recorded).
        _ = try await page.store.organization.updateSettings(
            page.organizationID, name: name == current.name ? nil : name,
            maxRecentPostsPerAccount: maxPosts == current.maxRecentPostsPerAccount ? nil : maxPosts,
            postLookbackDays: lookback == current.postLookbackDays ? nil : lookback, actor: page.actor(context))
        onOrganizationChange()
        return Pages.redirect("/settings?notice=saved")
    }
}
