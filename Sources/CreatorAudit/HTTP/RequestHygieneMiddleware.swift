// Refusals that need no route and no identity: oversized request lines and headers, oversized bodies,
// and credentials in the query string (refused before authentication, so 400 wins over 401).
import HTTPTypes
import Hummingbird
import HummingbirdCore

struct RequestHygieneMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    static let maximumRequestLine = 8 * 1024
    static let maximumHeaderBytes = 16 * 1024
    static let maximumBody = 1 << 20
    /// Routes that take larger bodies, and their limit (they read the body themselves, within it).
    static let largeBodies: [String: (bytes: Int, text: String)] = ["/v2/snapshots": (16 << 20, "16 MiB")]
    static let credentialParameters: Set<String> = ["api_key", "key", "token", "access_token"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.string.utf8.count + request.method.rawValue.utf8.count + 10 > Self.maximumRequestLine {
            throw APIError(.uriTooLong, "The request line is longer than 8 KiB.")
        }
        var headerBytes = 0
        for field in request.headers { headerBytes += field.name.rawName.utf8.count + field.value.utf8.count + 4 }
        if headerBytes > Self.maximumHeaderBytes {
            throw APIError(.headersTooLarge, "The request headers are larger than 16 KiB.")
        }
        if let query = request.uri.query, Self.hasCredential(inQuery: query) {
            throw APIError(.badRequest, "Credentials are not accepted in the query string; use the Authorization header.")
        }
        let limit = Self.largeBodies[context.endpointPath ?? ""] ?? (Self.maximumBody, "1 MiB")
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit.bytes {
            throw APIError(.payloadTooLarge, "The request body is larger than \(limit.text).")
        }
        return try await next(request, context)
    }

    static func hasCredential(inQuery query: some StringProtocol) -> Bool {
        for pair in query.split(separator: "&") {
            let name = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let decoded = String(name).removingPercentEncoding?.lowercased() ?? String(name).lowercased()
            if credentialParameters.contains(decoded) { return true }
        }
        return false
    }
}

/// `/v2` speaks JSON only: a body that is not JSON → 415; an `Accept` that excludes JSON → 406.
/// The reference page is the one exception: it answers HTML, so there the `Accept` must admit `text/html`.
struct JSONOnlyMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    /// Routes (as the router names them) that produce HTML instead of JSON.
    static let htmlRoutes: Set<String> = ["/v2/docs"]
    /// Routes (as the router names them) that take NDJSON bodies instead of JSON (push ingestion).
    static let ndjsonRoutes: Set<String> = ["/v2/snapshots"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let hasBody = (request.headers[.contentLength].flatMap(Int.init) ?? 0) > 0
            || request.headers[.transferEncoding]?.lowercased().contains("chunked") == true
        if Self.ndjsonRoutes.contains(context.endpointPath ?? "") {
            if hasBody, !Self.isNDJSON(request.headers[.contentType]) {
                throw APIError(.unsupportedMediaType, "The request body must be application/x-ndjson.")
            }
        } else if hasBody, !Self.isJSON(request.headers[.contentType]) {
            throw APIError(.unsupportedMediaType, "The request body must be application/json.")
        }
        if let accept = request.headers[.accept] {
            if Self.htmlRoutes.contains(context.endpointPath ?? "") {
                if !Self.accepts(accept, "text/html") {
                    throw APIError(.notAcceptable, "This page is only available as text/html.")
                }
            } else if !Self.accepts(accept, "application/json") {
                throw APIError(.notAcceptable, "This API only produces application/json.")
            }
        }
        return try await next(request, context)
    }

    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let media = contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return media == "application/json" || (media.hasPrefix("application/") && media.hasSuffix("+json"))
    }

    static func isNDJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let media = contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return media == "application/x-ndjson"
    }

    /// Whether an `Accept` header admits `mediaType` (q=0 excludes).
    static func accepts(_ accept: String, _ mediaType: String) -> Bool {
        let wanted = mediaType.split(separator: "/")
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let media = parts.first, !media.isEmpty else { continue }
            if parts.dropFirst().contains(where: { $0.replacingOccurrences(of: " ", with: "").hasPrefix("q=0") && Double($0.dropFirst(2)) == 0 }) {
                continue
            }
            let pieces = media.split(separator: "/")
            guard pieces.count == 2 else { continue }
            if (pieces[0] == "*" || pieces[0] == wanted[0]) && (pieces[1] == "*" || pieces[1] == wanted[1]) { return true }
            if media == "application/problem+json" { return true }
        }
        return false
    }
}

import Foundation
