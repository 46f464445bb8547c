// The organization's audit log: key, member and sign-in events, newest first, 50 to a page.
import Foundation
import Hummingbird

struct AuditController {
    static let pageSize = 50
    let audit: AuditRepository
    let members: MemberRepository

    func addRoutes(to routes: Routes<AppRequestContext>) {
        /// One page of the current organization's audit events (`?page=N`, from 1).
        routes.on(.get, "audit") { request, context in
            guard let session = context.session else { return Pages.redirect("/sign-in") }
            let organizationID = try session.requireOrganization()
            let page = max(1, min(100_000, request.uri.queryParameters["page"].flatMap { Int(String($0)) } ?? 1))
            let events = try await audit.list(
                organizationID: organizationID, limit: Self.pageSize + 1, offset: (page - 1) * Self.pageSize)
            let rows = events.prefix(Self.pageSize).map { event -> [String: Any] in
                [
                    "time": Pages.date(event.occurredAt), "actor": event.actor, "action": event.action,
                    "target": event.targetName ?? event.targetID ?? event.targetType,
                    "details": event.details ?? "", "client_ip": event.clientIP ?? "—",
                ]
            }
            var values: [String: Any] = ["events": rows, "page": page]
            if page > 1 { values["previous"] = page - 1 }
            if events.count > Self.pageSize { values["next"] = page + 1 }
            let organizations = try await members.organizations(memberID: session.memberID)
            return Pages.page("audit", title: "Audit log", section: "audit", session: session, organizations: organizations, values)
        }
    }
}
