// The one place errors users see are defined: codes, statuses and titles of the RFC 9457 problem documents
// (README, "API conventions"). HTTP-level code throws `APIError`; the domain and the Store throw `DomainError`
// (Domain/DomainError.swift), which `ProblemMiddleware.translate` maps here.
import HTTPTypes

public struct APIError: Error, Sendable, Equatable {
    public enum Code: String, Sendable {
        case badRequest = "BAD_REQUEST"
        case unauthorized = "UNAUTHORIZED"
        case forbidden = "FORBIDDEN"
        case insufficientScope = "INSUFFICIENT_SCOPE"
        case quotaExceeded = "QUOTA_EXCEEDED"
        case notFound = "NOT_FOUND"
        case methodNotAllowed = "METHOD_NOT_ALLOWED"
        case notAcceptable = "NOT_ACCEPTABLE"
        case conflict = "CONFLICT"
        case payloadTooLarge = "PAYLOAD_TOO_LARGE"
        case uriTooLong = "URI_TOO_LONG"
        case headersTooLarge = "HEADERS_TOO_LARGE"
        case unsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
        case validationError = "VALIDATION_ERROR"
        case rateLimited = "RATE_LIMITED"
        case internalError = "INTERNAL_ERROR"
        case upstreamError = "UPSTREAM_ERROR"
        case serviceUnavailable = "SERVICE_UNAVAILABLE"

        public var status: HTTPResponse.Status {
            switch self {
            case .badRequest: return .badRequest
            case .unauthorized: return .unauthorized
            case .forbidden, .insufficientScope, .quotaExceeded: return .forbidden
            case .notFound: return .notFound
            case .methodNotAllowed: return .methodNotAllowed
            case .notAcceptable: return .notAcceptable
            case .conflict: return .conflict
            case .payloadTooLarge: return .contentTooLarge
            case .uriTooLong: return .uriTooLong
            case .headersTooLarge: return .requestHeaderFieldsTooLarge
            case .unsupportedMediaType: return .unsupportedMediaType
            case .validationError: return .unprocessableContent
            case .rateLimited: return .tooManyRequests
            case .internalError: return .internalServerError
            case .upstreamError: return .badGateway
            case .serviceUnavailable: return .serviceUnavailable
            }
        }

        public var title: String {
            switch self {
            case .badRequest: return "Bad Request"
            case .unauthorized: return "Unauthorized"
            case .forbidden, .insufficientScope, .quotaExceeded: return "Forbidden"
            case .notFound: return "Not Found"
            case .methodNotAllowed: return "Method Not Allowed"
            case .notAcceptable: return "Not Acceptable"
            case .conflict: return "Conflict"
            case .payloadTooLarge: return "Content Too Large"
            case .uriTooLong: return "URI Too Long"
            case .headersTooLarge: return "Request Header Fields Too Large"
            case .unsupportedMediaType: return "Unsupported Media Type"
            case .validationError: return "Unprocessable Entity"
            case .rateLimited: return "Too Many Requests"
            case .internalError: return "Internal Server Error"
            case .upstreamError: return "Bad Gateway"
            case .serviceUnavailable: return "Service Unavailable"
            }
        }

        /// `urn:creatoraudit:error:<kebab-case of code>`
        public var typeURI: String { "urn:creatoraudit:error:" + rawValue.lowercased().replacingOccurrences(of: "_", with: "-") }
    }

    public let code: Code
    /// Human text; never echoes input values.
    public let detail: String
    public var errors: [FieldError]
    /// Extra response headers (`WWW-Authenticate`, `Retry-After`, `Allow`).
    public var headers: [String: String]
    /// RFC 9457 extension members beyond ours (e.g. health's `checks`); written after the standard ones.
    public var extensions: [String: JSONOut] = [:]

    public init(_ code: Code, _ detail: String, errors: [FieldError] = [], headers: [String: String] = [:]) {
        self.code = code
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    public static func validation(_ errors: [FieldError]) -> APIError {
        APIError(.validationError, "The request has invalid fields; see errors.", errors: errors)
    }
    public static func notFound(_ what: String = "resource") -> APIError {
        APIError(.notFound, "The \(what) does not exist.")
    }
    public static func conflict(_ detail: String) -> APIError { APIError(.conflict, detail) }
    /// A 500 that reveals nothing.
    static let `internal` = APIError(.internalError, "Something went wrong on our side.")
}

