// Cross-site request forgery, refused twice over (README, "Dashboard"): every POST must come from our own origin
// (`Origin`, `Sec-Fetch-Site`), and every POST of a signed-in member must carry the session's CSRF token.
// A refusal is a 403 page and nothing runs, so nothing changes.
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension APIError {
    static let crossSite = APIError(
        .forbidden, "This form could not be accepted: it did not come from this dashboard, or the page was out of date. "
            + "Go back, reload the page and try again.")
}

/// Any POST to the dashboard: the browser must say it comes from this site.
struct SameOriginMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    /// `https://host[:port]` of --public-url.
    let origin: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method != .get && request.method != .head {
            if let site = request.headers[.secFetchSite]?.lowercased(), site != "same-origin", site != "none" {
                throw APIError.crossSite
            }
            // With `Referrer-Policy: no-referrer` browsers send `Origin: null` for our own forms, so "null" proves
            // nothing either way: Sec-Fetch-Site (above) and the CSRF token decide then.
            if let sent = request.headers[.origin], sent != "null", sent.lowercased() != origin.lowercased() {
                throw APIError.crossSite
            }
        }
        return try await next(request, context)
    }

    static func origin(of publicURL: String) -> String {
        guard let components = URLComponents(string: publicURL), let scheme = components.scheme, let host = components.host
        else { return publicURL }
        return components.port.map { "\(scheme)://\(host):\($0)" } ?? "\(scheme)://\(host)"
    }
}

/// POSTs of a signed-in member: the form's `csrf_token` must match the session's (compared as SHA-256, in
/// constant time). The body is read here and handed on unchanged.
struct CSRFTokenMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let maximumFormBytes = 64 * 1024

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method != .get, request.method != .head else { return try await next(request, context) }
        guard let session = context.session else { return Pages.redirect("/sign-in") }
        var request = request
        let buffer = try await request.body.collect(upTo: Self.maximumFormBytes)
        let form = FormData(buffer: buffer)
        guard let token = form["csrf_token"],
              ConstantTime.equal(SessionSecret.hash(token), session.record.csrfHash)
        else { throw APIError.crossSite }
        request.body = .init(buffer: buffer)
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
}
