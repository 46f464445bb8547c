// The API keys page (README, "Dashboard"). Every action goes through KeyLifecycle — the same rules, audit events and
// cross-node signal as the CLI — for the session's current organization only; a key id from anywhere else
// is "not found". Members (read-only role) see the page without any form and get 403 on every action.
// A new key is shown once: the POST seals it into the session's flash and redirects; the page that shows it
// takes the flash in the same transaction, so a reload or going back finds nothing.
import Foundation
import HTTPTypes
import Hummingbird

struct KeysController {
    let lifecycle: KeyLifecycle
    let keys: APIKeyRepository
    let members: MemberRepository
    let sessions: SessionRepository
    let usage: UsageRecorder

    static let notices: [String: String] = [
        "renamed": "The key was renamed.", "disabled": "The key was disabled: requests with it are refused until you re-enable it.",
        "enabled": "The key was re-enabled.", "deleted": "The key was deleted.",
    ]

    func addRoutes(to routes: Routes<AppRequestContext>) {
        /// Enabled and disabled keys with their facts and 30-day usage; the create form for owners and admins.
        routes.on(.get, "keys") { request, context in try await keysPage(request, context) }
        /// Creates a key, then redirects to the page that shows it once.
        routes.on(.post, "keys") { request, context in try await create(request, context) }
        /// Shows the key just created or rolled — once.
        routes.on(.get, "keys/created") { _, context in try await created(context) }
        /// Renames a key.
        routes.on(.post, "keys/{id}/rename") { request, context in
            let (organizationID, session) = try manager(context)
            let form = try await FormData.read(request)
            _ = try await lifecycle.rename(organizationID: organizationID, id: try keyID(context), to: form["name"] ?? "",
                                           actor: session.actor(context))
            return Pages.redirect("/keys?notice=renamed")
        }
        /// Disables a key (refused with 403 until re-enabled).
        routes.on(.post, "keys/{id}/disable") { _, context in
            let (organizationID, session) = try manager(context)
            _ = try await lifecycle.disable(organizationID: organizationID, id: try keyID(context), actor: session.actor(context))
            return Pages.redirect("/keys?notice=disabled")
        }
        /// Re-enables a disabled key.
        routes.on(.post, "keys/{id}/enable") { _, context in
            let (organizationID, session) = try manager(context)
            _ = try await lifecycle.enable(organizationID: organizationID, id: try keyID(context), actor: session.actor(context))
            return Pages.redirect("/keys?notice=enabled")
        }
        /// The confirmation step before deleting, with a warning when the key was used in the last 24 hours.
        routes.on(.get, "keys/{id}/delete") { _, context in try await confirmDelete(context) }
        /// Deletes a key for good.
        routes.on(.post, "keys/{id}/delete") { _, context in
            let (organizationID, session) = try manager(context)
            try await lifecycle.delete(organizationID: organizationID, id: try keyID(context), actor: session.actor(context))
            return Pages.redirect("/keys?notice=deleted")
        }
        /// The roll form: choose how long the current key keeps working.
        routes.on(.get, "keys/{id}/roll") { _, context in
            let (organizationID, session) = try manager(context)
            let key = try await findKey(organizationID, context)
            return try await page("key-roll", title: "Roll \(key.name)", session, [
                "id": key.id.description, "name": key.name, "masked": key.masked,
            ])
        }
        /// Rolls a key: a new one with the same name and scopes (shown once); the old one expires after the overlap.
        routes.on(.post, "keys/{id}/roll") { request, context in
            let (organizationID, session) = try manager(context)
            let form = try await FormData.read(request)
            guard let hours = form["overlap_hours"].flatMap(Int64.init) else {
                throw APIError.validation([FieldError(field: "overlap", message: "must be between 0 hours and 7 days")])
            }
            let (old, new) = try await lifecycle.roll(
                organizationID: organizationID, id: try keyID(context), overlapSeconds: hours * 3600, actor: session.actor(context))
            try await showOnce(new, session: session, oldExpiry: old.expiresAt)
            return Pages.redirect("/keys/created")
        }
    }

    func manager(_ context: AppRequestContext) throws -> (OrganizationID, DashboardSession) {
        guard let session = context.session else { throw APIError(.unauthorized, "Sign in first.") }
        let (organizationID, _) = try session.requireManager()
        return (organizationID, session)
    }

    func keyID(_ context: AppRequestContext) throws -> APIKeyID {
        guard let id = context.parameters.get("id").flatMap(APIKeyID.init) else { throw APIError.notFound("API key") }
        return id
    }

    func findKey(_ organizationID: OrganizationID, _ context: AppRequestContext) async throws -> APIKeyRecord {
        guard let key = try await keys.find(organizationID: organizationID, id: try keyID(context)) else {
            throw APIError.notFound("API key")
        }
        return key
    }

    func page(_ template: String, title: String, _ session: DashboardSession, _ values: [String: Any],
              showsSecret: Bool = false) async throws -> Response {
        let organizations = try await members.organizations(memberID: session.memberID)
        return Pages.page(template, title: title, section: "keys", session: session, organizations: organizations, values,
                          showsSecret: showsSecret)
    }

