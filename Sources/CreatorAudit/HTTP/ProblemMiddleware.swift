// The outermost middleware. It assigns the request id, turns every error into an RFC 9457 problem
// document (the one place errors are mapped, `translate`), adds the headers every response carries, and writes the
// one access-log line — which holds the
// route pattern, never the raw URI, so no query string or path value (credential or not) reaches the log.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

struct ProblemMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let routes: RouteTable
    let logger: Logger
    /// How an error looks outside /v2, where the reader is a person with a browser (the dashboard's error page,
    /// wired in `buildRouter`); nil: a problem document there too.
    var htmlErrorPage: (@Sendable (APIError, _ requestID: String) -> Response)?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var context = context
        if !context.isInProcess { context.requestID = Self.requestID(from: request.headers[.xRequestID]) }
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = problemResponse(for: error, request: request, context: context)
        }
        let facts = context.facts.snapshot
        if !context.isInProcess {
            response.headers[.strictTransportSecurity] = "max-age=63072000"
            response.headers[.xContentTypeOptions] = "nosniff"
            response.headers[.xRequestID] = context.requestID
            for (name, value) in facts.headers { response.headers[name] = value }
        }
        let elapsed = ContinuousClock.now - started
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        logger.info("request", metadata: [
            "method": .string(request.method.rawValue),
            "route": .string(context.endpointPath ?? "-"),
            "status": .stringConvertible(response.status.code),
            "duration_ms": .string(Self.milliseconds(micros)),
            "request_id": .string(context.requestID),
            "organization_id": .string(facts.organizationID?.description ?? "-"),
            "key_id": .string(facts.keyID?.description ?? "-"),
            // An in-process request's client is its `/mcp` request's, decided before it ran (the facts learn it
            // only when that request ends).
            "client": .string(
                context.isInProcess ? context.clientAddress : facts.clientAddress ?? context.remoteAddress?.ipAddress ?? "-"),
        ])
        return response
    }

    /// `1.234` from microseconds, without String(format:) (slow on this path).
    static func milliseconds(_ micros: Int64) -> String {
        let fraction = String(micros % 1000)
        return String(micros / 1000) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// The client's `X-Request-ID` when it is safe to echo, else a new UUID. Something shaped like one of our
    /// keys is never echoed (nor logged), whatever the client meant by it.
    static func requestID(from header: String?) -> String {
        if let header, (1...64).contains(header.utf8.count), !containsKeyPrefix(header.utf8),
           header.utf8.allSatisfy({ APIKeyToken.isBase62($0) || $0 == 46 || $0 == 95 || $0 == 45 }) {
            return header
        }
        return FastUUID.randomString()
    }

    /// Whether `bytes` hold `ca_live` in any letter case (byte by byte: no lowercased copy, no Foundation search).
    static func containsKeyPrefix(_ bytes: String.UTF8View) -> Bool {
        let prefix: [UInt8] = Array("ca_live".utf8)
        let text = Array(bytes)
        guard text.count >= prefix.count else { return false }
        for start in 0...(text.count - prefix.count) {
            var index = 0
            // ASCII letters lowercased by setting 0x20; `_` (0x5F) never equals a letter's lowercase form.
            while index < prefix.count, (text[start + index] | (prefix[index] == 95 ? 0 : 0x20)) == prefix[index] {
                index += 1
            }
            if index == prefix.count { return true }
        }
        return false
    }

    func problemResponse(for error: any Error, request: Request, context: Context) -> Response {
        var apiError = Self.translate(error)
        if let httpError = error as? HTTPError, httpError.status == .notFound {
            let allowed = routes.allowedMethods(for: request.uri.path)
            if !allowed.isEmpty {
                apiError = APIError(.methodNotAllowed, "This method is not allowed on this resource.",
                                    headers: ["Allow": allowed.joined(separator: ", ")])
            }
        }
        if apiError.code == .internalError { logInternal(error, requestID: context.requestID) }
        if let htmlErrorPage, !Self.isAPIPath(request.uri.path) { return htmlErrorPage(apiError, context.requestID) }
        return Self.problem(apiError, instance: request.uri.path, requestID: context.requestID)
    }

    /// `/v2` and everything under it, and `/mcp` (docs/mcp.md), speak problem documents.
    static func isAPIPath(_ path: String) -> Bool { path == "/v2" || path.hasPrefix("/v2/") || path == "/mcp" }

    /// The one mapping from errors to what users see: domain errors, HTTP-level errors, and everything else as a 500
    /// that reveals nothing.
    static func translate(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as DatabaseUnavailable:
            // README, "Reliability": a database that cannot answer now is a 503 the client may retry, never a 500.
            return APIError(.serviceUnavailable, error.isBusy ? "The database is busy; retry shortly."
                                : "The database is unreachable; retry shortly.",
                            headers: ["Retry-After": String(error.retryAfterSeconds)])
        case let error as DomainError:
            switch error.kind {
            case .notFound: return APIError(.notFound, error.detail)
            case .conflict: return APIError(.conflict, error.detail)
            case .invalid: return APIError(.validationError, error.detail, errors: error.errors)
            case .quotaExceeded: return APIError(.quotaExceeded, error.detail)
            case .forbidden: return APIError(.forbidden, error.detail)
            }
        case let error as HTTPError:
            switch error.status {
            case .notFound: return APIError(.notFound, "No resource exists at this path.")
            case .contentTooLarge: return APIError(.payloadTooLarge, "The request body is larger than 1 MiB.")
            case .badRequest: return APIError(.badRequest, "The request could not be read.")
            case .unsupportedMediaType: return APIError(.unsupportedMediaType, "The request body must be application/json.")
            case .methodNotAllowed: return APIError(.methodNotAllowed, "This method is not allowed on this resource.")
            default:
                if error.status.code < 500 { return APIError(.badRequest, "The request could not be processed.") }
                return .internal
            }
        case is DecodingError:
            return APIError(.badRequest, "The request body is not valid JSON.")
        default:
            return .internal
        }
    }

    /// One line for the operator. A corrupt row names its table and column (no values); anything else only its type,
    /// since error descriptions can carry SQL or values.
    private func logInternal(_ error: any Error, requestID: String) {
        if let corrupt = error as? CorruptRow {
            logger.error("corrupt row", metadata: [
                "table": .string(corrupt.table), "column": .string(corrupt.column), "request_id": .string(requestID),
            ])
        } else if let violation = error as? TenancyViolation {
            logger.critical("tenancy violation", metadata: ["reason": .string(violation.reason), "request_id": .string(requestID)])
        } else {
            logger.error("unhandled error", metadata: [
                "error_type": .string(String(describing: type(of: error))), "request_id": .string(requestID),
            ])
        }
    }

    /// The RFC 9457 document for `error`, serialised.
    static func problemBody(_ error: APIError, instance: String, requestID: String) -> [UInt8] {
        var fields: [(String, JSONOut)] = [
            ("type", .string(error.code.typeURI)), ("title", .string(error.code.title)),
            ("status", .int(Int(error.code.status.code))), ("detail", .string(error.detail)),
            ("code", .string(error.code.rawValue)), ("instance", .string(instance)), ("request_id", .string(requestID)),
        ]
        if error.code == .validationError {
            fields.append(("errors", .array(error.errors.map { .object([("field", .string($0.field)), ("message", .string($0.message))]) })))
        }
        for (name, value) in error.extensions.sorted(by: { $0.key < $1.key }) { fields.append((name, value)) }
        return JSONOut.object(fields).serialized()
    }

    static func problem(_ error: APIError, instance: String, requestID: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        var response = Response(
            status: error.code.status, headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: problemBody(error, instance: instance, requestID: requestID))))
        for (name, value) in error.headers {
            if let field = HTTPField.Name(name) { response.headers[field] = value }
        }
        return response
    }
}

extension HTTPField.Name {
    static let xRequestID = HTTPField.Name("X-Request-ID")!
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let xForwardedProto = HTTPField.Name("X-Forwarded-Proto")!
}
