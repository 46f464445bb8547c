// The outermost middleware. It assigns the request id, turns every error into an RFC 9457 problem
// document, adds the headers every response carries, and writes the one access-log line — which holds the
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

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var context = context
        context.requestID = Self.requestID(from: request.headers[.xRequestID])
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = problemResponse(for: error, request: request, context: context)
        }
        let facts = context.facts.snapshot
        response.headers[.strictTransportSecurity] = "max-age=63072000"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.xRequestID] = context.requestID
        for (name, value) in facts.headers { response.headers[name] = value }
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
            "client": .string(facts.clientAddress ?? context.remoteAddress?.ipAddress ?? "-"),
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
        if let header, (1...64).contains(header.utf8.count), !header.lowercased().contains("ca_live"),
           header.utf8.allSatisfy({ APIKeyToken.isBase62($0) || $0 == 46 || $0 == 95 || $0 == 45 }) {
            return header
        }
        return UUID().uuidString.lowercased()
    }

    func problemResponse(for error: any Error, request: Request, context: Context) -> Response {
        let apiError = translate(error, request: request)
        // Outside /v2 the reader is a person with a browser: the dashboard's error page, same status and headers.
        if !Pages.isAPIPath(request.uri.path) { return Pages.error(apiError, requestID: context.requestID) }
        return Self.problem(apiError, instance: request.uri.path, requestID: context.requestID)
    }

    func translate(_ error: any Error, request: Request) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as DatabaseUnavailable:
            // README, "Reliability": a database that cannot answer now is a 503 the client may retry, never a 500.
            return APIError(.serviceUnavailable, error.isBusy ? "The database is busy; retry shortly."
                                : "The database is unreachable; retry shortly.",
                            headers: ["Retry-After": String(error.retryAfterSeconds)])
        case let error as HTTPError:
            switch error.status {
            case .notFound:
                let allowed = routes.allowedMethods(for: request.uri.path)
                if !allowed.isEmpty {
                    return APIError(.methodNotAllowed, "This method is not allowed on this resource.",
                                    headers: ["Allow": allowed.joined(separator: ", ")])
                }
                return APIError(.notFound, "No resource exists at this path.")
            case .contentTooLarge: return APIError(.payloadTooLarge, "The request body is larger than 1 MiB.")
            case .badRequest: return APIError(.badRequest, "The request could not be read.")
            case .unsupportedMediaType: return APIError(.unsupportedMediaType, "The request body must be application/json.")
            case .methodNotAllowed: return APIError(.methodNotAllowed, "This method is not allowed on this resource.")
            default:
                if error.status.code < 500 { return APIError(.badRequest, "The request could not be processed.") }
                return internalError(error)
            }
        case is DecodingError:
            return APIError(.badRequest, "The request body is not valid JSON.")
        default:
            return internalError(error)
        }
    }

    private func internalError(_ error: any Error) -> APIError {
        // The type only: error descriptions can carry SQL or values.
        logger.error("unhandled error", metadata: ["error_type": .string(String(describing: type(of: error)))])
        return APIError(.internalError, "Something went wrong on our side.")
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