    func keysPage(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        guard let session = context.session else { return Pages.redirect("/sign-in") }
        let organizationID = try session.requireOrganization()
        let now = Timestamp.now
        let window = UsageChart.window(endingAt: now)
        var enabled: [[String: Any]] = [], disabled: [[String: Any]] = []
        for key in try await keys.list(organizationID: organizationID) {
            let counts = try await KeyUsageCounts.of(key, keys: keys, usage: usage, since: window[0])
            let row = Self.row(key, counts: counts, window: window, lastUsed: lastUsed(key), now: now)
            if key.status == .enabled { enabled.append(row) } else { disabled.append(row) }
        }
        var values: [String: Any] = [
            "enabled": enabled, "disabled_keys": disabled,
            "enabled_count": enabled.count, "disabled_count": disabled.count,
        ]
        if let notice = request.uri.queryParameters["notice"].flatMap({ Self.notices[String($0)] }) { values["notice"] = notice }
        return try await page("keys", title: "API keys", session, values)
    }

    static func row(_ key: APIKeyRecord, counts: [String: Int], window: [String], lastUsed: Timestamp?, now: Timestamp) -> [String: Any] {
        [
            "id": key.id.description, "name": key.name, "masked": key.masked,
            "scopes": key.scopes.map(\.rawValue).joined(separator: ", "),
            "created": Pages.date(key.createdAt), "created_by": key.createdBy,
            "last_used": lastUsed.map(Pages.date) ?? "never",
            "expires": key.expiresAt.map(Pages.date) ?? "never",
            "expired": key.isExpired(at: now), "disabled": key.status != .enabled,
            "chart": UsageChart.svg(counts: counts, days: window),
            "requests_30d": Self.requests(window.reduce(0) { $0 + (counts[$1] ?? 0) }),
        ]
    }

    static func requests(_ count: Int) -> String { count == 1 ? "1 request" : "\(count) requests" }

    /// The newest of the stored minute and what this node has not written yet.
    func lastUsed(_ key: APIKeyRecord) -> Timestamp? {
        let pending = usage.pendingUsage(of: key.id)?.lastUsed
        switch (key.lastUsedAt, pending) {
        case (let stored?, let pending?): return max(stored, pending.minute)
        case (let stored, let pending): return stored ?? pending?.minute
        }
    }

    func create(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (organizationID, session) = try manager(context)
        let form = try await FormData.read(request)
        let scopes = form.all("scopes").compactMap(Scope.init(rawValue:))
        var expiresAt: Timestamp?
        if let days = form["expires_in"], !days.isEmpty {
            guard let count = Int64(days), (1...3650).contains(count) else {
                throw APIError.validation([FieldError(field: "expires_in", message: "must be a number of days")])
            }
            expiresAt = Timestamp.now.adding(seconds: count * 86400)
        }
        let created = try await lifecycle.create(
            organizationID: organizationID, name: form["name"] ?? "", scopes: scopes, expiresAt: expiresAt,
            actor: session.actor(context))
        try await showOnce(created, session: session, oldExpiry: nil)
        return Pages.redirect("/keys/created")
    }

    /// Seals the new key into the session's flash (openable only with the browser's session id).
    func showOnce(_ created: CreatedAPIKey, session: DashboardSession, oldExpiry: Timestamp?) async throws {
        let payload = ["key", created.record.id.description, created.token.secret, oldExpiry.map { String($0.seconds) } ?? ""]
            .joined(separator: "\n")
        try await sessions.setFlash(idHash: session.record.idHash, sealed: try SessionSecret.seal(payload, forSession: session.secret))
    }

    func created(_ context: AppRequestContext) async throws -> Response {
        guard let session = context.session else { return Pages.redirect("/sign-in") }
        let organizationID = try session.requireOrganization()
        var values: [String: Any] = ["shown": false]
        if let sealed = try await sessions.takeFlash(idHash: session.record.idHash),
           let payload = SessionSecret.open(sealed, forSession: session.secret) {
            let parts = payload.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if parts.count == 4, parts[0] == "key", let id = APIKeyID(parts[1]),
               let key = try await keys.find(organizationID: organizationID, id: id) {
                values = [
                    "shown": true, "heading": parts[3].isEmpty ? "Your new API key" : "Your rolled API key",
                    "secret": parts[2], "name": key.name, "scopes": key.scopes.map(\.rawValue).joined(separator: ", "),
                    "expires": key.expiresAt.map(Pages.date) ?? "never",
                ]
                if let seconds = Int64(parts[3]) { values["old_expires"] = Pages.date(Timestamp(seconds: seconds)) }
            }
        }
        return try await page("key-created", title: "New API key", session, values, showsSecret: true)
    }

    func confirmDelete(_ context: AppRequestContext) async throws -> Response {
        let (organizationID, session) = try manager(context)
        let key = try await findKey(organizationID, context)
        let lastUsed = lastUsed(key)
        let recently = lastUsed.map { Timestamp.now.seconds - $0.seconds < 24 * 3600 } ?? false
        return try await page("key-delete", title: "Delete \(key.name)", session, [
            "id": key.id.description, "name": key.name, "masked": key.masked,
            "recently_used": recently, "last_used": lastUsed.map(Pages.date) ?? "",
        ])
    }
}
