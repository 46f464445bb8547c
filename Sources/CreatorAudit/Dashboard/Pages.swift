// Rendering dashboard pages: Mustache templates (HTML-escaped by default) inside one of two layouts, and the
// headers every dashboard response carries. Error pages for everything outside /v2 are built here too.
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

enum Pages {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in Templates.all {
            do {
                try library.register(text, named: name)
            } catch {
                // A template that does not parse is a bug in this file set; the test suite renders every page.
                preconditionFailure("dashboard template \(name) does not parse: \(error)")
            }
        }
        return library
    }()

    /// No inline script anywhere; one stylesheet and one script, both ours.
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    static func addSecurityHeaders(_ headers: inout HTTPFields) {
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xFrameOptions] = "DENY"
        headers[.referrerPolicy] = "no-referrer"
    }

    /// A full page inside the signed-in layout (sidebar, organization switcher, sign-out).
    static func page(
        _ template: String, title: String, section: String, session: DashboardSession, organizations: [MemberOrganization],
        _ values: [String: Any] = [:], status: HTTPResponse.Status = .ok, showsSecret: Bool = false
    ) -> Response {
        var common: [String: Any] = [
            "csrf": session.csrfToken,
            "email": session.email,
            "organization_name": session.record.organizationName ?? "",
            "can_manage": session.canManage,
            "role": session.role?.rawValue ?? "",
        ]
        for (name, value) in values { common[name] = value }
        let content = library.render(common, withTemplate: template) ?? ""
        let layout: [String: Any] = [
            "title": title,
            "content": content,
            "csrf": session.csrfToken,
            "email": session.email,
            "role": session.role?.rawValue ?? "",
            "organization_name": session.record.organizationName ?? "No organization",
            "several_organizations": organizations.count > 1,
            "organizations": organizations.map { organization -> [String: Any] in
                ["id": organization.id.description, "name": organization.name,
                 "selected": organization.id == session.organizationID]
            },
            // The sidebar marks the page's section (`nav_keys`, `nav_accounts`, …).
            "nav_" + section: true,
        ]
        return html(library.render(layout, withTemplate: "layout") ?? "", status: status, showsSecret: showsSecret)
    }

    /// A page without the sidebar (sign-in, invitations, errors).
    static func bare(
        _ template: String, title: String, _ values: [String: Any] = [:], status: HTTPResponse.Status = .ok,
        showsSecret: Bool = false
    ) -> Response {
        html(bareHTML(template, title: title, values), status: status, showsSecret: showsSecret)
    }

    static func bareHTML(_ template: String, title: String, _ values: [String: Any]) -> String {
        let content = library.render(values, withTemplate: template) ?? ""
        return library.render(["title": title, "content": content], withTemplate: "bare") ?? ""
    }

    static func html(_ body: String, status: HTTPResponse.Status = .ok, showsSecret: Bool = false) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        // Pages are personal; those that show a secret must never be stored anywhere.
        headers[.cacheControl] = showsSecret ? "no-store" : "no-store, private"
        addSecurityHeaders(&headers)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// 303 See Other to a path of this dashboard.
    static func redirect(_ path: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = path
        headers[.cacheControl] = "no-store"
        addSecurityHeaders(&headers)
        return Response(status: .seeOther, headers: headers)
    }

    /// The dashboard's error page: status, title and our own wording — never a stack trace or an input value.
    static func error(_ error: APIError, requestID: String) -> Response {
        var response = html(errorHTML(error, requestID: requestID), status: error.code.status)
        for (name, value) in error.headers {
            if let field = HTTPField.Name(name) { response.headers[field] = value }
        }
        return response
    }

    static func errorHTML(_ error: APIError, requestID: String) -> String {
        var values: [String: Any] = [
            "status": Int(error.code.status.code),
            "title": error.code.title,
            "detail": error.code == .internalError ? "Something went wrong on our side. Please try again." : error.detail,
            "request_id": requestID,
            "errors": error.errors.map { ["field": $0.field.replacingOccurrences(of: "_", with: " "), "message": $0.message] },
        ]
        values["has_errors"] = !error.errors.isEmpty
        return bareHTML("error", title: "\(error.code.status.code) \(error.code.title)", values)
    }

    // Formatting shared by the pages.

    static func date(_ time: Timestamp?) -> String {
        guard let time else { return "" }
        let iso = time.iso8601
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(5)) + " UTC"
    }
}

/// Adds the dashboard's security headers to every response of its routes (pages, redirects, assets).
struct DashboardHeadersMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        Pages.addSecurityHeaders(&response.headers)
        return response
    }
}

extension HTTPField.Name {
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}
