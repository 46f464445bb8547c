// `GET /v2/openapi.json` (the committed document, byte for byte) and `GET /v2/docs` (a reference page rendered
// from it on the server). Both are open, static and answer conditional GETs.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore

struct DocsController {
    /// nil when this installation lacks its description (see OpenAPIDocument).
    let document: OpenAPIDocument?
    let page: StaticPage?

    /// The page loads nothing from anywhere and runs no script.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    init(document: OpenAPIDocument? = OpenAPIDocument.bundled) {
        self.document = document
        self.page = document.map { StaticPage(html: APIReferencePage.render($0)) }
    }

    func addRoutes(to routes: Routes<AppRequestContext>) {
        /// The OpenAPI 3.1 description of every `/v2` operation.
        routes.on(.get, "openapi.json") { request, _ in try openAPI(request) }
        /// A readable reference page rendered from the OpenAPI document (the one HTML route of `/v2`).
        routes.on(.get, "docs") { request, _ in try docs(request) }
    }

    func openAPI(_ request: Request) throws -> Response {
        guard let document else { throw Self.missing }
        return Self.respond(request, bytes: document.bytes, etag: document.etag, headers: [.contentType: "application/json"])
    }

    func docs(_ request: Request) throws -> Response {
        guard let page else { throw Self.missing }
        return Self.respond(request, bytes: page.bytes, etag: page.etag, headers: [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy: Self.contentSecurityPolicy,
            HTTPField.Name("Referrer-Policy")!: "no-referrer",
            HTTPField.Name("X-Frame-Options")!: "DENY",
        ])
    }

    static let missing = APIError(.serviceUnavailable, "This server was installed without its API description.")

    /// 200 with the bytes and their ETag, or 304 when `If-None-Match` already names it.
    static func respond(_ request: Request, bytes: [UInt8], etag: String, headers: HTTPFields) -> Response {
        var headers = headers
        headers[.eTag] = etag
        headers[.cacheControl] = "no-cache"
        if ETag.matches(request.headers[values: .ifNoneMatch], etag) {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// A rendered page and its validator.
struct StaticPage: Sendable {
    let bytes: [UInt8]
    let etag: String

    init(html: String) {
        bytes = Array(html.utf8)
        etag = ETag.strong(for: bytes)
    }
}
