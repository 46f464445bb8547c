// The signed-in member, as the session middleware found them: the session row plus the cookie's secret
// (needed to derive the CSRF token and open a flash). Pages and forms act only on `organizationID`.
import Foundation
import HTTPTypes
import Hummingbird

public struct DashboardSession: Sendable {
    public let record: SessionRecord
    /// The cookie value. Never logged or rendered.
    let secret: String

    var memberID: MemberID { record.memberID }
    var email: String { record.email }
    var organizationID: OrganizationID? { record.organizationID }
    var role: MemberRole? { record.role }
    var csrfToken: String { SessionSecret.csrfToken(forSession: secret) }
    /// Owners and admins manage keys, members and settings; members only read.
    var canManage: Bool { MemberAdministration.canManage(record.role) }

    func actor(_ context: AppRequestContext) -> Actor { Actor(name: record.email, clientIP: context.clientAddress) }

    /// The current organization, or 404 when the member belongs to none any more.
    func requireOrganization() throws -> OrganizationID {
        guard let organizationID = record.organizationID else {
            throw APIError(.notFound, "You do not belong to an organization any more.")
        }
        return organizationID
    }

    /// Actions that change keys, members or settings.
    func requireManager() throws -> (OrganizationID, MemberRole) {
        let organizationID = try requireOrganization()
        guard let role = record.role, canManage else { throw DomainError.roleDenied }
        return (organizationID, role)
    }
}

enum SessionCookie {
    static let name = "__Host-session"

    /// `__Host-` requires Secure, Path=/ and no Domain; the session lives on the server, so no Max-Age either.
    static func set(_ secret: String) -> String {
        "\(name)=\(secret); Path=/; Secure; HttpOnly; SameSite=Strict"
    }

    static let clear = "\(name)=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict"

    static func value(in request: Request) -> String? {
        guard let value = request.cookies[name]?.value, !value.isEmpty, value.utf8.count <= 128 else { return nil }
        return value
    }
}

/// Loads the session named by the cookie. With `required`, a request without a valid session is sent to the
/// sign-in page (nothing else runs, so nothing changes).
struct SessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let sessions: SessionRepository
    let members: MemberRepository
    let required: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let secret = SessionCookie.value(in: request), var record = try await sessions.find(secret: secret) {
            // Removed from the current organization (or never chose one): move to another membership, if any.
            if record.organizationID == nil, let first = try await members.organizations(memberID: record.memberID).first {
                try await sessions.setOrganization(idHash: record.idHash, organizationID: first.id)
                record = try await sessions.find(secret: secret) ?? record
            }
            context.session = DashboardSession(record: record, secret: secret)
        } else if required {
            var response = Pages.redirect("/sign-in")
            if SessionCookie.value(in: request) != nil { response.headers[.setCookie] = SessionCookie.clear }
            return response
        }
        return try await next(request, context)
    }
}
